"""The one result shape every searcher returns."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Hit", "top_k"]


@dataclass(frozen=True, order=True)
class Hit:
    """A scored document id. Lists of hits are sorted by (-score, id) so ties break deterministically."""

    id: str
    score: float


def top_k(scores: dict[str, float], k: int) -> list[Hit]:
    """The ``k`` best of ``scores`` in the canonical (-score, id) order."""
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Hit(i, float(s)) for i, s in ranked[:k]]
