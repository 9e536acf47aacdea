"""Hybrid similar-case search: lexical and dense retrieval fused with legal-element evidence.

A query is a fact description or a draft judgment. It is parsed like a judgment (so a draft's findings,
cited statutes and circumstances are used), tokenised once, and searched in all three indexes (jieba words,
character bigrams, dense vectors). Candidates are re-scored by :mod:`retrieval.fusion` from normalised lexical
and dense similarity plus the evidence the rules name — the same charges (given by the judge, stated in a
draft, or inferred with a calibrated confidence), shared statutes, matching sentencing circumstances — with the
weights of the index's learned :class:`~retrieval.ranker.Ranker`, and each returned case carries an explanation
(:mod:`retrieval.explain`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from corpus.charges import normalise_charge
from corpus.findings import findings_span
from corpus.lending import LendingElements, extract_lending, lending_similarity
from corpus.model import Judgment
from corpus.parse import parse_text, stated_charges
from indexing.backends import SearchFilters
from indexing.index import LeianIndex
from indexing.tokenizer import char_bigrams
from leian.errors import InputError
from retrieval.charge_model import NEIGHBOURS, ChargeInference
from retrieval.elements import ElementMatrices
from retrieval.explain import explain_hit, rank_terms
from retrieval.fusion import component_matrix, fuse
from retrieval.ranker import Ranker

__all__ = ["MAX_QUERY_CHARS", "Query", "QueryAnalysis", "SearchHit", "SearchResult", "Searcher"]

#: Longer input is searched on its first MAX_QUERY_CHARS characters (and the result says so): a pasted
#: judgment is a few thousand characters, and segmenting megabytes would only slow the answer down.
MAX_QUERY_CHARS = 20_000
#: How many candidates each index contributes before fusion re-scores them.
FIRST_STAGE = 300
#: Judgments a searcher keeps decoded for explanations: the same cases come back in many searches.
DOCUMENT_CACHE = 2_000


@dataclass(frozen=True)
class Query:
    """What a judge searches with: facts (or a draft), optionally the alleged charges/cause and filters."""

    text: str
    charges: tuple[str, ...] = ()
    filters: SearchFilters = field(default_factory=SearchFilters)
    candidates: frozenset[str] | None = None  # rank only these (the LeCaRD pool protocol)
    id: str = "query"


@dataclass
class QueryAnalysis:
    """What Leian understood of the query, shown to the judge above the results."""

    charges: dict[str, float]  # charge → confidence (1.0 when given by the judge or named in a draft)
    charges_source: str  # given / draft / inferred / none
    articles: list[int]
    circumstances: list[str]
    terms: int
    notes: list[str] = field(default_factory=list)
    #: The legal distinctions between neighbouring charges that shaped the inferred charges, with their sources.
    charge_rules: list[dict[str, str]] = field(default_factory=list)


@dataclass
class SearchHit:
    """One similar case with its score components and (for displayed results) its explanation."""

    id: str
    score: float
    rank: int
    components: dict[str, float]
    title: str = ""
    court: str = ""
    court_level: str = ""
    date: str = ""
    case_number: str = ""
    authority: str = ""
    charges: list[str] = field(default_factory=list)
    explanation: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class SearchResult:
    """Ranked hits plus the query analysis and timing."""

    query_id: str
    hits: list[SearchHit]
    analysis: QueryAnalysis
    took_ms: float
    #: The explained hits' full documents, by id, for callers that post-process passages (the API masks names).
    documents: dict[str, Judgment] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query_id": self.query_id,
            "took_ms": round(self.took_ms, 1),
            "analysis": self.analysis.__dict__,
            "hits": [h.to_dict() for h in self.hits],
        }


class Searcher:
    """Searches one :class:`~indexing.index.LeianIndex`; ``search`` is ``batch_search`` of one query."""

    def __init__(self, index: LeianIndex, ranker: Ranker | None = None) -> None:
        """Search ``index``, ranking with ``ranker`` (default: the one recorded with the index)."""
        self.index = index
        self.ranker = ranker or index.ranker
        self._lock = threading.Lock()  # searches run concurrently in the service's threads
        self.refresh()

    def refresh(self) -> None:
        """Reload the in-memory elements (and forget cached judgments) after documents were added or deleted."""
        self._documents: OrderedDict[str, Judgment] = OrderedDict()
        self._elements = self.index.catalog.elements()
        self._lending: dict[str, LendingElements] = {}  # decoded on first use
        self._matrices = ElementMatrices(self._elements)
        profile_row, self._profiles = self.index.profiles
        # each element row's charge-profile row (-1: none), so candidates are looked up as arrays, not ids
        self._profile_rows = np.fromiter((profile_row.get(i, -1) for i in self._matrices.ids), dtype=np.int64)

    def documents(self, ids: Sequence[str]) -> list[Judgment | None]:
        """The stored judgments of ``ids`` (None for an unknown id); recently read ones come from memory."""
        with self._lock:
            found = {i: self._documents[i] for i in ids if i in self._documents}
            for doc_id in found:
                self._documents.move_to_end(doc_id)
        missing = [i for i in ids if i not in found]
        if missing:
            read = {i: d for i, d in zip(missing, self.index.store.get(missing), strict=True) if d is not None}
            found.update(read)
            with self._lock:
                self._documents.update(read)
                while len(self._documents) > DOCUMENT_CACHE:
                    self._documents.popitem(last=False)
        return [found.get(i) for i in ids]

    def search(self, query: Query | str, k: int = 10, explain: bool = True) -> SearchResult:
        """The ``k`` most similar cases to ``query``."""
        return self.batch_search([query if isinstance(query, Query) else Query(query)], k, explain)[0]

    def batch_search(self, queries: Sequence[Query], k: int = 10, explain: bool = False) -> list[SearchResult]:
        """Search several queries; explanations only when asked (they read the full documents)."""
        if k <= 0:
            raise InputError(f"k 必须为正整数 k must be a positive integer, got {k}")
        return [self._search_one(q, k, explain) for q in queries]

    # --- one query -----------------------------------------------------------------------------------
    def _search_one(self, query: Query, k: int, explain: bool) -> SearchResult:
        started = time.perf_counter()
        text = (query.text or "").strip()
        if not text:
            raise InputError("检索内容为空 the query is empty: enter the facts of the pending case")
        notes = []
        if len(text) > MAX_QUERY_CHARS:
            notes.append(f"检索内容过长，仅使用前{MAX_QUERY_CHARS}字 query truncated to {MAX_QUERY_CHARS} characters")
            text = text[:MAX_QUERY_CHARS]
        parsed = parse_text(text, id=query.id)
        facts = parsed.facts
        start, end = findings_span(facts)
        query_facts = facts[start:end] if end - start > 50 else facts
        terms = self.index.tokenizer.tokenize(query_facts)
        unique_terms = list(dict.fromkeys(terms))  # binary query terms: repeated words in long facts over-weight
        grams = list(dict.fromkeys(char_bigrams(query_facts)))
        query_lending = extract_lending(query_facts) if parsed.domain != "criminal" else None
        allowed = self._allowed(query)
        analysis = QueryAnalysis(
            charges={},
            charges_source="none",
            articles=parsed.articles,
            circumstances=parsed.circumstances,
            terms=len(unique_terms),
            notes=notes,
        )
        if not unique_terms:
            notes.append("检索内容中没有可检索的词语 the query contains no searchable words (Chinese facts expected)")
            return SearchResult(query.id, [], analysis, (time.perf_counter() - started) * 1000)
        if allowed is not None and not allowed:
            notes.append("没有符合筛选条件的案例 no case matches the filters")
            return SearchResult(query.id, [], analysis, (time.perf_counter() - started) * 1000)

        n1 = len(allowed) if allowed is not None and len(allowed) <= FIRST_STAGE else FIRST_STAGE
        lexical = self.index.lexical.search(unique_terms, n1, allowed)
        bigrams = self.index.bigrams.search(grams, n1, allowed)
        qvec = self.index.encoder.encode_queries([query_facts], [terms])[0]
        dense = self.index.dense.search(qvec, n1, allowed)

        inference = self._infer_charges(query_facts, terms, unique_terms, lexical, allowed)
        charges, source = self._query_charges(query, stated_charges(parsed), inference.charges)
        analysis.charges, analysis.charges_source = charges, source
        if source == "inferred":
            analysis.charge_rules = inference.rules
        lexical_scores = {h.id: h.score for h in lexical}
        bigram_scores = {h.id: h.score for h in bigrams}
        dense_scores = {h.id: h.score for h in dense}
        candidates = list(lexical_scores | bigram_scores | dense_scores)
        rows = self._matrices.rows(candidates)
        values = component_matrix(
            lexical=np.array([lexical_scores.get(c, 0.0) for c in candidates]),
            bigrams=np.array([bigram_scores.get(c, 0.0) for c in candidates]),
            dense=np.array([dense_scores.get(c, 0.0) for c in candidates]),
            charges=self._matrices.charge_agreement(rows, charges),
            profile=self._profile_similarity(inference.profile, rows),
            articles=self._matrices.overlap("articles", rows, parsed.articles),
            circumstances=self._matrices.overlap("circumstances", rows, parsed.circumstances),
            lending=self._lending_similarity(query_lending, candidates),
        )
        fused = fuse(candidates, values, self.ranker, limit=k, given=source in ("given", "draft"))
        hits = []
        for rank, (doc_id, score, components) in enumerate(fused, start=1):
            el = self._elements.get(doc_id, {})
            hits.append(
                SearchHit(
                    id=doc_id,
                    score=round(score, 6),
                    rank=rank,
                    components=components,
                    title=el.get("title", ""),
                    court=el.get("court", ""),
                    court_level=el.get("court_level", ""),
                    date=el.get("date", ""),
                    case_number=el.get("case_number", ""),
                    authority=el.get("authority", ""),
                    charges=list(el.get("charges", [])),
                )
            )
        documents: dict[str, Judgment] = {}
        if explain and hits:
            docs = self.documents([h.id for h in hits])
            idf = self.index.lexical.idf(unique_terms)
            ranked = rank_terms(unique_terms, idf)
            for hit, doc in zip(hits, docs, strict=True):
                if doc is not None:
                    hit.explanation = explain_hit(parsed, ranked, doc, charges, query_lending)
                    documents[doc.id] = doc
        return SearchResult(query.id, hits, analysis, (time.perf_counter() - started) * 1000, documents)

    def _profile_similarity(self, query_profile: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Cosine between the query's charge profile and each candidate's, by element row (0 without a profile)."""
        out = np.zeros(len(rows))
        if not len(self._profile_rows) or not len(self._profiles) or query_profile.shape[0] != self._profiles.shape[1]:
            return out
        profile_rows = np.where(rows >= 0, self._profile_rows[rows], -1)
        known = profile_rows >= 0
        out[known] = self._profiles[profile_rows[known]] @ query_profile
        return out

    def _lending_similarity(self, query: LendingElements | None, candidates: Sequence[str]) -> np.ndarray:
        """Per candidate, the share of the loan's legal elements it agrees on with a private-lending query."""
        out = np.zeros(len(candidates))
        if query is None:
            return out
        for n, doc_id in enumerate(candidates):
            elements = self._lending.get(doc_id)
            if elements is None and (stored := self._elements.get(doc_id, {}).get("lending")):
                elements = self._lending[doc_id] = LendingElements.from_dict(stored)
            if elements is not None:
                out[n] = lending_similarity(query, elements)
        return out

    def _allowed(self, query: Query) -> set[str] | None:
        """Ids the query may return, or None for all; filters and an explicit candidate set intersect."""
        allowed: set[str] | None = None
        f = query.filters
        if not f.is_empty():
            allowed = self.index.store.filter_ids(f)
        if query.candidates is not None:
            allowed = set(query.candidates) if allowed is None else allowed & set(query.candidates)
        return allowed

    def infer_charges(self, text: str) -> ChargeInference:
        """The charges of a fact description (or a draft's findings), inferred as a search infers them."""
        facts = parse_text(text[:MAX_QUERY_CHARS]).facts
        start, end = findings_span(facts)
        findings = facts[start:end] if end - start > 50 else facts
        terms = self.index.tokenizer.tokenize(findings)
        unique = list(dict.fromkeys(terms))
        lexical = self.index.lexical.search(unique, NEIGHBOURS) if unique else []
        return self._infer_charges(findings, terms, unique, lexical, None)

    def _infer_charges(
        self,
        facts: str,
        terms: Sequence[str],
        unique_terms: list[str],
        lexical: Sequence[Any],
        allowed: set[str] | None,
    ) -> ChargeInference:
        """The charge model's reading of the facts, with the nearest judgments of the whole corpus as neighbours
        (a pool or a filter restricts what is ranked, not what the charges are inferred from)."""
        if allowed is not None:
            lexical = self.index.lexical.search(unique_terms, NEIGHBOURS)
        neighbours = [(tuple(self._elements.get(h.id, {}).get("charges", ())), h.score) for h in lexical[:NEIGHBOURS]]
        return self.index.charge_model.infer(facts, terms, neighbours)

    @staticmethod
    def _query_charges(
        query: Query, stated: Collection[str], inferred: dict[str, float]
    ) -> tuple[dict[str, float], str]:
        """Charges given by the judge, stated by a draft (its result, reasoning or allegation), or inferred."""
        given = [normalise_charge(c) or c.removesuffix("罪") for c in query.charges if c.strip()]
        if given:
            return dict.fromkeys(given, 1.0), "given"
        if stated:
            return dict.fromkeys(stated, 1.0), "draft"
        return inferred, ("inferred" if inferred else "none")
