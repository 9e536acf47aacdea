"""The LexicalIndex contract, run against every implementation (see conftest.py).

Both backends score classic BM25 with Lucene's idf and query-term frequency; on documents shorter than 24
tokens (where Lucene stores lengths exactly) the scores must agree with the formula to float32 precision.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from indexing.backends import LexicalIndex
from indexing.hits import Hit


def bm25(docs: dict[str, list[str]], query: Sequence[str], k1: float = 1.2, b: float = 0.75) -> dict[str, float]:
    """Reference BM25: Σ over distinct query terms of qtf · idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl))."""
    n = len(docs)
    avgdl = sum(len(t) for t in docs.values()) / n
    df = Counter(term for toks in docs.values() for term in set(toks))
    scores = {}
    for doc_id, toks in docs.items():
        tf, s = Counter(toks), 0.0
        for term, qtf in Counter(query).items():
            if tf[term]:
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                s += qtf * idf * tf[term] * (k1 + 1) / (tf[term] + k1 * (1 - b + b * len(toks) / avgdl))
        if s > 0:
            scores[doc_id] = s
    return scores


def assert_canonical(hits: list[Hit]) -> None:
    assert hits == sorted(hits, key=lambda h: (-h.score, h.id))


@pytest.fixture(scope="module")
def corpus(tokenize: Callable[[str], list[str]], snippets: dict[str, str]) -> dict[str, list[str]]:
    return {doc_id: tokenize(text) for doc_id, text in snippets.items()}


def index(lex: Any, docs: dict[str, list[str]]) -> Any:
    lex.add(list(docs), list(docs.values()))
    lex.commit()
    return lex


def test_implements_protocol(lexical: Any) -> None:
    assert isinstance(lexical, LexicalIndex)


def test_empty_index_returns_nothing(lexical: Any) -> None:
    assert lexical.search(["被告人", "盗窃"], 10) == []
    assert lexical.batch_search([["被告人"], ["盗窃"]], 10) == [[], []]
    assert len(lexical) == 0


def test_rarer_query_tokens_rank_their_document_first(lexical: Any, corpus: dict[str, list[str]]) -> None:
    index(lexical, corpus)
    assert len(lexical) == len(corpus)
    df = Counter(t for toks in corpus.values() for t in set(toks))
    assert df["被告人"] == len(corpus)  # every snippet names its defendant: the common token
    for doc_id, toks in corpus.items():
        rare = next(t for t in toks if df[t] == 1)
        hits = lexical.search(["被告人", rare], 10)
        assert hits[0].id == doc_id, (rare, hits)
        assert hits[0].score > hits[1].score
        assert_canonical(hits)


@pytest.mark.parametrize(("k1", "b"), [(1.2, 0.75), (0.9, 0.4)])
def test_scores_are_classic_bm25_with_query_term_frequency(
    make_lexical: Callable[..., Any], k1: float, b: float
) -> None:
    docs = {  # short documents: Lucene stores their lengths exactly
        "lc-a": ["被告人", "扒窃", "手机", "一部"],
        "lc-b": ["被告人", "诈骗", "手机", "价值", "人民币", "二千元"],
        "lc-c": ["被告人", "醉酒", "驾驶", "机动车", "醉酒"],
        "lc-d": ["被害人", "轻伤", "一级"],
    }
    lex = index(make_lexical(k1=k1, b=b), docs)
    query = ["被告人", "手机", "醉酒", "醉酒", "扒窃", "无关词"]
    expected = bm25(docs, query, k1, b)
    hits = lex.search(query, 10)
    assert [h.id for h in hits] == sorted(expected, key=lambda i: (-expected[i], i))
    for h in hits:
        assert h.score == pytest.approx(expected[h.id], rel=1e-5)


def test_repeated_query_tokens_count(lexical: Any) -> None:
    index(lexical, {"lc-theft": ["被告人", "盗窃", "手机"], "lc-fraud": ["被告人", "诈骗", "手机"]})
    assert lexical.search(["盗窃", "盗窃", "诈骗"], 2)[0].id == "lc-theft"
    assert lexical.search(["盗窃", "诈骗", "诈骗"], 2)[0].id == "lc-fraud"


def test_ties_break_by_id_and_k_cuts_after_sorting(lexical: Any) -> None:
    same = ["被告人", "盗窃", "电动", "自行车"]
    index(lexical, {"lc-2": same, "lc-3": same, "lc-1": same, "lc-0": ["被告人", "滥伐", "林木"]})
    hits = lexical.search(["盗窃"], 10)
    assert [h.id for h in hits] == ["lc-1", "lc-2", "lc-3"]
    assert hits[0].score == hits[1].score == hits[2].score > 0
    assert [h.id for h in lexical.search(["盗窃"], 2)] == ["lc-1", "lc-2"]
    assert lexical.search(["盗窃"], 0) == []
    assert lexical.search([], 5) == []


def test_a_batch_larger_than_one_request_is_search_of_each(lexical: Any, corpus: dict[str, list[str]]) -> None:
    # Calibrating a charge model searches thousands of queries at once; Elasticsearch gets them in several requests.
    index(lexical, corpus)
    queries = [toks[i : i + 2] for toks in corpus.values() for i in range(0, 60, 2)][:150]
    pool = set(list(corpus)[:3])
    batch = lexical.batch_search(queries, 4, candidates=[pool if i % 2 else None for i in range(len(queries))])
    assert len(batch) == len(queries) == 150
    for i, (query, hits) in enumerate(zip(queries, batch, strict=True)):
        assert hits == lexical.search(query, 4, candidates=pool if i % 2 else None)


def test_candidates_restrict_results(lexical: Any, corpus: dict[str, list[str]]) -> None:
    index(lexical, corpus)
    query = ["被告人", "被害人", "盗窃", "价值", "人民币"]
    allowed = {"lc-0003", "lc-0006", "lc-9999"}  # lc-9999 is not indexed: ignored
    restricted, free = lexical.batch_search([query, query], 10, candidates=[allowed, None])
    assert {h.id for h in restricted} == {"lc-0003", "lc-0006"}
    assert free == lexical.search(query, 10)
    assert {h.id for h in free} == set(corpus)
    for h in restricted:  # restricting changes which documents compete, not how each is scored
        assert h.score == pytest.approx(next(f.score for f in free if f.id == h.id), rel=1e-6)
    assert lexical.search(query, 10, candidates=set()) == []


def test_candidates_are_all_ranked_even_without_a_matching_token(lexical: Any, corpus: dict[str, list[str]]) -> None:
    # The LeCaRD pool protocol ranks every pool document: those sharing no token score 0 and come last, by id.
    index(lexical, corpus)
    hits = lexical.search(["醉酒", "驾驶"], 10, candidates=["lc-0006", "lc-0002", "lc-0001"])
    assert [h.id for h in hits] == ["lc-0002", "lc-0001", "lc-0006"]
    assert hits[0].score > 0 and hits[1].score == hits[2].score == 0


def test_delete_removes_from_results(lexical: Any, corpus: dict[str, list[str]]) -> None:
    index(lexical, corpus)
    lexical.delete(["lc-0001", "not-indexed"])
    lexical.commit()
    assert len(lexical) == len(corpus) - 1
    assert "lc-0001" not in {h.id for h in lexical.search(["被告人", "扒窃", "手机"], 10)}
    assert lexical.search(["被告人"], 10, candidates={"lc-0001"}) == []


def test_re_adding_an_id_replaces_it(lexical: Any, corpus: dict[str, list[str]]) -> None:
    index(lexical, corpus)
    lexical.add(["lc-0001"], [["被告人", "非法", "采矿"]])
    lexical.commit()
    assert len(lexical) == len(corpus)
    assert "lc-0001" not in {h.id for h in lexical.search(["扒窃"], 10)}
    assert lexical.search(["采矿"], 10)[0].id == "lc-0001"


def test_long_queries_with_thousands_of_distinct_tokens(lexical: Any, corpus: dict[str, list[str]]) -> None:
    # A pasted judgment is hundreds of tokens; with noise it can exceed Lucene's boolean clause limit (4096).
    index(lexical, corpus)
    real = [t for toks in corpus.values() for t in toks] * 3
    noise = [f"未见词{i}" for i in range(5000)]
    long_hits = lexical.search(real + noise, 6)
    short_hits = lexical.search(real, 6)
    assert [h.id for h in long_hits] == [h.id for h in short_hits]
    assert [h.score for h in long_hits] == pytest.approx([h.score for h in short_hits], rel=1e-5)


def test_committed_index_survives_reopening(make_lexical: Callable[..., Any], corpus: dict[str, list[str]]) -> None:
    before = index(make_lexical(), corpus).search(["被告人", "盗窃", "电动"], 5)
    again = make_lexical()
    assert len(again) == len(corpus)
    assert again.search(["被告人", "盗窃", "电动"], 5) == before


def test_idf_is_lucene_bm25_idf(make_lexical, tokenize, snippets) -> None:
    index = make_lexical()
    ids = sorted(snippets)
    index.add(ids, [tokenize(snippets[i]) for i in ids])
    index.commit()
    idf = index.idf(["被告人", "扒窃", "不存在的词"])
    n = len(ids)
    assert set(idf) == {"被告人", "扒窃"}
    assert idf["扒窃"] == pytest.approx(math.log1p((n - 1 + 0.5) / 1.5), rel=1e-6)
    assert idf["被告人"] < idf["扒窃"]


def test_character_bigrams_rank_like_the_reference(lexical: Any, snippets: dict[str, str]) -> None:
    # The bigram channel feeds both backends the same pre-made tokens (punctuation and digits included); beyond 24
    # tokens Lucene rounds document lengths, so scores agree within a few per cent and the order must not change.
    from indexing.tokenizer import char_bigrams

    docs = {doc_id: char_bigrams(text) for doc_id, text in snippets.items()}
    index(lexical, docs)
    for doc_id, text in snippets.items():
        query = list(dict.fromkeys(char_bigrams(text[4:24])))
        expected = bm25(docs, query)
        hits = lexical.search(query, 10)
        assert hits[0].id == doc_id
        assert [h.id for h in hits] == sorted(expected, key=lambda i: (-expected[i], i))
        for h in hits:
            assert h.score == pytest.approx(expected[h.id], rel=0.05)
