"""Fusion of retrieval scores and legal-element evidence into one ranking score.

Each component is scaled to [0, 1] per query so the weights mean the same for every query: lexical BM25
divided by the best candidate's, dense cosine divided by the best candidate's, the cosine of the two
cases' charge profiles (how each would be characterised, see :meth:`ChargeModel.profiles`), and the
element evidence as overlaps. The weights were tuned on the LeCaRD development split only (see BENCHMARKS.md).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["FusionWeights", "fuse"]


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


def _overlap(query: Collection[Any], doc: Collection[Any]) -> float:
    """Share of the query's elements the document also has (0 when the query has none)."""
    if not query:
        return 0.0
    return len(set(query).intersection(doc)) / len(query)


def charge_agreement(charges: Mapping[str, float], doc_charges: Collection[str]) -> float:
    """Mean confidence, over the document's charges, that the query shares each one."""
    if not charges or not doc_charges:
        return 0.0
    return sum(charges.get(c, 0.0) for c in doc_charges) / len(doc_charges)


def fuse(
    candidates: Collection[str],
    *,
    lexical: Mapping[str, float],
    dense: Mapping[str, float],
    profile: Mapping[str, float],
    elements: Mapping[str, Mapping[str, Any]],
    charges: Mapping[str, float],
    articles: Collection[int],
    circumstances: Collection[str],
    weights: FusionWeights,
) -> list[tuple[str, float, dict[str, float]]]:
    """``(id, score, components)`` for every candidate, sorted by (-score, id)."""
    lex_max = max((lexical.get(c, 0.0) for c in candidates), default=0.0) or 1.0
    dense_max = max((dense.get(c, 0.0) for c in candidates), default=0.0) or 1.0
    out = []
    for doc_id in candidates:
        el = elements.get(doc_id, {})
        comp = {
            "lexical": lexical.get(doc_id, 0.0) / lex_max,
            "dense": max(dense.get(doc_id, 0.0), 0.0) / dense_max,
            "charges": charge_agreement(charges, el.get("charges", ())),
            "profile": max(profile.get(doc_id, 0.0), 0.0),
            "articles": _overlap(articles, el.get("articles", ())),
            "circumstances": _overlap(circumstances, el.get("circumstances", ())),
        }
        score = sum(getattr(weights, name) * value for name, value in comp.items())
        out.append((doc_id, score, {k: round(v, 4) for k, v in comp.items()}))
    out.sort(key=lambda t: (-t[1], t[0]))
    return out
