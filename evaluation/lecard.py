"""The LeCaRD development split: its data, the development index, and runs of a searcher over it.

Protocol (../shared/docs/DATA.md): each of the 77 queries ranks its pool of ~100 candidates, from the fact
text alone (headline) and with the alleged charges; NDCG@10/20/30 with linear gain, MAP and P@5 with grade
3 relevant. Full-corpus retrieval ranks all 12,763 development documents (recall of grade ≥ 2 at 100).
The index is the development index (LeCaRD candidates + CAIL2018 train) built by :func:`dev_index`; the
scores are computed in :mod:`evaluation.retrieval`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from indexing.index import LeianIndex
from indexing.pipeline import IngestSummary, ingest
from leian.settings import Settings, get_settings
from retrieval.searcher import Query, Searcher

__all__ = ["DEV_INDEX", "PUBLISHED", "dev_index", "dev_sources", "lecard_runs", "load_lecard"]

DEV_INDEX = "lecard-dev"
PUBLISHED = {"sailer.run": "SAILER", "bm25_lecard.run": "LeCaRD BM25", "lmir_lecard.run": "LeCaRD LMIR"}


def dev_sources(settings: Settings) -> list[Path]:
    """The 12,763 development documents: LeCaRD candidates and CAIL2018 train."""
    return [settings.data / "lecard" / "candidates.jsonl.gz", settings.data / "cail2018" / "data_train.json"]


def dev_index(
    settings: Settings | None = None, rebuild: bool = False
) -> tuple[LeianIndex, IngestSummary | None, float]:
    """The development index (built on first use); returns it, the ingest summary and the ingest seconds."""
    settings = settings or get_settings()
    directory = settings.index_dir(DEV_INDEX)
    if rebuild:
        LeianIndex.remove(directory, settings)
    index = LeianIndex(directory, create=True, settings=settings)
    if index.catalog.count():
        return index, None, 0.0
    started = time.perf_counter()
    summary = ingest(index, dev_sources(settings))
    return index, summary, time.perf_counter() - started


def load_lecard(settings: Settings) -> tuple[list[dict], dict[str, dict[str, int]], dict[str, list[str]]]:
    """Queries, graded qrels and pools of the development split."""
    root = settings.data / "lecard"
    queries = [json.loads(line) for line in (root / "queries.jsonl").read_text(encoding="utf-8").splitlines() if line]
    qrels = {
        q: {d: int(g) for d, g in grades.items()} for q, grades in json.loads((root / "qrels.json").read_text()).items()
    }
    pools = {q: [str(d) for d in docs] for q, docs in json.loads((root / "pools.json").read_text()).items()}
    return queries, qrels, pools


def lecard_runs(
    searcher: Searcher, queries: list[dict], pools: dict[str, list[str]] | None, with_charges: bool, k: int = 100
) -> tuple[dict[str, list[str]], list[float]]:
    """Rankings per query (pool re-ranking when ``pools`` is given) and per-query latencies in ms."""
    run, latencies = {}, []
    for q in queries:
        query = Query(
            text=q["fact"],
            charges=tuple(q.get("charges") or ()) if with_charges else (),
            candidates=frozenset(pools[q["id"]]) if pools is not None else None,
            id=q["id"],
        )
        result = searcher.search(query, k=k, explain=False)
        run[q["id"]] = [h.id for h in result.hits]
        latencies.append(result.took_ms)
    return run, latencies
