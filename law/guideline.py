"""The sentencing guideline's method: 量刑起点 → 基准刑 → 宣告刑.

《关于常见犯罪的量刑指导意见（试行）》(法发〔2021〕21号) as data (`data/guideline.json`, every figure with the
paragraph it comes from): the starting-point range of each common crime's tiers (part 四), the adjustment of the
基准刑 by each circumstance (part 三), and the method (part 二):

1. the 量刑起点 within the tier the basic constituent facts select (二、1(1));
2. the 基准刑: the starting point plus the punishment the amount, the number of offences and the consequences add
   (二、1(2)). The national text leaves those increments to the provincial rules; Leian takes them from what similar
   cases of the tier received, or stays at the starting point when no estimate is given;
3. the circumstances that the guideline applies first (未成年, 未遂, 从犯 …) multiply the 基准刑 one after another;
   the others are summed, increases against reductions, and applied once (同向相加、逆向相减, 二、2(2));
4. the 宣告刑 inside the statutory range: below the tier's minimum only with a circumstance that allows 减轻处罚,
   never above its maximum (二、3).

Each circumstance takes the midpoint of its range: the guideline gives a range for the court's discretion, and the
midpoint is the reading that leans neither way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Adjustment", "Calculation", "Guideline", "StartingPoint", "Step", "guideline"]

_DATA = Path(__file__).parent / "data" / "guideline.json"
_FORMAT = "leian-guideline/1"
#: The circumstances with which 认罪认罚 takes its wider range (三、14); 坦白 counts only as 重大坦白, which the
#: facts rarely tell apart, so it is left out.
_WIDENING = frozenset({"自首", "退赃退赔", "赔偿", "谅解", "刑事和解"})


@dataclass(frozen=True)
class StartingPoint:
    """The range the 量刑起点 of one tier of a crime is set in (months)."""

    paragraph: str
    tier: int
    when: str
    months: tuple[float, float]
    except_: str = ""

    @property
    def point(self) -> float:
        """The middle of the range, in whole months."""
        return float(round(sum(self.months) / 2))


@dataclass(frozen=True)
class Adjustment:
    """How one circumstance moves the 基准刑: a percentage range (negative: less), with its paragraph."""

    name: str
    paragraph: str
    percent: tuple[float, float]
    when: str = ""
    requires: tuple[str, ...] = ()  # circumstances that must also be present (赔偿 with 谅解)
    not_with: tuple[str, ...] = ()  # circumstances this one replaces rather than adds to (认罪认罚, 三、14)
    min_months: float = 0.0  # an increase of at least this (累犯: 一般不少于3个月)
    usual: bool = False  # the entry to use when the facts say no more (未成年 16–18, 一般立功)

    @property
    def rate(self) -> float:
        """The midpoint of the range as a fraction of the 基准刑."""
        return sum(self.percent) / 200


@dataclass(frozen=True)
class Step:
    """One line of the calculation a judge reads."""

    stage: str  # 量刑起点 / 基准刑 / 调节 / 宣告刑
    months: float
    text: str
    paragraph: str = ""


@dataclass(frozen=True)
class Calculation:
    """The guideline's sentence for one charge, step by step."""

    charge: str
    starting_point: StartingPoint
    base_months: float
    adjusted_months: float
    declared_months: float
    applied: tuple[tuple[Adjustment, float], ...] = ()  # each circumstance with the rate used
    steps: tuple[Step, ...] = ()
    checked: str = ""  # how far the crime's figures were checked against copies of the official text

    @property
    def factor(self) -> float:
        """The 宣告刑 relative to the 基准刑 before the statutory range bounds it."""
        return self.adjusted_months / self.base_months if self.base_months else 1.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the figures and the steps."""
        return {
            "charge": self.charge,
            "starting_range_months": list(self.starting_point.months),
            "starting_point_months": self.starting_point.point,
            "base_months": round(self.base_months, 1),
            "declared_months": round(self.declared_months, 1),
            "checked": self.checked,
            "steps": [asdict(s) for s in self.steps],
        }


@dataclass
class CrimeGuide:
    """Part 四's paragraph for one crime."""

    charge: str
    paragraph: str
    starting_points: list[StartingPoint]
    increments: str = ""
    declared: StartingPoint | None = None  # 危险驾驶: the text fixes the 宣告刑's range itself
    checked: str = ""


@dataclass
class Guideline:
    """The guideline loaded from its data file."""

    number: str
    crimes: dict[str, CrimeGuide]
    adjustments: dict[str, list[Adjustment]]
    first: frozenset[str]
    first_paragraph: str

    @classmethod
    def load(cls, path: Path = _DATA) -> Guideline:
        """Read ``guideline.json``; a file of another format is refused."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT:
            raise ValueError(f"{path}: not a {_FORMAT} file")
        crimes = {}
        for charge, crime in data["crimes"].items():
            declared = crime.get("declared")
            crimes[charge] = CrimeGuide(
                charge=charge,
                paragraph=crime["paragraph"],
                starting_points=[_starting_point(s) for s in crime.get("starting_points", [])],
                increments=crime.get("increments", ""),
                declared=_starting_point({**declared, "tier": 1, "when": "宣告刑"}) if declared else None,
                checked=crime.get("checked", ""),
            )
        adjustments: dict[str, list[Adjustment]] = {}
        for a in data["circumstances"]:
            adjustments.setdefault(a["name"], []).append(
                Adjustment(
                    name=a["name"],
                    paragraph=a["paragraph"],
                    percent=(float(a["percent"][0]), float(a["percent"][1])),
                    when=a.get("when", ""),
                    requires=tuple(a.get("requires", ())),
                    not_with=tuple(a.get("not_with", ())),
                    min_months=float(a.get("min_months", 0)),
                    usual=bool(a.get("usual", False)),
                )
            )
        return cls(
            number=data["number"],
            crimes=crimes,
            adjustments=adjustments,
            first=frozenset(data["first"]["circumstances"]),
            first_paragraph=data["first"]["paragraph"],
        )

    def starting_point(self, charge: str, tier: int) -> StartingPoint | None:
        """The starting-point range of ``charge``'s statutory tier ``tier`` (the first the text lists), or None."""
        crime = self.crimes.get(charge)
        if crime is None:
            return None
        if crime.declared is not None:
            return crime.declared
        return next((s for s in crime.starting_points if s.tier == tier), None)

    def applicable(self, circumstances: Iterable[str]) -> list[Adjustment]:
        """The adjustment each present circumstance takes, without counting one twice.

        赔偿 with 谅解 is one adjustment (三、11); 认罪认罚 replaces the circumstances it may not be counted with
        (三、14) and takes its larger range when one of them is present.
        """
        present = set(circumstances)
        replaced = {n for name in present for e in self.adjustments.get(name, ()) for n in e.not_with} & present
        out: list[Adjustment] = []
        consumed: set[str] = set()
        for name in sorted(present - replaced, key=self._order):
            if name in consumed or name not in self.adjustments:
                continue
            entry = self._entry(name, present, replaced)
            if entry is not None:
                out.append(entry)
                consumed |= set(entry.requires)
        return out

    def _order(self, name: str) -> tuple[bool, bool, str]:
        # first-applied circumstances first; a circumstance that takes another with it (赔偿 with 谅解) before it
        return (name not in self.first, not any(e.requires for e in self.adjustments.get(name, ())), name)

    def _entry(self, name: str, present: set[str], replaced: set[str]) -> Adjustment | None:
        # the ranges that reach 免除处罚 (减少50%以上或者依法免除处罚) are for 犯罪较轻 cases the court names itself
        entries = [e for e in self.adjustments[name] if set(e.requires) <= present and e.percent[0] > -100]
        if not entries:
            return None
        if name == "认罪认罚":
            # 三、14: the wider range with 自首, 重大坦白, 退赃退赔, 赔偿谅解 or 刑事和解, the ordinary one otherwise
            by_reach = sorted(entries, key=lambda e: e.percent[0], reverse=True)
            return by_reach[-1] if replaced & _WIDENING else by_reach[0]
        return max(entries, key=lambda e: (len(e.requires), e.usual, -self.adjustments[name].index(e)))

    def calculate(
        self,
        charge: str,
        tier: int,
        circumstances: Sequence[str],
        lawful: tuple[float, float],
        base_estimate: float | None = None,
    ) -> Calculation | None:
        """The guideline's 宣告刑 for one charge, or None when the guideline has no starting point for it.

        ``lawful`` is the range the statute allows the case (the tier's, or below it where a circumstance allows
        减轻处罚; with only 从轻 the tier's minimum is the lowest 宣告刑); ``base_estimate`` is the 基准刑 similar
        cases suggest (kept at least at the starting point's lower end, at most at the statutory maximum).
        """
        start = self.starting_point(charge, tier)
        if start is None:
            return None
        crime = self.crimes[charge]
        steps = [Step("量刑起点", start.point, _start_text(start), start.paragraph)]
        base = start.point
        if crime.declared is not None:
            text = f"指导意见直接规定宣告刑的幅度，以其中点为基准：{base:g}个月"
        elif base_estimate is not None:
            base = min(max(base_estimate, start.months[0]), lawful[1])
            text = f"{crime.increments or '按犯罪数额、次数、后果等增加刑罚量'}（依同档次类案估计）：{base:.1f}个月"
        else:
            text = f"未估计增加的刑罚量，以量刑起点为基准刑：{base:g}个月"
        steps.append(Step("基准刑", base, text, crime.paragraph))
        applied = [(a, a.rate) for a in self.applicable(circumstances)]
        months = base
        for adjustment, rate in applied:
            if adjustment.name in self.first:
                months *= 1 + rate
                text = f"{adjustment.name}：{_percent(rate)}（先行调节）"
                steps.append(Step("调节", months, text, adjustment.paragraph))
        others = [(a, r) for a, r in applied if a.name not in self.first]
        if others:
            # 同向相加、逆向相减: each change on the same figure, summed; 累犯 adds at least its own minimum
            changes = [max(months * r, a.min_months) if r > 0 else months * r for a, r in others]
            months = max(months + sum(changes), 0.0)
            parts = "、".join(f"{a.name}{_percent(r)}" for a, r in others)
            text = f"{parts}：同向相加、逆向相减，合计{sum(changes):+.1f}个月"
            steps.append(Step("调节", months, text, self.first_paragraph))
        adjusted = months
        declared = min(max(adjusted, lawful[0]), lawful[1])
        why = (
            "在法定刑幅度内"
            if declared == adjusted
            else "不低于法定最低刑"
            if declared > adjusted
            else "不超过法定最高刑"
        )
        steps.append(Step("宣告刑", declared, f"{declared:.1f}个月（{why}）", "二、（三）"))
        return Calculation(charge, start, base, adjusted, declared, tuple(applied), tuple(steps), crime.checked)


def _starting_point(entry: dict[str, Any]) -> StartingPoint:
    low, high = entry["months"]
    return StartingPoint(
        paragraph=entry["paragraph"],
        tier=int(entry["tier"]),
        when=entry.get("when", ""),
        months=(float(low), float(high)),
        except_=entry.get("except", ""),
    )


def _start_text(start: StartingPoint) -> str:
    low, high = start.months
    span = f"{low:g}个月" if low == high else f"{low:g}至{high:g}个月"
    text = f"{start.when}：在{span}幅度内确定量刑起点，取{start.point:g}个月"
    return f"{text}（{start.except_}）" if start.except_ else text


def _percent(rate: float) -> str:
    return f"{'+' if rate > 0 else ''}{rate * 100:.0f}%"


@cache
def guideline() -> Guideline:
    """The guideline, loaded once."""
    return Guideline.load()
