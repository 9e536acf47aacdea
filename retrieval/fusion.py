"""Fusion of retrieval scores and legal-element evidence into one ranking score.

Each component is scaled to [0, 1] per query so a weight means the same for every query: BM25 over jieba words
and over character bigrams, each divided by the best candidate's; the dense cosine divided by the best
candidate's; the query's confidence that the candidate shares its charges (so a doubtful inferred charge counts
little); the cosine of the two cases' charge profiles (how each would be characterised, see
:meth:`ChargeModel.profiles`); and the shares of the query's statutes and sentencing circumstances the candidate
also has; and for private-lending cases, the share of the loan's legal elements (interest and its cap, security,
parties, repayment …) the two agree on (:func:`corpus.lending.lending_similarity`, 0 when either is no loan case).
The weights are a learned :class:`~retrieval.ranker.Ranker`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.ranker import Ranker

__all__ = ["COMPONENTS", "component_matrix", "fuse"]

#: The score components, in the column order of :func:`component_matrix`.
COMPONENTS = ("lexical", "bigrams", "dense", "charges", "profile", "articles", "circumstances", "lending")


def _scaled(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    return np.maximum(scores, 0.0) / top if top > 0 else np.zeros(len(scores))


def component_matrix(
    *,
    lexical: np.ndarray,
    bigrams: np.ndarray,
    dense: np.ndarray,
    charges: np.ndarray,
    profile: np.ndarray,
    articles: np.ndarray,
    circumstances: np.ndarray,
    lending: np.ndarray,
) -> np.ndarray:
    """The (candidates × :data:`COMPONENTS`) matrix from raw BM25 and dense scores and the element agreements."""
    return np.column_stack(
        [_scaled(lexical), _scaled(bigrams), _scaled(dense), charges, np.maximum(profile, 0.0), articles,
         circumstances, lending]
    )  # fmt: skip


def fuse(
    ids: Sequence[str], values: np.ndarray, ranker: Ranker, limit: int | None = None, given: bool = False
) -> list[tuple[str, float, dict[str, float]]]:
    """``(id, score, components)`` for the best ``limit`` candidates (all when None), sorted by (-score, id);
    ``given``: the query's charges were given by the judge or stated by a draft, not inferred."""
    if not len(ids):
        return []
    scores = values @ ranker.vector(COMPONENTS, given)
    pool: Sequence[int] = range(len(ids))
    if limit is not None and limit < len(ids):  # sort only the best ``limit`` and their ties
        threshold = np.partition(scores, len(ids) - limit)[len(ids) - limit]
        pool = np.flatnonzero(scores >= threshold).tolist()
    order = sorted(pool, key=lambda n: (-scores[n], ids[n]))[:limit]
    return [
        (ids[n], float(scores[n]), {name: round(float(v), 4) for name, v in zip(COMPONENTS, values[n], strict=True)})
        for n in order
    ]
