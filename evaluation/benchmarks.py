"""Reprints BENCHMARKS.md from scratch: extraction, retrieval quality, speed, memory, civil cases.

``leian bench`` rebuilds the development index, measures everything on this machine and rewrites the
whole file; ``leian bench --only`` (and ``leian eval``, its retrieval section) re-measures the named sections and
replaces them in place.
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from evaluation.backends import backends_section
from evaluation.civil import civil_section
from evaluation.lecard import dev_index, dev_sources, lecard_runs, load_lecard
from evaluation.outcomes import outcome_section
from evaluation.retrieval import retrieval_section
from evaluation.scale import scale_section, source_findings, synthetic_records
from evaluation.service import fact_queries, service_section
from indexing.index import LeianIndex
from leian.errors import BackendUnavailable
from leian.settings import PROJECT_ROOT, Settings, get_settings
from retrieval.ranker import Ranker
from retrieval.searcher import Query, Searcher

__all__ = ["BENCHMARKS", "SECTIONS", "replace_section", "write_benchmarks", "write_sections"]

BENCHMARKS = PROJECT_ROOT / "BENCHMARKS.md"
#: The sections of BENCHMARKS.md, in order; each sits between ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->``.
SECTIONS = ("retrieval", "speed", "backends", "civil", "scale", "es-scale", "outcomes", "service", "extraction")


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed_section(index: LeianIndex, ingest_seconds: float, settings: Settings) -> str:
    """Ingest throughput, full-corpus latency (p50/p95), memory and disk on this machine."""
    queries, _, _ = load_lecard(settings)
    searcher = Searcher(index)
    searcher.search(Query(queries[0]["fact"]), k=10)  # warm caches (BM25 weights, model) outside the timing
    _, fact_lat = lecard_runs(searcher, queries, None, with_charges=False, k=10)
    explained, cpu = [], []
    for q in queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        searcher.search(Query(q["fact"], id=q["id"]), k=10, explain=True)
        explained.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    n = index.catalog.count()
    p = lambda xs, q: statistics.quantiles(xs, n=100)[q - 1]  # noqa: E731
    lines = [
        "| measure | value |",
        "|---|---|",
        f"| documents | {n:,} |",
    ]
    if ingest_seconds:
        lines.append(
            f"| ingest from scratch (parse, segment, embed, index, train charge model) | {ingest_seconds:.0f} s"
            f" ({n / ingest_seconds:.0f} docs/s) |"
        )
    lines += [
        f"| full-corpus search, top 10, no explanation | p50 {p(fact_lat, 50):.1f} ms, p95 {p(fact_lat, 95):.1f} ms |",
        f"| full-corpus search, top 10 with explanations | p50 {p(explained, 50):.1f} ms,"
        f" p95 {p(explained, 95):.1f} ms |",
        "| CPU time per search, top 10 with explanations (all threads of the process) |"
        f" mean {statistics.mean(cpu):.1f} ms |",
        f"| peak resident memory of the benchmark process | {_peak_rss_mb():.0f} MB |",
        f"| index directory on disk | {_dir_size(index.directory) / 2**20:.0f} MB |",
    ]
    return "\n".join(lines)


def _begin(name: str) -> str:
    return f"<!-- {name}:begin -->"


def _end(name: str) -> str:
    return f"<!-- {name}:end -->"


def _block(name: str, body: str) -> str:
    """A section between its markers, with the day it was measured (partial runs leave other sections' days)."""
    return f"{_begin(name)}\n{body}\n\n_Measured {time.strftime('%Y-%m-%d')}._\n{_end(name)}"


def replace_section(text: str, name: str, body: str) -> str:
    """``text`` with section ``name`` between its markers replaced by ``body``.

    Raises ValueError when ``text`` lacks the section's markers (a file not written by ``leian bench``).
    """
    pattern = re.escape(_begin(name)) + r".*?" + re.escape(_end(name))
    if not re.search(pattern, text, flags=re.S):
        raise ValueError(f"{BENCHMARKS.name} has no {name!r} section: run `leian bench` in full first")
    return re.sub(pattern, lambda _: _block(name, body), text, flags=re.S)


def _es_scale(settings: Settings) -> str:
    try:
        return scale_section(settings, backend="elasticsearch")
    except BackendUnavailable as exc:
        return f"Elasticsearch was not reachable at {settings.es_url} ({exc}); start it with `make es-up`."


def _service(index_dir: Path, settings: Settings) -> str:
    """The service section, on a copy of the development index: CAIL2018 test facts are the queries and the
    judgments ingested under load; recombined development judgments are ingested in the kill trials."""
    cail_test = settings.data / "cail2018" / "data_test.json"
    with tempfile.TemporaryDirectory(prefix="leian-kill-") as tmp:
        kill_source = Path(tmp) / "recombined.jsonl"
        records = synthetic_records(source_findings(settings), 20 * 700, seed=29)
        kill_source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
        queries = fact_queries(cail_test, 400)
        return service_section(index_dir, queries[:200], cail_test, kill_source, warm_up=queries[200:])


def _measure(names: Sequence[str], settings: Settings, rebuild: bool, write_ranker: bool = False) -> dict[str, str]:
    """The Markdown body of each named section, measured now (the development index is built when missing, or
    rebuilt when ``rebuild``: ingest speed is only meaningful from scratch); ``write_ranker`` records the fusion
    fitted on the development queries as the one Leian ships."""
    from evaluation.extraction import extraction_report

    unknown = sorted(set(names) - set(SECTIONS))
    if unknown:
        raise ValueError(f"unknown benchmark section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    out: dict[str, str] = {}
    if {"retrieval", "speed", "backends", "service"} & set(names):
        index, _, ingest_seconds = dev_index(settings, rebuild=rebuild)
        try:
            if "retrieval" in names:
                out["retrieval"] = retrieval_section(index, settings, write_ranker=write_ranker)
            if "speed" in names:
                out["speed"] = speed_section(index, ingest_seconds, settings)
            if "backends" in names:
                out["backends"] = backends_section(index, ingest_seconds, settings)
        finally:
            index.close()
        if "service" in names:
            out["service"] = _service(index.directory, settings)
    producers: dict[str, Callable[[], str]] = {
        "outcomes": lambda: outcome_section(settings),
        "civil": lambda: civil_section(settings, Ranker.default()),
        "scale": lambda: scale_section(settings),
        "es-scale": lambda: _es_scale(settings),
        "extraction": lambda: extraction_report(settings.data),
    }
    out.update({name: producers[name]() for name in names if name in producers})
    return out


def write_sections(names: Sequence[str], settings: Settings | None = None, write_ranker: bool = False) -> str:
    """Measure only the named sections and replace them in BENCHMARKS.md in place; returns their Markdown.

    Ingest speed needs an index built from scratch, so naming ``speed`` or ``backends`` rebuilds it.
    """
    settings = settings or get_settings()
    current = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else ""
    for name in names:  # fail before measuring for minutes, not after
        replace_section(current, name, "")
    bodies = _measure(names, settings, rebuild=bool({"speed", "backends"} & set(names)), write_ranker=write_ranker)
    for name, body in bodies.items():
        current = replace_section(current, name, body)
    BENCHMARKS.write_text(current, encoding="utf-8")
    return "\n\n".join(bodies[n] for n in names)


def write_benchmarks(settings: Settings | None = None) -> str:
    """Rebuild the development index and rewrite the whole of BENCHMARKS.md; returns its text."""
    settings = settings or get_settings()
    started = time.perf_counter()
    b = {name: _block(name, body) for name, body in _measure(SECTIONS, settings, rebuild=True).items()}
    sources = ", ".join(str(p.relative_to(settings.data)) for p in dev_sources(settings))
    text = f"""# Leian benchmarks

Reproduce from scratch with `make bench` (= `.venv/bin/leian bench`, about {(time.perf_counter() - started) / 60:.0f}
minutes); `leian bench --only SECTION[,SECTION…]` re-measures only those sections in place (each ends with the day
it was measured; `make eval` = `leian eval` is `--only retrieval`). Sections: {", ".join(SECTIONS)}. Measured on
{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. The development index holds
{sources} (data from `$LEIAN_DATA`, default `../shared/data`). Everything fitted here is fitted on the LeCaRD
development split only, and scored under cross-validation; no held-out data was used.

## Similar-case retrieval (LeCaRD development split)

Protocol of `../shared/docs/DATA.md`: each query re-ranks its pool; NDCG with linear gain against all graded labels,
MAP and P@5 with grade 3 relevant. "Fact only" is the headline setting (the published systems had only the facts;
Leian infers the charges itself). The headline figures are cross-validated (`evaluation/crossval.py`): the fusion
weights and their regularisation are fitted on six of seven fixed folds and scored on the seventh, in turn; the
in-sample figure and the gap are printed beside them. Reference points from DATA.md: a character-bigram BM25 over
the facts scores 0.782 / 0.883 / 0.540 (NDCG@10 / NDCG@30 / MAP), and 0.859 / 0.915 / 0.640 with a bonus for
candidates whose case name contains an alleged charge. On the owners' held-out queries (2026-12-06, before this
fusion) the bigram BM25 scored 0.765 / 0.860 / 0.473 and Leian 0.731 / 0.847 / 0.430 (`../shared/docs/HELDOUT.md`).

{b['retrieval']}

## Speed and size (this machine, 2 cores)

{b['speed']}

## Embedded and Elasticsearch side by side (same corpus, queries and ranking code; fact-only pool protocol)

{b['backends']}

## Civil cases (CJRC facts and private-lending triplets)

{b['civil']}

## Scale: one index grown to 100,000 documents, embedded and on Elasticsearch

Documents recombine the findings of two real judgments (`evaluation/scale.py`); each row adds the documents of
that step to the same index (incremental ingest), then times 50 full-corpus searches (top 10, no explanations).

Embedded:

{b['scale']}

Elasticsearch (the single local node of `make es-up`, same documents and queries):

{b['es-scale']}

## Expected outcomes and deviation flags (同案不同判预警)

{b['outcomes']}

{b['service']}

{b['extraction']}
"""
    BENCHMARKS.write_text(text, encoding="utf-8")
    return text
