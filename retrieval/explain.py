"""Why a case is similar, on the three dimensions 法发〔2020〕24号 art 1 names.

- 基本事实 basic facts: the rarest words both fact descriptions share, shared sentencing circumstances,
  comparable amounts, and the passage of the case's findings where the shared words concentrate;
- 争议焦点 dispute focus: the passage of the case's reasoning where the defence's points are answered,
  chosen by overlap with the query;
- 法律适用 legal application: the same charges (and whether the judge gave them or Leian inferred them),
  shared statutes, and the holding from 本院认为.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from itertools import islice
from typing import Any

from corpus.model import Judgment

__all__ = ["explain_hit", "rank_terms"]

_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_DISPUTE_CUES = re.compile(r"辩护人|辩称|辩解|提出|争议|焦点|上诉|抗诉|意见")
_MAX_PASSAGE = 160
_SHARED_TERMS = 12
#: Words in more than about a third of all cases (被告人, 民警 …) explain nothing; only rarer ones are shown.
_MIN_IDF = 1.0


def _best_passage(
    text: str, terms: Sequence[str], weight: Mapping[str, float], cue: re.Pattern[str] | None = None
) -> tuple[str, list[str]]:
    """The sentence of ``text`` with the highest weight of ``terms`` (optionally only sentences with ``cue``)."""
    spans = [m.span() for m in _SENTENCE.finditer(text)]
    starts = [start for start, _ in spans]
    present: dict[int, list[str]] = {}
    for term in terms:  # find each term's sentences, rather than testing every term against every sentence
        pos = text.find(term) if term else -1
        while pos >= 0:
            found = present.setdefault(bisect_right(starts, pos) - 1, [])
            if not found or found[-1] != term:
                found.append(term)
            pos = text.find(term, pos + len(term))
    best, best_score, best_terms = "", 0.0, []
    for n in sorted(present):
        sentence = text[spans[n][0] : spans[n][1]].strip()
        if len(sentence) < 6 or (cue is not None and not cue.search(sentence)):
            continue
        score = sum(weight.get(t, 1.0) for t in present[n])
        if score > best_score:
            best, best_score, best_terms = sentence, score, present[n]
    if len(best) > _MAX_PASSAGE:
        first = min((best.find(t) for t in best_terms), default=0)
        start = max(0, first - 30)
        best = ("…" if start else "") + best[start : start + _MAX_PASSAGE] + "…"
    return best, [t for t in best_terms if t in best]


def rank_terms(query_terms: Sequence[str], idf: Mapping[str, float]) -> list[str]:
    """The query's words, rarest first: computed once per query and shared by the explanations of its hits."""
    return sorted(query_terms, key=lambda t: -idf.get(t, 0.0))


def explain_hit(
    query: Judgment,
    ranked_terms: Sequence[str],
    doc: Judgment,
    charges: Mapping[str, float],
    idf: Mapping[str, float],
) -> dict[str, Any]:
    """The explanation of one hit (plain data: shown by the CLI, the API and the report); ``ranked_terms``
    comes from :func:`rank_terms`."""
    facts = doc.facts
    shared = list(islice((t for t in ranked_terms if len(t) > 1 and idf.get(t, 0.0) >= _MIN_IDF and t in facts),
                         _SHARED_TERMS))  # fmt: skip
    fact_passage, fact_marks = _best_passage(facts, shared, idf)
    circumstances = sorted(set(query.circumstances) & set(doc.circumstances))
    reasoning = doc.sections.get("reasoning", "")
    dispute_passage, dispute_marks = _best_passage(reasoning, shared or ranked_terms[:20], idf, _DISPUTE_CUES)
    same_charges = [c for c in doc.charges if charges.get(c, 0.0) > 0]
    shared_articles = sorted(set(query.articles) & set(doc.articles))
    q_amount, d_amount = max(query.amounts, default=None), max(doc.amounts, default=None)

    parts = []
    if same_charges:
        parts.append("罪名/案由相同：" + "、".join(same_charges))
    if shared_articles:
        parts.append("共同援引刑法第" + "、".join(map(str, shared_articles)) + "条")
    if circumstances:
        parts.append("共同量刑情节：" + "、".join(circumstances))
    if shared:
        parts.append("关键事实：" + "、".join(shared[:5]))
    return {
        "summary": "；".join(parts) or "文本相似",
        "basic_facts": {
            "shared_terms": shared,
            "circumstances": circumstances,
            "amounts": {"query": q_amount, "case": d_amount},
            "passage": fact_passage,
            "highlights": fact_marks,
        },
        "dispute_focus": {
            "passage": dispute_passage,
            "highlights": dispute_marks,
        },
        "legal_application": {
            "same_charges": same_charges,
            "charge_confidence": {c: charges[c] for c in same_charges},
            "case_charges": doc.charges,
            "shared_articles": shared_articles,
            "case_articles": doc.articles,
            "holding": doc.holding,
        },
    }
