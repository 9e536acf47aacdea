"""Fusion of retrieval scores and legal-element evidence into one ranking score.

Each component is scaled to [0, 1] per query so the weights mean the same for every query: lexical BM25
divided by the best candidate's, dense cosine divided by the best candidate's, the cosine of the two
cases' charge profiles (how each would be characterised, see :meth:`ChargeModel.profiles`), and the
element evidence as overlaps. The weights were tuned on the LeCaRD development split only (see BENCHMARKS.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["COMPONENTS", "FusionWeights", "fuse"]

#: The score components, in the order :func:`fuse` computes them.
COMPONENTS = ("lexical", "dense", "charges", "profile", "articles", "circumstances")


@dataclass(frozen=True)
class FusionWeights:
    """Weight of each score component."""

    lexical: float = 1.0
    dense: float = 0.6
    charges: float = 0.5
    profile: float = 0.6
    articles: float = 0.2
    # Tuned to 0 on LeCaRD: shared circumstances did not separate grades there. The component is still
    # computed and shown with every hit, because judges read it as evidence; raise it where it helps.
    circumstances: float = 0.0

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def fuse(
    ids: Sequence[str],
    *,
    lexical: np.ndarray,
    dense: np.ndarray,
    profile: np.ndarray,
    charges: np.ndarray,
    articles: np.ndarray,
    circumstances: np.ndarray,
    weights: FusionWeights,
    limit: int | None = None,
) -> list[tuple[str, float, dict[str, float]]]:
    """``(id, score, components)`` for the best ``limit`` candidates (all when None), sorted by (-score, id).

    Each array is row-aligned with ``ids``: raw BM25 and dense scores (scaled here), the profile cosine, and
    the element agreements of :class:`~retrieval.elements.ElementMatrices`.
    """
    if not len(ids):
        return []
    lex_max = float(lexical.max()) or 1.0
    dense_max = float(dense.max()) if float(dense.max()) > 0 else 1.0
    values = np.column_stack(
        [lexical / lex_max, np.maximum(dense, 0.0) / dense_max, charges, np.maximum(profile, 0.0), articles,
         circumstances]
    )  # fmt: skip
    scores = values @ np.array([getattr(weights, name) for name in COMPONENTS])
    pool: Sequence[int] = range(len(ids))
    if limit is not None and limit < len(ids):  # sort only the best ``limit`` and their ties
        threshold = np.partition(scores, len(ids) - limit)[len(ids) - limit]
        pool = np.flatnonzero(scores >= threshold).tolist()
    order = sorted(pool, key=lambda n: (-scores[n], ids[n]))[:limit]
    return [
        (ids[n], float(scores[n]), {name: round(float(v), 4) for name, v in zip(COMPONENTS, values[n], strict=True)})
        for n in order
    ]
