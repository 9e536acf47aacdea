"""Why a case is similar, on the three dimensions 法发〔2020〕24号 art 1 names.

- 基本事实 basic facts: the rarest words both fact descriptions share, shared sentencing circumstances,
  comparable amounts, and the passage of the case's findings where the shared words concentrate;
- 争议焦点 dispute focus: the passage of the case's reasoning where the defence's points are answered,
  chosen by overlap with the query;
- 法律适用 legal application: the same charges (and whether the judge gave them or Leian inferred them),
  shared statutes, and the holding from 本院认为.

Explaining is the costliest step of a search, so a hit's texts are read in one pass: an Aho-Corasick automaton
of the query's words, built once per query (:func:`rank_terms`), finds all their occurrences at once, and each
occurrence's sentence is found from a map of the sentence breaks instead of splitting the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping
from functools import cached_property
from itertools import islice
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np
from ahocorasick_rs import BytesAhoCorasick, Implementation

from corpus.lending import LendingElements, lending_comparison
from corpus.model import Judgment

__all__ = ["RankedTerms", "explain_hit", "rank_terms"]

_DISPUTE_CUES = re.compile(r"辩护人|辩称|辩解|提出|争议|焦点|上诉|抗诉|意见")
_MAX_PASSAGE = 160
_SHARED_TERMS = 12
#: Words in more than about a third of all cases (被告人, 民警 …) explain nothing; only rarer ones are shown.
_MIN_IDF = 1.0
#: Without shared words, the dispute passage is chosen by the query's rarest words.
_DISPUTE_TERMS = 20
#: A sentence is a maximal run of characters other than these, with the 。；！？ that closes it.
_BREAKS = "。；！？\n"
_BREAK_CODES = [ord(c) for c in _BREAKS]
_WORD, _END = itemgetter(0), itemgetter(2)

_Match = tuple[int, int, int]  # a candidate occurrence: word number, start, end


def _utf32(text: str) -> bytes:
    return text.encode("utf-32-le", "surrogatepass")  # surrogatepass: any str, one code unit per character


class _Vocabulary:
    """Words numbered in rank order (so sorting numbers ranks them), their weights in a passage (idf, 1 when
    unknown), and one automaton that finds them all in a text at once."""

    def __init__(self, words: list[str], idf: Mapping[str, float]) -> None:
        self.words = words
        self.weights = [idf.get(t, 1.0) for t in words]
        # The automaton reads one byte per character, the low byte of its code point (a third of UTF-8's bytes
        # for Chinese): its matches are candidates, confirmed against the text where they count.
        self._matcher = BytesAhoCorasick([_utf32(t)[::4] for t in words], implementation=Implementation.DFA)

    def find(self, codes: np.ndarray) -> list[_Match]:
        """The candidate occurrences in the text of ``codes`` (its code points), overlapping ones included,
        ordered by end."""
        return self._matcher.find_matches_as_indexes(codes.astype(np.uint8), overlapping=True)


class RankedTerms:
    """A query's words rarest first, ready to be found in its hits' texts: made once per query by
    :func:`rank_terms` and shared by the explanations of its hits.

    Words with a sentence break in them (the tokenizer never makes one) are left out."""

    def __init__(self, query_terms: Iterable[str], idf: Mapping[str, float]) -> None:
        self._idf = idf
        ranked = sorted(dict.fromkeys(query_terms), key=lambda t: -idf.get(t, 0.0))
        kept = {t for t in ranked if t and not any(c in _BREAKS for c in t)}  # an empty word occurs nowhere
        shareable = [t for t in ranked if t in kept and len(t) > 1 and idf.get(t, 0.0) >= _MIN_IDF]
        #: the words that may be shared: longer than one character and rare enough
        self.shareable = _Vocabulary(shareable, idf)
        self._rarest = [t for t in ranked[:_DISPUTE_TERMS] if t in kept]

    @cached_property
    def rarest(self) -> _Vocabulary:
        """The ``_DISPUTE_TERMS`` rarest words (made for the first hit that shares none)."""
        return _Vocabulary(self._rarest, self._idf)


def rank_terms(query_terms: Iterable[str], idf: Mapping[str, float]) -> RankedTerms:
    """The query's distinct words, rarest first, ready to be found in its hits' texts."""
    return RankedTerms(query_terms, idf)


class _Text(NamedTuple):
    """A hit's facts and reasoning, each ending with a line break so that no sentence or word spans both, their
    code points, and one byte per character, 1 where a sentence ends."""

    text: str
    facts_end: int  # the reasoning starts after the line break here
    codes: np.ndarray
    breaks: bytes

    @classmethod
    def of(cls, doc: Judgment) -> _Text:
        facts = doc.facts
        text = f"{facts}\n{doc.sections.get('reasoning', '')}\n"
        codes = np.frombuffer(_utf32(text), dtype=np.uint32)
        is_break = codes == _BREAK_CODES[0]
        for code in _BREAK_CODES[1:]:  # not np.isin: for these code points it builds a table on every call
            is_break |= codes == code
        return cls(text, len(facts), codes, is_break.tobytes())

    def find(self, vocabulary: _Vocabulary) -> tuple[list[_Match], list[_Match]]:
        """The candidates for ``vocabulary`` in the facts and in the reasoning."""
        matches = vocabulary.find(self.codes)
        cut = bisect_right(matches, self.facts_end, key=_END)
        return matches[:cut], matches[cut:]


def _shared(text: str, matches: list[_Match], vocabulary: _Vocabulary) -> list[int]:
    """The ``_SHARED_TERMS`` rarest words that occur among the candidates ``matches`` in ``text``, in rank
    order."""
    last = dict(zip(map(_WORD, matches), map(_END, matches), strict=True))  # each word's last candidate
    found = (w for w in sorted(last) if text.rfind(vocabulary.words[w], 0, last[w]) >= 0)
    return list(islice(found, _SHARED_TERMS))


def _best_passage(
    text: _Text,
    matches: list[_Match],
    chosen: Collection[int],
    vocabulary: _Vocabulary,
    cue: re.Pattern[str] | None = None,
) -> tuple[str, list[str]]:
    """The sentence of ``text`` with the highest weight of the ``chosen`` words among the candidates
    ``matches`` (optionally only sentences with ``cue``), and those of its words still in the passage."""
    words, weights, string = vocabulary.words, vocabulary.weights, text.text
    before, after, confirm = text.breaks.rfind, text.breaks.find, string.startswith
    members: dict[int, list[int]] = {}  # sentence (named by the break before it) → its words, in text order
    score: dict[int, float] = {}  # → their weight, summed in that order
    chosen = set(chosen)
    at = close = -1  # the sentence at hand: after the break at ``at``, up to the one at ``close``
    for word, start, end in [m for m in matches if m[0] in chosen]:  # in text order
        if start < close:
            if word not in members[at] and confirm(words[word], start):
                members[at].append(word)
                score[at] += weights[word]
        elif confirm(words[word], start):  # the next sentence with a word (words hold no break: one sentence)
            at, close = before(b"\1", 0, start), after(b"\1", end)
            members[at], score[at] = [word], weights[word]
    # The first sentence (in text order) of the highest weight that qualifies. Summed in text order, a weight can
    # differ in its last bits from the sum in rank order that decides, so sentences are taken by that rough weight
    # until none can come near the best, and compared by the exact one.
    slack = 1e-9 * sum(abs(weights[w]) for w in chosen)  # far above any difference the order of summing makes
    best, best_at, best_weight = "", -2, 0.0  # -2: no sentence
    for at in sorted(score, key=score.__getitem__, reverse=True):
        if score[at] < best_weight - slack:
            break
        members[at].sort()
        weight = sum(map(weights.__getitem__, members[at]))
        if weight > best_weight or (weight == best_weight and at < best_at):
            close = after(b"\1", at + 1)
            sentence = string[at + 1 : close + (string[close] != "\n")].strip()
            if len(sentence) >= 6 and (cue is None or cue.search(sentence)):
                best, best_at, best_weight = sentence, at, weight
    best_terms = [words[w] for w in members[best_at]] if best else []
    if len(best) > _MAX_PASSAGE:
        first = min((best.find(t) for t in best_terms), default=0)
        start = max(0, first - 30)
        best = ("…" if start else "") + best[start : start + _MAX_PASSAGE] + "…"
    return best, [t for t in best_terms if t in best]


def explain_hit(
    query: Judgment,
    ranked: RankedTerms,
    doc: Judgment,
    charges: Mapping[str, float],
    query_lending: LendingElements | None = None,
) -> dict[str, Any]:
    """The explanation of one hit (plain data: shown by the CLI, the API and the report); ``ranked`` comes
    from :func:`rank_terms`; ``query_lending``: the loan elements of a private-lending query, compared with the
    case's own."""
    text = _Text.of(doc)
    in_facts, in_reasoning = text.find(ranked.shareable)
    shared_words = _shared(text.text, in_facts, ranked.shareable)
    shared = [ranked.shareable.words[w] for w in shared_words]
    fact_passage, fact_marks = _best_passage(text, in_facts, shared_words, ranked.shareable)
    circumstances = sorted(set(query.circumstances) & set(doc.circumstances))
    if shared:
        dispute = _best_passage(text, in_reasoning, shared_words, ranked.shareable, _DISPUTE_CUES)
    else:
        rarest = ranked.rarest
        dispute = _best_passage(text, text.find(rarest)[1], range(len(rarest.words)), rarest, _DISPUTE_CUES)
    dispute_passage, dispute_marks = dispute
    same_charges = [c for c in doc.charges if charges.get(c, 0.0) > 0]
    shared_articles = sorted(set(query.articles) & set(doc.articles))
    q_amount, d_amount = max(query.amounts, default=None), max(doc.amounts, default=None)
    case_lending = doc.extra.get("lending")
    lending = (
        lending_comparison(query_lending, LendingElements.from_dict(case_lending))
        if query_lending is not None and case_lending
        else []
    )

    parts = []
    if same_charges:
        parts.append("罪名/案由相同：" + "、".join(same_charges))
    if lending:
        parts.append("借贷要素：" + "；".join(lending[:2]))
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
            "lending": lending,
            "holding": doc.holding,
        },
    }
