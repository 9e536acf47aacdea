"""The one result shape every searcher returns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = ["Hit", "ranked_hits", "top_k"]


class Hit(NamedTuple):
    """A scored document id. Lists of hits are sorted by (-score, id) so ties break deterministically.

    A named tuple rather than a dataclass: a search builds hundreds of these per query (every first-stage
    candidate of both indexes), and a frozen dataclass costs several times more to construct.
    """

    id: str
    score: float


def top_k(scores: dict[str, float], k: int) -> list[Hit]:
    """The ``k`` best of ``scores`` in the canonical (-score, id) order."""
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Hit(i, float(s)) for i, s in ranked[:k]]


def ranked_hits(ids: Sequence[str], rows: np.ndarray, scores: np.ndarray, k: int) -> list[Hit]:
    """The ``k`` best ``(ids[rows[i]], scores[i])`` in the canonical (-score, id) order.

    A long candidate list costs one partition and the best ``k`` one numpy sort; only when scores are equal do
    they go through Python's sort, which breaks the tie by id exactly.
    """
    if k <= 0 or not len(rows):
        return []
    if len(rows) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = np.flatnonzero(scores >= kth)
        rows, scores = rows[keep], scores[keep]
    order = np.argsort(-scores, kind="stable")
    if (scores[order[1:]] == scores[order[:-1]]).any():  # equal scores: only Python's sort breaks ties by id
        pairs = sorted(zip((-scores).tolist(), [ids[r] for r in rows.tolist()], strict=True))[:k]
        return [Hit(d, -s) for s, d in pairs]
    top = order[:k]
    return list(map(Hit._make, zip([ids[r] for r in rows[top].tolist()], scores[top].tolist(), strict=True)))
