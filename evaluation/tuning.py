"""How the fusion weights were chosen: a grid search on the LeCaRD development split (the only split here).

Each query's pool is searched once with every component recorded (:class:`~retrieval.searcher.SearchHit`
keeps them), then every weight combination re-scores those components offline, so the grid costs seconds.
The objective is the mean of NDCG@10 and MAP in the fact-only setting, the two metrics that separate systems
on this benchmark; the chosen weights are the defaults in :class:`~retrieval.fusion.FusionWeights`.
Run ``python -m evaluation.tuning`` to reproduce.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from evaluation.lecard import dev_index, load_lecard
from evaluation.metrics import score_run
from retrieval.fusion import FusionWeights
from retrieval.searcher import Query, Searcher

__all__ = ["GRID", "collect_components", "grid_search"]

GRID = {
    "dense": (0.0, 0.2, 0.4, 0.6),
    "charges": (0.3, 0.5, 0.8),
    "profile": (0.3, 0.6, 1.0),
    "circumstances": (0.0, 0.1, 0.2),
}

Components = dict[str, list[tuple[str, dict[str, float]]]]


def collect_components(
    searcher: Searcher, queries: list[dict], pools: dict[str, list[str]], charges: bool
) -> Components:
    """Per query, every pool member's score components."""
    out: Components = {}
    for q in queries:
        query = Query(q["fact"], tuple(q.get("charges") or ()) if charges else (), candidates=frozenset(pools[q["id"]]))
        hits = searcher.search(query, k=len(pools[q["id"]]), explain=False).hits
        out[q["id"]] = [(h.id, h.components) for h in hits]
    return out


def _rank(components: Components, weights: FusionWeights) -> dict[str, list[str]]:
    w = weights.to_dict()
    run = {}
    for qid, rows in components.items():
        scored = sorted(((-sum(w[k] * v for k, v in comp.items()), doc) for doc, comp in rows))
        run[qid] = [doc for _, doc in scored]
    return run


def grid_search(
    components: Components, qrels: dict[str, dict[str, int]]
) -> Iterable[tuple[float, FusionWeights, dict]]:
    """Every grid point with its objective and scores, best first."""
    results = []
    for values in itertools.product(*GRID.values()):
        weights = FusionWeights(**dict(zip(GRID, values, strict=True)))
        scores = score_run(_rank(components, weights), qrels)
        results.append(((scores["NDCG@10"] + scores["MAP"]) / 2, weights, scores))
    return sorted(results, key=lambda r: -r[0])


def main() -> None:
    """Print the ten best grid points for both settings."""
    index, _, _ = dev_index()
    queries, qrels, pools = load_lecard(index.settings)
    searcher = Searcher(index)
    for charges in (False, True):
        print("fact + alleged charges" if charges else "fact only")
        for objective, weights, scores in list(
            grid_search(collect_components(searcher, queries, pools, charges), qrels)
        )[:10]:
            print(f"  {objective:.4f} {weights.to_dict()} " + " ".join(f"{k}={v:.4f}" for k, v in scores.items()))
    index.close()


if __name__ == "__main__":
    main()
