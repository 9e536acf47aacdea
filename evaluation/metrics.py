"""Ranking metrics with the protocol of the published LeCaRD numbers (see ../shared/docs/DATA.md).

NDCG uses linear gain ``grade / log2(rank + 1)`` against the ideal order of all the query's graded labels;
MAP and P@5 count a document as relevant when its grade reaches ``relevant_grade`` (3 on LeCaRD).
Unlabelled documents count as grade 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

__all__ = ["average_precision", "ndcg_at", "precision_at", "recall_at", "score_run"]

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Sequence[str]]


def ndcg_at(ranking: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """NDCG@k with linear gain; 0 when the query has no positive grade."""
    dcg = sum(grades.get(d, 0) / math.log2(r + 2) for r, d in enumerate(ranking[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def average_precision(ranking: Sequence[str], grades: Mapping[str, int], relevant_grade: int = 3) -> float:
    """Average precision over all relevant labels (those not retrieved contribute 0)."""
    relevant = {d for d, g in grades.items() if g >= relevant_grade}
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for r, d in enumerate(ranking, start=1):
        if d in relevant:
            hits += 1
            total += hits / r
    return total / len(relevant)


def precision_at(ranking: Sequence[str], grades: Mapping[str, int], k: int, relevant_grade: int = 3) -> float:
    """Fraction of the first ``k`` documents that are relevant."""
    return sum(1 for d in ranking[:k] if grades.get(d, 0) >= relevant_grade) / k


def recall_at(ranking: Sequence[str], grades: Mapping[str, int], k: int, min_grade: int = 2) -> float:
    """Fraction of the labels graded ``min_grade`` or more found in the first ``k``; 0 when there are none."""
    wanted = {d for d, g in grades.items() if g >= min_grade}
    if not wanted:
        return 0.0
    return len(wanted.intersection(ranking[:k])) / len(wanted)


def score_run(run: Run, qrels: Qrels, recall_k: int | None = None) -> dict[str, float]:
    """Mean NDCG@10/20/30, MAP and P@5 (and recall@``recall_k`` of grade ≥ 2) over the queries of ``qrels``.

    A query missing from ``run`` scores 0, so a partial run cannot look better than it is.
    """
    names = ["NDCG@10", "NDCG@20", "NDCG@30", "MAP", "P@5"]
    if recall_k:
        names.append(f"R@{recall_k}")
    sums = dict.fromkeys(names, 0.0)
    for qid, grades in qrels.items():
        ranking = run.get(qid, [])
        for k in (10, 20, 30):
            sums[f"NDCG@{k}"] += ndcg_at(ranking, grades, k)
        sums["MAP"] += average_precision(ranking, grades)
        sums["P@5"] += precision_at(ranking, grades, 5)
        if recall_k:
            sums[f"R@{recall_k}"] += recall_at(ranking, grades, recall_k)
    return {n: v / len(qrels) for n, v in sums.items()}
