"""The sentencing guideline as data (法发〔2021〕21号) and its method: 量刑起点 → 基准刑 → 宣告刑."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from corpus.circumstances import CIRCUMSTANCES
from law.guideline import Guideline, guideline
from law.penalties import PenaltyLaw

DATA = Path(__file__).resolve().parents[1] / "law" / "data" / "guideline.json"
#: Circumstances of the guideline's part 三 that the product does not read from judgments (yet): they are
#: transcribed for completeness and applied when a caller names them.
NOT_EXTRACTED = {"刑事和解", "羁押期间表现好", "弱势对象", "灾害期间"}


@pytest.fixture(scope="module")
def law() -> PenaltyLaw:
    return PenaltyLaw.load()


def _range(law: PenaltyLaw, charge: str, level: int) -> tuple[float, float]:
    tier = next(t for t in law.tiers(charge) if t.ladder == 1 and t.level == level)
    bounds = law.bounds(charge, tier)
    low = 1.0 if bounds.detention else float(bounds.min_months or 0)
    return low, float(bounds.max_months or 180)


def test_every_starting_point_lies_inside_its_statutory_tier(law: PenaltyLaw) -> None:
    g = guideline()
    assert len(g.crimes) >= 23
    for charge, crime in g.crimes.items():
        points = crime.starting_points + ([crime.declared] if crime.declared else [])
        assert points, charge
        for point in points:
            low, high = _range(law, charge, point.tier)
            assert low <= point.months[0] <= point.months[1] <= high, (charge, point)
            assert point.paragraph.startswith("四"), (charge, point)


def test_every_figure_cites_its_paragraph_and_the_file_names_its_source() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert data["number"] == "法发〔2021〕21号" and data["sources"]
    for entry in data["circumstances"]:
        assert entry["paragraph"].startswith("三"), entry
        low, high = entry["percent"]
        assert -100 <= low <= high <= 100 and (low >= 0 or high <= 0), entry  # one direction per entry
    names = {e["name"] for e in data["circumstances"]}
    assert names - NOT_EXTRACTED <= set(CIRCUMSTANCES), names - NOT_EXTRACTED - set(CIRCUMSTANCES)


def test_the_circumstances_the_guideline_names_first_adjust_first_and_the_others_add_up() -> None:
    g = guideline()
    calc = g.calculate("盗窃", 1, ["自首", "累犯", "未遂"], (1.0, 36.0), base_estimate=12.0)
    rates = {a.name: r for a, r in calc.applied}
    assert [s.stage for s in calc.steps] == ["量刑起点", "基准刑", "调节", "调节", "宣告刑"]
    first = 12.0 * (1 + rates["未遂"])
    # 同向相加、逆向相减 on the already adjusted figure; 累犯 adds at least three months
    expected = first + first * rates["自首"] + max(first * rates["累犯"], 3.0)
    assert calc.adjusted_months == pytest.approx(expected)
    assert rates["未遂"] < 0 < rates["累犯"] and rates["自首"] < 0


def test_plea_agreement_is_not_counted_twice_with_surrender_or_compensation() -> None:
    g = guideline()
    alone = g.applicable(["认罪认罚"])
    assert [a.name for a in alone] == ["认罪认罚"]
    with_surrender = g.applicable(["认罪认罚", "自首", "坦白", "当庭认罪"])
    assert [a.name for a in with_surrender] == ["认罪认罚"]
    assert with_surrender[0].percent[0] < alone[0].percent[0]  # the wider range of 三、14
    paid = g.applicable(["赔偿", "谅解"])
    assert len(paid) == 1 and paid[0].requires == ("谅解",)
    assert paid[0].percent[0] < g.applicable(["赔偿"])[0].percent[0] < 0


def test_a_repeat_offender_gets_at_least_three_months_more() -> None:
    calc = guideline().calculate("盗窃", 1, ["累犯"], (1.0, 36.0), base_estimate=4.0)
    assert calc.adjusted_months >= 4.0 + 3.0


@pytest.mark.parametrize("circumstances", [(), ("自首", "认罪认罚"), ("累犯", "前科"), ("未成年", "从犯", "未遂")])
def test_the_declared_sentence_never_leaves_the_lawful_range(law: PenaltyLaw, circumstances: tuple[str, ...]) -> None:
    g = guideline()
    for charge, crime in g.crimes.items():
        for point, base in itertools.product(crime.starting_points or [crime.declared], (None, 1.0, 400.0)):
            lawful = _range(law, charge, point.tier)
            calc = g.calculate(charge, point.tier, list(circumstances), lawful, base_estimate=base)
            assert lawful[0] <= calc.declared_months <= lawful[1], (charge, point, circumstances, calc.steps)


def test_dangerous_driving_is_declared_within_one_to_six_months_of_detention() -> None:
    calc = guideline().calculate("危险驾驶", 1, ["累犯"], (1.0, 6.0), base_estimate=5.0)
    assert calc.starting_point.months == (1.0, 6.0)
    assert 1.0 <= calc.declared_months <= 6.0


def test_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "guideline.json"
    path.write_text(json.dumps({"format": "something-else/1"}), encoding="utf-8")
    with pytest.raises(ValueError, match="leian-guideline/1"):
        Guideline.load(path)
