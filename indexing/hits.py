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

    Only the best ``k`` and the rows tied with the k-th score are sorted in Python, so the id tie-break
    stays exact while a long candidate list costs one partition.
    """
    if k <= 0 or not len(rows):
        return []
    if len(rows) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = np.flatnonzero(scores >= kth)
        rows, scores = rows[keep], scores[keep]
    pairs = sorted(zip((-scores).tolist(), [ids[r] for r in rows.tolist()], strict=True))[:k]
    return [Hit(d, -s) for s, d in pairs]
