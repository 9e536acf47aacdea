"""The outcome model, flags and consistency reports on a real slice of the development data (CAIL2018 train)."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import pytest

from consistency.flags import Flag, flag_cases
from consistency.model import MIN_SIMILAR, OutcomeModel
from consistency.report import build_report, charge_matches
from consistency.statutory import load_penalties
from consistency.targets import TERM, Target
from consistency.training import decided_cases
from corpus.model import Judgment
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


def test_not_enough_similar_cases_is_an_answer(model: OutcomeModel, docs: list[Judgment]) -> None:
    cases, _ = decided_cases(_held(docs)[:1])
    cases[0].charge = "非法组织卖血"
    flag = flag_cases(model, cases, [None])[0]
    assert flag.expected_months is None and flag.interval_months is None and not flag.flag
    assert flag.reasons and flag.reasons[0].startswith("类案不足")


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
    small, large = (
        replace(fraud, drivers=replace(fraud.drivers, amount_max=yuan, amount_total=yuan))
        for yuan in (3_000.0, 3_000_000.0)
    )
    low, high = model.predict([small, large])
    assert high.expected_months > 2 * low.expected_months


def test_no_term_is_its_own_outcome(docs: list[Judgment], data_dir: Path) -> None:
    cases, targets = decided_cases(_train(docs))
    # a charge whose every case went without a prison term (免予刑事处罚 / 单处罚金)
    targets = [replace(t, months=0.0) if c.charge == "抢劫" else t for c, t in zip(cases, targets, strict=True)]
    model = OutcomeModel(load_penalties(data_dir)).fit(cases, targets)
    robbery, fraud = (next(c for c in decided_cases(_held(docs))[0] if c.charge == k) for k in ("抢劫", "诈骗"))
    none, term = model.predict([robbery, fraud])
    assert none.no_term_probability > 0.5 and none.expected_months == 0 and none.interval_months[0] == 0
    assert term.no_term_probability < 0.2 and term.expected_months > 0
    assert model.point_estimates([robbery, fraud])[0][0] == 0


def test_model_round_trips(model: OutcomeModel, docs: list[Judgment], tmp_path: Path) -> None:
    model.save(tmp_path / "m")
    loaded = OutcomeModel.load(tmp_path / "m")
    cases, _ = decided_cases(_held(docs)[:20])
    assert [e.expected_months for e in loaded.predict(cases)] == [e.expected_months for e in model.predict(cases)]


def test_consistency_report_exports(docs: list[Judgment], tmp_path: Path) -> None:
    from consistency.export import export_report

    theft = [d for d in docs if charge_matches(d, "故意伤害罪")]
    report = build_report("故意伤害罪", theft)
    assert report.cases == len(theft) > 20
    assert report.holdings[0]["role"] in ("多数", "相对多数")
    assert sum(h["cases"] for h in report.holdings) == report.cases
    assert any(e["circumstance"] == "谅解" for e in report.circumstance_effects)
    written = export_report(report, tmp_path)
    for key in ("html", "docx", "distribution.png", "distribution.svg", "circumstances.svg", "spread.png"):
        assert written[key].stat().st_size > 0
    page = written["html"].read_text(encoding="utf-8")
    assert "多数" in page and "不构成对任何法官的评价或排名" in page
    json.dumps(report.holdings, ensure_ascii=False)
