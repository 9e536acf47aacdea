"""The outcome model, flags and consistency reports on a real slice of the development data (CAIL2018 train)."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import pytest

from consistency.design import case_elements, frame_of
from consistency.flags import Flag, flag_cases
from consistency.legal_frame import penalty_law
from consistency.model import MIN_SIMILAR, OutcomeModel
from consistency.report import build_report, charge_matches
from consistency.statutory import load_penalties
from consistency.targets import TERM, Target
from consistency.training import decided_cases
from corpus.model import Judgment, Outcome
from corpus.parse import parse_record
from corpus.readers import ReadProblem, read_records

SAMPLE = 1000


@pytest.fixture(scope="module")
def docs(data_dir: Path) -> list[Judgment]:
    records = itertools.islice(read_records([data_dir / "cail2018" / "data_train.json"]), SAMPLE)
    return [parse_record(r) for r in records if not isinstance(r, ReadProblem)]


def _train(docs: list[Judgment]) -> list[Judgment]:
    return [d for i, d in enumerate(docs) if i % 5]


def _held(docs: list[Judgment]) -> list[Judgment]:
    return docs[::5]  # CAIL2018 train is ordered by charge: hold out every fifth case


@pytest.fixture(scope="module")
def model(docs: list[Judgment], data_dir: Path) -> OutcomeModel:
    cases, targets = decided_cases(_train(docs))
    return OutcomeModel(load_penalties(data_dir)).fit(cases, targets)


def test_expectation_has_an_interval_and_evidence(model: OutcomeModel, docs: list[Judgment]) -> None:
    cases, targets = decided_cases(_held(docs))
    expectations = model.predict(cases)
    enough = [e for e in expectations if e.enough and e.kind == TERM]
    assert len(enough) > 0.8 * len(cases)
    for e in enough:
        low, high = e.interval_months
        assert low <= e.expected_months <= high
        assert e.n_similar >= MIN_SIMILAR and 1 <= len(e.evidence) <= 5
    inside = [e.interval_months[0] <= t.months <= e.interval_months[1]
              for e, t in zip(expectations, targets, strict=True) if e.enough and t.kind == TERM]  # fmt: skip
    assert 0.6 <= sum(inside) / len(inside) <= 0.95  # nominal 80%


def test_few_similar_cases_still_get_a_lawful_expectation_but_no_flag(
    model: OutcomeModel, docs: list[Judgment]
) -> None:
    cases, _ = decided_cases(_held(docs)[:1])
    rare = replace(cases[0], charge="非法狩猎", charges=["非法狩猎"])
    rare.frames["非法狩猎"] = frame_of("非法狩猎", rare.drivers, rare.circumstances, "在禁猎区使用禁用的工具狩猎")
    flag = flag_cases(model, [rare], [Target(TERM, months=600.0)])[0]
    assert flag.expected_months is not None and flag.n_similar < MIN_SIMILAR
    low, high = flag.interval_months
    assert 0 <= low <= flag.expected_months <= high <= 36  # 刑法第三百四十一条第二款: 三年以下
    assert flag.lawful_months == [0.0, 36.0] and "第三百四十一条" in flag.tier
    assert not flag.flag and flag.deviation is None  # thin evidence withholds the flag, never the expectation
    assert flag.reasons[0].startswith("类案不足") and any("法定刑幅度" in n for n in flag.notes)


def test_flags_deviation_sign_reasons_and_silence(model: OutcomeModel, docs: list[Judgment]) -> None:
    cases, targets = decided_cases(_held(docs)[:100])
    i = next(i for i, t in enumerate(targets) if t.kind == TERM and t.months >= 6)
    expected = model.predict([cases[i]])[0].expected_months
    heavy = Target(TERM, months=expected * 5)
    light = Target(TERM, months=expected / 5)
    up, down, none = flag_cases(model, [cases[i]] * 3, [heavy, light, None], silent=True)
    assert up.deviation > 1 and up.flag and down.deviation < -1 and down.flag
    assert none.deviation is None and not none.flag and none.expected_months == expected
    assert not up.notify_judge
    assert cases[i].id not in up.evidence  # a case never rests on itself
    assert all(r.startswith("从轻情节") for r in down.reasons if "情节" in r)
    assert not any("judge" in key and key != "notify_judge" for key in Flag.__dataclass_fields__)  # no judge scores


def test_a_larger_amount_of_the_same_charge_is_expected_to_weigh_more(
    model: OutcomeModel, docs: list[Judgment]
) -> None:
    cases, _ = decided_cases(_held(docs))
    fraud = next(c for c in cases if c.charge == "诈骗" and c.drivers.amount_max > 0)
    variants = []
    for yuan in (3_000.0, 3_000_000.0):
        drivers = replace(fraud.drivers, amount_max=yuan, amount_total=yuan)
        frames = {"诈骗": frame_of("诈骗", drivers, fraud.circumstances, "")}  # the amount selects the tier
        variants.append(replace(fraud, drivers=drivers, frames=frames))
    low, high = model.predict(variants)
    assert high.expected_months > 2 * low.expected_months
    assert low.lawful_months[1] == 36 and high.lawful_months[0] == 120  # 刑法第二百六十六条: 三年以下 / 十年以上


def test_no_term_is_its_own_outcome(docs: list[Judgment], data_dir: Path) -> None:
    cases, targets = decided_cases(_train(docs))
    # a charge whose every case went without a prison term (免予刑事处罚 / 单处罚金)
    targets = [replace(t, months=0.0) if c.charge == "抢劫" else t for c, t in zip(cases, targets, strict=True)]
    model = OutcomeModel(load_penalties(data_dir)).fit(cases, targets)
    robbery, fraud = (next(c for c in decided_cases(_held(docs))[0] if c.charge == k) for k in ("抢劫", "诈骗"))
    none, term = model.predict([robbery, fraud])
    assert none.no_term_probability > 0.5 and none.expected_months == 0 and none.interval_months[0] == 0
    assert term.no_term_probability < 0.2 and term.expected_months > 0 and term.term_months == term.expected_months
    assert model.point_estimates([robbery, fraud])[0][0] == 0
    # should a prison term be imposed after all, it is a lawful robbery term, and a decided term is measured on it
    assert none.term_months > 12 and none.lawful_months[0] <= none.term_months <= none.lawful_months[1]
    (flag,) = flag_cases(model, [robbery], [Target(TERM, months=none.term_months)], exclude_self=False)
    assert flag.expected_months == 0 and flag.expected_term_months == none.term_months and flag.deviation == 0


def test_model_round_trips(model: OutcomeModel, docs: list[Judgment], tmp_path: Path) -> None:
    model.save(tmp_path / "m")
    loaded = OutcomeModel.load(tmp_path / "m")
    cases, _ = decided_cases(_held(docs)[:20])
    assert [e.expected_months for e in loaded.predict(cases)] == [e.expected_months for e in model.predict(cases)]


def test_consistency_report_exports(docs: list[Judgment], tmp_path: Path) -> None:
    from consistency.export import export_report

    injury = [d for d in docs if charge_matches(d, "故意伤害罪")]
    report = build_report("故意伤害罪", injury, charge="故意伤害")
    combined = [d.id for d in injury if len(set(d.charges)) > 1]
    assert combined and report.combined_ids == combined  # 数罪并罚 apart from the single-charge statistics
    assert report.cases == len(injury) - len(combined) > 20
    assert report.holdings[0]["role"] in ("多数", "相对多数")
    assert sum(h["cases"] for h in report.holdings) == report.cases
    forgiven = next(e for e in report.circumstance_effects if e["circumstance"] == "谅解")
    low, high = forgiven["interval_percent"]
    assert low <= forgiven["effect_percent"] <= high and forgiven["strata"] >= 1
    written = export_report(report, tmp_path)
    for key in ("html", "docx", "distribution.png", "distribution.svg", "circumstances.svg", "spread.png"):
        assert written[key].stat().st_size > 0
    page = written["html"].read_text(encoding="utf-8")
    assert "多数" in page and "不构成对任何法官的评价或排名" in page
    json.dumps(report.holdings, ensure_ascii=False)


def test_no_expectation_of_any_charge_leaves_its_statutory_range(model: OutcomeModel, docs: list[Judgment]) -> None:
    law = penalty_law()
    base, _ = decided_cases(_held(docs)[:1])
    cases = []
    for charge in law.charges:
        frame = frame_of(charge, base[0].drivers, [], "")
        if frame is not None:
            cases.append(replace(base[0], id=f"c-{charge}", charge=charge, charges=[charge], frames={charge: frame}))
    assert len(cases) > 500
    for case, e in zip(cases, model.predict(cases), strict=True):
        frame = case.frame
        if e.kind == TERM:
            low, high = e.interval_months
            assert frame.lower <= low <= e.expected_months <= high <= frame.upper, case.charge
            assert e.penalty != "拘役" or frame.detention
        else:
            assert (frame.life if e.kind == "life" else frame.death), case.charge


def test_dangerous_driving_is_expected_as_detention_of_at_most_six_months(
    model: OutcomeModel, docs: list[Judgment]
) -> None:
    driving = Judgment(
        id="dd", text="被告人醉酒驾驶机动车在道路上行驶，血液中乙醇含量为185毫克/100毫升，致一人轻微伤。",
        charges=["危险驾驶"], domain="criminal",
    )  # fmt: skip
    e = model.predict([case_elements(driving)])[0]
    assert e.penalty == "拘役" and 1 <= e.expected_months <= 6 and e.interval_months[1] <= 6
    assert e.lawful_months[1] == 6 and "第一百三十三条之一" in e.tier


def test_the_expectation_shows_the_guidelines_calculation_inside_the_lawful_range(model: OutcomeModel) -> None:
    theft = Judgment(
        id="theft", charges=["盗窃"], domain="criminal",
        text="被告人入户盗窃被害人现金人民币8000元。被告人系累犯，到案后如实供述，退赔被害人全部损失，取得谅解。",
    )  # fmt: skip
    e = model.predict([case_elements(theft)])[0]
    steps = e.guideline["steps"]
    assert [s["stage"] for s in steps][:2] == ["量刑起点", "基准刑"] and steps[-1]["stage"] == "宣告刑"
    assert e.guideline["starting_range_months"] == [1.0, 12.0]  # 四、（十一）1(1): 数额较大 or 入户盗窃
    assert all(s["paragraph"] for s in steps)
    low, high = e.lawful_months
    assert low <= e.guideline["declared_months"] <= high
    adjusted = " ".join(s["text"] for s in steps if s["stage"] == "调节")
    assert "累犯" in adjusted and "退赃退赔" in adjusted


def test_several_charges_are_combined_under_article_69(model: OutcomeModel, docs: list[Judgment]) -> None:
    two = Judgment(
        id="two", charges=["盗窃", "诈骗"], domain="criminal",
        text="被告人盗窃他人手机一部，价值人民币5000元；又虚构事实骗取被害人人民币40000元。",
    )  # fmt: skip
    e = model.predict([case_elements(two)])[0]
    assert [t["charge"] for t in e.charge_terms] == ["盗窃", "诈骗"]
    low, high = e.combined_months
    terms = [t["expected_months"] for t in e.charge_terms]
    assert low == max(terms) and high == min(sum(terms), 240)
    assert any("刑法第六十九条" in n for n in e.notes)


def test_a_theft_report_compares_mitigation_within_strata_and_drops_what_the_law_forbids(
    docs: list[Judgment],
) -> None:
    theft = [d for d in docs if charge_matches(d, "盗窃罪")]
    doomed = replace(theft[0], id="wrongly-read", charges=["盗窃"], outcomes=[Outcome("某", "死刑", death=True)])
    report = build_report("盗窃罪", [*theft, doomed], charge="盗窃")
    assert report.unlawful_ids == ["wrongly-read"] and "death" not in report.kinds  # 刑法第二百六十四条: no death
    assert any("超出盗窃罪的法定刑" in n for n in report.notes)
    effects = {e["circumstance"]: e for e in report.circumstance_effects}
    # within strata of tier and amount, confession and forgiveness shorten a theft sentence
    assert effects["坦白"]["effect_percent"] < 0 and effects["谅解"]["effect_percent"] < 0
