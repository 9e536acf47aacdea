"""Similar-case search on a small real index: ranking, explanations, filters and bad queries."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from corpus.model import Judgment
from indexing.backends import SearchFilters
from indexing.index import LeianIndex
from leian.errors import InputError, NotFoundError
from retrieval.explain import explain_hit, rank_terms
from retrieval.searcher import MAX_QUERY_CHARS, Query, Searcher

DRUNK = "被告人酒后驾驶小型轿车在道路上行驶，被执勤民警查获，经鉴定其血液中乙醇含量为185毫克/100毫升，到案后如实供述。"
LOAN = "原告与被告系朋友关系，被告因资金周转向原告借款人民币十万元，约定月利率百分之二，到期后被告未归还本息。"


@pytest.fixture()
def searcher(small_index: LeianIndex) -> Searcher:
    return Searcher(small_index)


def test_drunk_driving_finds_drunk_driving_cases_with_reasons(searcher: Searcher) -> None:
    result = searcher.search(DRUNK, k=5)
    assert result.analysis.charges_source == "inferred"
    assert next(iter(result.analysis.charges)) == "危险驾驶"
    assert len(result.hits) == 5
    assert all("危险驾驶" in h.charges for h in result.hits)
    assert [h.rank for h in result.hits] == [1, 2, 3, 4, 5]
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)
    top = result.hits[0].explanation
    assert top is not None
    assert set(top) == {"summary", "basic_facts", "dispute_focus", "legal_application"}
    assert "危险驾驶" in top["legal_application"]["same_charges"]
    assert top["basic_facts"]["passage"] and top["basic_facts"]["highlights"]
    assert "罪名/案由相同" in top["summary"]


_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_DISPUTE_CUES = re.compile(r"辩护人|辩称|辩解|提出|争议|焦点|上诉|抗诉|意见")


def _plain_passage(
    text: str, terms: list[str], idf: dict[str, float], cue: re.Pattern[str] | None = None
) -> tuple[str, list[str]]:
    """An explanation's passage read plainly: the first sentence with the highest idf of the terms in it."""
    best, best_score, best_terms = "", 0.0, []
    for match in _SENTENCE.finditer(text):
        sentence, found = match.group().strip(), [t for t in terms if t and t in match.group()]
        score = sum(idf.get(t, 1.0) for t in found)
        if len(sentence) >= 6 and (cue is None or cue.search(sentence)) and score > best_score:
            best, best_score, best_terms = sentence, score, found
    if len(best) > 160:
        start = max(0, min(best.find(t) for t in best_terms) - 30)
        best = ("…" if start else "") + best[start : start + 160] + "…"
    return best, [t for t in best_terms if t in best]


def test_explanations_match_a_plain_reading_of_the_texts(
    searcher: Searcher, small_index: LeianIndex, data_dir: Path
) -> None:
    rows = (data_dir / "cjrc" / "facts.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    for text in [DRUNK, LOAN, *(json.loads(row)["fact"] for row in rows)]:
        terms = list(dict.fromkeys(small_index.tokenizer.tokenize(text)))
        idf = small_index.lexical.idf(terms)
        rarest_first = sorted(terms, key=lambda t: -idf.get(t, 0.0))
        ranked = rank_terms(terms, idf)
        hits = searcher.search(text, k=10, explain=False).hits
        for doc in filter(None, small_index.store.get([h.id for h in hits])):
            facts = doc.facts
            shared = [t for t in rarest_first if len(t) > 1 and idf.get(t, 0.0) >= 1.0 and t in facts][:12]
            explanation = explain_hit(Judgment(id="query", text=text), ranked, doc, {})
            basic, dispute = explanation["basic_facts"], explanation["dispute_focus"]
            assert basic["shared_terms"] == shared
            assert (basic["passage"], basic["highlights"]) == _plain_passage(facts, shared, idf)
            reasoning = doc.sections.get("reasoning", "")
            expected = _plain_passage(reasoning, shared or rarest_first[:20], idf, _DISPUTE_CUES)
            assert (dispute["passage"], dispute["highlights"]) == expected


def test_civil_facts_find_the_same_cause_of_action(searcher: Searcher, data_dir: Path) -> None:
    rows = [json.loads(line) for line in (data_dir / "cjrc" / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    case = next(r for r in rows if r["cause"] == "变更抚养关系纠纷")
    own_id = f"cjrc-civil-{case['id']}"
    hits = [h for h in searcher.search(case["fact"], k=11).hits if h.id != own_id][:10]
    assert sum(1 for h in hits if "变更抚养关系纠纷" in h.charges) >= 6


def test_given_charges_override_inference(searcher: Searcher) -> None:
    result = searcher.search(Query(DRUNK, charges=("交通肇事罪",)), k=3)
    assert result.analysis.charges == {"交通肇事": 1.0} and result.analysis.charges_source == "given"


def test_candidates_restrict_the_ranking(searcher: Searcher, small_index: LeianIndex) -> None:
    pool = frozenset(small_index.store.ids()[:20])
    hits = searcher.search(Query(DRUNK, candidates=pool), k=100, explain=False).hits
    assert {h.id for h in hits} <= pool and len(hits) == len(pool)


def test_filters(searcher: Searcher) -> None:
    guiding = searcher.search(Query(LOAN, filters=SearchFilters(authorities=("spc_guiding",))), k=5).hits
    assert guiding and all(h.authority == "spc_guiding" and h.id.startswith("spc-guiding-") for h in guiding)
    levels = searcher.search(Query(DRUNK, filters=SearchFilters(court_levels=("中级",))), k=5).hits
    assert levels and all(h.court_level == "中级" for h in levels)
    nothing = searcher.search(Query(DRUNK, filters=SearchFilters(provinces=("不存在省",))), k=5)
    assert nothing.hits == [] and any("筛选" in n for n in nothing.analysis.notes)


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_query_is_an_input_error(searcher: Searcher, text: str) -> None:
    with pytest.raises(InputError, match="检索内容为空"):
        searcher.search(text)


def test_huge_query_is_truncated_not_fatal(searcher: Searcher) -> None:
    result = searcher.search(DRUNK * (100_000 // len(DRUNK) + 1), k=3)
    assert len(result.hits) == 3 and any(str(MAX_QUERY_CHARS) in n for n in result.analysis.notes)


def test_non_chinese_query_gets_a_clear_answer(searcher: Searcher) -> None:
    result = searcher.search("1234567 !!! ??? ---", k=3)
    assert result.hits == [] and result.analysis.notes
    english = searcher.search("the defendant stole a phone", k=3)
    assert isinstance(english.hits, list)


def test_bad_k_and_unknown_id(searcher: Searcher, small_index: LeianIndex) -> None:
    with pytest.raises(InputError):
        searcher.search(DRUNK, k=0)
    with pytest.raises(NotFoundError):
        small_index.get("no-such-case")


# Legal-application cases: facts written for these tests, each on a distinction the law draws between neighbouring
# charges. The inferred charges must follow the law, and the similar cases must be of the charge the law applies.
TRAFFIC_INJURY = (
    "被告人王某饮酒后驾驶小型轿车在道路上行驶，行至路口时与李某驾驶的电动车相撞，致电动车驾驶人李某重伤。"
    "经交警部门认定，王某负事故全部责任。案发后王某赔偿李某20万元并取得谅解。"
)


def test_drunk_driving_that_seriously_injures_is_a_traffic_accident_case(searcher: Searcher) -> None:
    result = searcher.search(TRAFFIC_INJURY, k=5)
    charges = result.analysis.charges
    assert result.analysis.charges_source == "inferred"
    assert next(iter(charges)) == "交通肇事" and charges["交通肇事"] > charges.get("危险驾驶", 0.0)
    rules = {r["id"]: r for r in result.analysis.charge_rules}
    assert "第一百三十三条之一第三款" in rules["traffic-accident-over-dangerous-driving"]["source"]
    assert sum("交通肇事" in h.charges for h in result.hits) >= 4
    assert "交通肇事" in result.hits[0].charges


def test_plain_drunk_driving_stays_dangerous_driving(searcher: Searcher) -> None:
    result = searcher.search(DRUNK + "后经查，其驾驶车辆与路边护栏发生刮擦，未造成人员伤亡。", k=5)
    assert next(iter(result.analysis.charges)) == "危险驾驶"
    assert not any(r["charge"] == "交通肇事" for r in result.analysis.charge_rules)


def test_an_earlier_conviction_named_in_the_facts_is_not_the_charge(searcher: Searcher) -> None:
    # a fact description names other crimes in passing; only a draft's result, reasoning or allegation states its own
    result = searcher.search("被告人张某曾因犯盗窃罪被判处有期徒刑一年。" + DRUNK, k=3)
    assert result.analysis.charges_source == "inferred"
    assert next(iter(result.analysis.charges)) == "危险驾驶"


def test_loan_cases_are_explained_by_their_legal_elements(searcher: Searcher) -> None:
    hits = searcher.search(LOAN, k=10).hits
    lending = [h for h in hits if h.explanation and h.explanation["legal_application"]["lending"]]
    assert lending and all(h.components["lending"] > 0 for h in lending)
    assert any("借贷要素" in h.explanation["summary"] for h in lending)
