"""The scale benchmark: how ingest time, latency, memory and disk grow up to 100,000 documents.

No public corpus of that size is available here, so documents are built by recombining sections of real
ones: the findings of one judgment followed by the findings of another with the first one's charges,
court and date. The text statistics (vocabulary, lengths, charge mix) stay those of real judgments.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from corpus.findings import findings_span
from corpus.model import RawRecord
from corpus.parse import parse_record
from corpus.readers import read_records
from indexing.index import LeianIndex, es_index_name
from indexing.pipeline import ingest
from leian.settings import Settings, get_settings
from retrieval.searcher import Query, Searcher

__all__ = ["scale_section", "source_findings", "synthetic_records"]

STEPS = (12_500, 25_000, 50_000, 100_000)
_MAX_PART = 1_200  # characters taken from each source's findings, so documents stay judgment-sized


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def source_findings(settings: Settings) -> list[dict[str, object]]:
    """Findings, charges, court and date of every development document."""
    out = []
    paths = [settings.data / "lecard" / "candidates.jsonl.gz", settings.data / "cail2018" / "data_train.json"]
    for raw in read_records(paths):
        if not isinstance(raw, RawRecord):
            continue
        doc = parse_record(raw)
        start, end = findings_span(doc.facts)
        out.append({"facts": doc.facts[start:end][:_MAX_PART], "charges": doc.charges, "court": doc.court,
                    "date": doc.date})
    return out


def synthetic_records(sources: list[dict[str, object]], n: int, seed: int = 13) -> Iterator[dict[str, object]]:
    """``n`` interchange records, each the findings of two real judgments joined (deterministic)."""
    rng = random.Random(seed)
    for i in range(n):
        a, b = rng.choice(sources), rng.choice(sources)
        yield {
            "id": f"scale-{i:06d}", "fact": f"{a['facts']}{b['facts']}", "charges": a["charges"],
            "court": a["court"], "date": a["date"],
        }


def _footprint(index: LeianIndex, settings: Settings) -> tuple[float, float]:
    """(memory MB, disk MB): this process and the index directory; for Elasticsearch the node's JVM heap in use
    and the store size of the index's Elasticsearch indexes (the local directory holds only the catalog)."""
    if index.manifest.backend != "elasticsearch":
        disk = sum(p.stat().st_size for p in index.directory.rglob("*") if p.is_file())
        return _rss_mb(), disk / 2**20
    from indexing.elastic.connection import connect

    client = connect(settings.es_url)
    client.indices.refresh(index=f"{es_index_name(index.directory.name)}-*")
    stats = client.indices.stats(index=f"{es_index_name(index.directory.name)}-*", metric="store")
    heap = sum(n["jvm"]["mem"]["heap_used_in_bytes"] for n in client.nodes.stats(metric="jvm")["nodes"].values())
    return heap / 2**20, stats["_all"]["total"]["store"]["size_in_bytes"] / 2**20


def scale_section(
    settings: Settings | None = None, steps: tuple[int, ...] = STEPS, backend: str = "embedded"
) -> str:
    """Grow one index of ``backend`` step by step and measure each step; returns the Markdown table."""
    settings = settings or get_settings()
    sources = source_findings(settings)
    queries = [str(s["facts"]) for s in random.Random(7).sample(sources, 50)]
    memory = "Elasticsearch heap in use" if backend == "elasticsearch" else "process memory"
    rows = [f"| documents | ingest of the step | docs/s | search p50 / p95 | {memory} | index on disk |",
            "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        records = list(synthetic_records(sources, max(steps)))
        directory = Path(tmp) / f"scale-{backend}"
        index = LeianIndex(directory, create=True, backend=backend, settings=settings)
        try:
            done = 0
            for step in steps:
                part = Path(tmp) / f"part-{step}.jsonl"
                part.write_text(
                    "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[done:step]), "utf-8"
                )
                started = time.perf_counter()
                ingest(index, [part], train_charges=step == steps[-1] or step == steps[0])
                seconds = time.perf_counter() - started
                searcher = Searcher(index)
                searcher.search(Query(queries[0]), k=10, explain=False)
                lat = [searcher.search(Query(q), k=10, explain=False).took_ms for q in queries]
                pct = statistics.quantiles(lat, n=100)
                memory_mb, disk_mb = _footprint(index, settings)
                rows.append(
                    f"| {step:,} | {seconds:.0f} s | {(step - done) / seconds:.0f} | {pct[49]:.1f} / {pct[94]:.1f} ms"
                    f" | {memory_mb:.0f} MB | {disk_mb:.0f} MB |"
                )
                done = step
        finally:
            index.destroy()  # for Elasticsearch, the server-side indexes too
    return "\n".join(rows)
