"""The report's pure logic, without an index: court hierarchy, art 9 checks, triggers, CASE.json, hashing, views."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from corpus.model import Judgment, Statute
from corpus.statutes import CRIMINAL_LAW
from leian.errors import InputError, NotFoundError
from reports.authority import check_guiding_case, criminal_law_amendments
from reports.hashing import content_hash, seal, verify
from reports.hierarchy import BASIS_CORPUS, BASIS_RULE, CourtHierarchy
from reports.model import CaseEntry, Decision
from reports.pending import MAX_CASE_BYTES, DraftOutcome, load_case, parse_case
from reports.tiers import three_years_before
from reports.triggers import assess_t6, detect_triggers, parse_trigger_codes, trigger_items
from reports.views import MIN_VIEW_CASES, divergence, views

COURTS = ["江西省宜春市中级人民法院", "江西省高级人民法院", "江西省宜春市袁州区人民法院", "北京市第一中级人民法院"]


def test_hierarchy_learns_the_intermediate_court_from_the_corpus() -> None:
    h = CourtHierarchy(COURTS)
    basic = h.position("江西省宜春市袁州区人民法院")
    assert (basic.level, basic.province, basic.high_court) == ("基层", "江西省", "江西省高级人民法院")
    assert (basic.higher_court, basic.higher_basis) == ("江西省宜春市中级人民法院", BASIS_CORPUS)
    assert h.position("江西省宜春市中级人民法院").higher_court == "江西省高级人民法院"
    assert h.position("江西省高级人民法院").higher_court == "最高人民法院"


def test_hierarchy_falls_back_to_the_naming_rule_and_says_so() -> None:
    p = CourtHierarchy(COURTS).position("浙江省宁波市海曙区人民法院")
    assert (p.higher_court, p.higher_basis) == ("浙江省宁波市中级人民法院", BASIS_RULE)
    assert p.high_court == "浙江省高级人民法院"


def test_hierarchy_says_what_it_cannot_tell() -> None:
    h = CourtHierarchy(COURTS)
    beijing = h.position("北京市海淀区人民法院")
    assert beijing.higher_court == "" and "多个中级人民法院" in beijing.note
    assert h.position("").note == "未能确定审理法院"
    assert h.position("最高人民法院").higher_court == ""


def test_three_year_window_handles_leap_days() -> None:
    assert three_years_before(date(2024, 2, 29)) == date(2021, 2, 28)
    assert three_years_before(date(2025, 6, 1)) == date(2022, 6, 1)


def test_criminal_law_amendments_are_read_from_the_shared_statutes(data_dir: Path) -> None:
    amendments = {a.name: a for a in criminal_law_amendments(data_dir / "statutes")}
    ninth = amendments["刑法修正案（九）"]
    assert ninth.effective == "2015-11-01" and 133 in ninth.articles  # 危险驾驶 was widened by the ninth amendment
    assert amendments["刑法修正案（十一）"].effective == "2021-03-01"


def _guiding(no: int, released: str, statutes: list[Statute]) -> Judgment:
    return Judgment(
        id=f"spc-guiding-{no}", text="", authority="spc_guiding", case_number=f"指导案例{no}号", date=released,
        statutes=statutes, extra={"no": no},
    )  # fmt: skip


def test_art9_flags_amended_articles_and_later_guiding_cases(data_dir: Path) -> None:
    old = _guiding(32, "2014-12-18", [Statute(CRIMINAL_LAW, 133)])
    later = _guiding(100, "2018-12-01", [Statute(CRIMINAL_LAW, 133)])
    check = check_guiding_case(old, [old, later], data_dir / "statutes")
    assert check.newer_law == "需人工核对" and any("刑法修正案（九）" in d for d in check.newer_law_details)
    assert check.newer_guiding == "需人工核对" and "指导案例100号" in check.newer_guiding_details[0]
    assert "人工核对" in check.conclusion


def test_art9_knows_withdrawn_cases_and_repealed_laws(data_dir: Path) -> None:
    withdrawn = check_guiding_case(_guiding(9, "2012-09-18", []), [], data_dir / "statutes")
    assert withdrawn.newer_law == "不再参照" and withdrawn.conclusion == "不再参照"
    contract = _guiding(1, "2011-12-20", [Statute("中华人民共和国合同法", 424)])
    assert "民法典" in check_guiding_case(contract, [], data_dir / "statutes").newer_law_details[0]
    clean = check_guiding_case(_guiding(200, "2023-01-01", [Statute(CRIMINAL_LAW, 266)]), [], data_dir / "statutes")
    assert (clean.newer_law, clean.newer_guiding) == ("未发现", "未发现")


def test_trigger_codes_are_checked() -> None:
    assert parse_trigger_codes(["t6", "T1", "T1"]) == ("T1", "T6")
    with pytest.raises(InputError, match="T1, T2"):
        parse_trigger_codes(["T10"])


def test_triggers_detected_from_text() -> None:
    found = detect_triggers("辩护人提交指导案例32号，认为本案应当参照；检察院提出抗诉。")
    assert set(found) == {"T7", "T8"}


def _entry(
    case_id: str, charges: list[str], months: int | None, level: str = "基层", day: str = "2020-01-01"
) -> CaseEntry:
    return CaseEntry(
        id=case_id, tier=4, round="4-1", rank=1, score=1.0, title="", case_number=f"（2020）{case_id}号",
        court="某法院", court_level=level, date=day, category="生效裁判", effective="已生效", trial_level="一审",
        charges=charges,
        holding="", holding_source="", outcome={"penalty": "有期徒刑", "imprisonment_months": months} if months else {},
        comparison={}, decision=Decision(True, "相似"),
    )  # fmt: skip


def test_t6_guards_sample_size_and_flags_a_deviating_sentence() -> None:
    draft = parse_case({"text": "x", "draft_outcome": "被告人甲犯盗窃罪，判处有期徒刑五年"}).draft_outcome
    assert isinstance(draft, DraftOutcome) and draft.outcome is not None
    assert assess_t6(None, [])["status"] == "无法判断"
    few = assess_t6(draft, [_entry("a", ["盗窃"], 12)])
    assert few["status"] == "无法判断" and any("不足以判断" in r for r in few["reasons"])
    many = assess_t6(draft, [_entry(i, ["盗窃"], 12) for i in "abc"])
    assert many["status"] == "可能冲突" and many["statistics"]["median"] == 12
    items = trigger_items(("T1",), {}, many)
    assert [t["code"] for t in items if t["active"]] == ["T1", "T6"]


def test_views_never_claim_a_majority_from_a_handful() -> None:
    few = views([_entry("a", ["盗窃"], 12), _entry("b", ["盗窃"], 14)])
    assert few["status"] == "类案数量不足" and "普遍认为" in few["statement"] and few["groups"][0]["count"] == 2
    cases = [_entry(str(i), ["盗窃"], 12) for i in range(MIN_VIEW_CASES)] + [_entry("z", ["抢夺"], 10, "中级")]
    v = views(cases)
    assert v["status"] == "已归纳" and v["statement"].startswith(f"多数观点（{MIN_VIEW_CASES}/{len(cases)}件）")
    d = divergence(cases, {"z": True})
    assert d["detected"] and d["weighing"][0]["id"] == "z" and "分歧解决机制" in d["route"]
    assert views([])["status"] == "未执行"


def test_case_input_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        load_case(tmp_path / "absent.json")
    cases = {
        "empty.json": ("", "为空"),
        "bad.json": ("{not json", "不是有效的JSON"),
        "list.json": ("[1, 2]", "JSON对象"),
        "notext.json": (json.dumps({"id": "1"}), "text"),
        "blank.json": (json.dumps({"id": "1", "text": "   "}), "text"),
        "trigger.json": (json.dumps({"text": "事实", "triggers": ["T0"]}), "unknown trigger"),
        "decision.json": (json.dumps({"text": "事实", "decisions": {"x": {"accept": True}}}), "理由"),
        "time.json": (json.dumps({"text": "事实", "search_time": "2025-01-01T10:00:00"}), "时区"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        with pytest.raises(InputError, match=message):
            load_case(path)
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps({"text": "事" * (MAX_CASE_BYTES // 2)}), encoding="utf-8")
    with pytest.raises(InputError, match="过大"):
        load_case(huge)


def test_case_input_reads_every_field() -> None:
    case = parse_case(
        {
            "text": "被告人张某盗窃。",
            "triggers": ["T6"],
            "dispute_focus": "是否构成自首",
            "draft_outcome": {"charges": ["盗窃罪"], "imprisonment_months": 12},
            "decisions": {"doc-1": {"accept": False, "reason": "事实不同"}},
            "search_time": "2025-01-01T10:00:00+08:00",
        }
    )
    assert case.id.startswith("case-") and case.triggers == ("T6",) and case.dispute_focus == ("是否构成自首",)
    assert case.draft_outcome is not None and case.draft_outcome.charges == ("盗窃",)
    assert case.decisions["doc-1"] == Decision(False, "事实不同", "承办法官")


def test_content_hash_verifies_and_detects_tampering() -> None:
    report = seal({"search_time": "2025-01-01T10:00:00+08:00", "signature": {}, "generation": {"took_ms": 1.0}})
    assert verify(report)
    assert verify({**report, "generation": {"took_ms": 999.0}})  # volatile, excluded by design
    assert not verify({**report, "search_time": "2025-01-02T10:00:00+08:00"})
    assert content_hash(report) == report["content_hash"] and report["signature"]["hash_scope"]["algorithm"]
