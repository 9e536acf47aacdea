"""The two backends side by side: same corpus, same queries, same ranking code.

Builds the development corpus into Elasticsearch through the same pipeline as the embedded index, then
measures quality (the LeCaRD protocol) and speed (ingest throughput, per-query latency) of both.
"""

from __future__ import annotations

import statistics
import time

from evaluation.lecard import DEV_INDEX, dev_sources, lecard_runs, load_lecard
from evaluation.metrics import score_run
from indexing.elastic.connection import connect
from indexing.index import LeianIndex, es_index_name
from indexing.pipeline import ingest
from leian.errors import BackendUnavailable
from leian.settings import Settings, get_settings
from retrieval.searcher import Searcher

__all__ = ["backends_section"]


def _measure(index: LeianIndex, settings: Settings) -> dict[str, float]:
    queries, qrels, pools = load_lecard(settings)
    searcher = Searcher(index)
    pool_run, _ = lecard_runs(searcher, queries, pools, with_charges=False)
    _, latencies = lecard_runs(searcher, queries[:1], None, with_charges=False, k=10)  # warm-up
    _, latencies = lecard_runs(searcher, queries, None, with_charges=False, k=10)
    scores = score_run(pool_run, qrels)
    pct = statistics.quantiles(latencies, n=100)
    return {**scores, "p50": pct[49], "p95": pct[94]}


def backends_section(embedded: LeianIndex, embedded_ingest_s: float, settings: Settings | None = None) -> str:
    """Markdown comparing the embedded index with an Elasticsearch index of the same corpus."""
    settings = settings or get_settings()
    es_dir = settings.index_dir(f"{DEV_INDEX}-es")
    try:
        LeianIndex.remove(es_dir, settings)  # from scratch: drop what an earlier run left, server-side too
        es = LeianIndex(es_dir, create=True, backend="elasticsearch", settings=settings)
    except BackendUnavailable as exc:
        return f"Elasticsearch was not reachable at {settings.es_url} ({exc}); start it with `make es-up`."
    started = time.perf_counter()
    ingest(es, dev_sources(settings))
    es_ingest_s = time.perf_counter() - started
    # Searched as a built index is: merged, not while the node still merges the segments of a bulk load (on two
    # shared cores a search can then wait past the client's timeout).
    client = connect(settings.es_url)
    client.options(request_timeout=900).indices.forcemerge(
        index=f"{es_index_name(es_dir.name)}-*", max_num_segments=1, wait_for_completion=True
    )
    rows = {"embedded": _measure(embedded, settings), "Elasticsearch (1 node)": _measure(es, settings)}
    n = es.catalog.count()
    es.close()
    ingest_s = {"embedded": embedded_ingest_s, "Elasticsearch (1 node)": es_ingest_s}
    lines = [
        "| backend | NDCG@10 | NDCG@30 | MAP | ingest docs/s | search p50 / p95 (full corpus, top 10) |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        rate = f"{n / ingest_s[name]:.0f}" if ingest_s[name] else "–"
        lines.append(
            f"| {name} | {r['NDCG@10']:.4f} | {r['NDCG@30']:.4f} | {r['MAP']:.4f} | {rate} |"
            f" {r['p50']:.1f} / {r['p95']:.1f} ms |"
        )
    emb, ess = rows["embedded"], rows["Elasticsearch (1 node)"]
    lines += [
        "",
        f"NDCG@30 differs by {abs(emb['NDCG@30'] - ess['NDCG@30']):.4f} (goal ≤ 0.01). The embedded backend answers"
        f" {ess['p50'] / emb['p50']:.1f}× faster at the median"
        + (f" and ingests {es_ingest_s / embedded_ingest_s:.1f}× faster" if embedded_ingest_s else "")
        + " on this machine; Elasticsearch's place is a multi-node cluster for a province or the national corpus.",
    ]
    return "\n".join(lines)
