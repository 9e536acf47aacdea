"""The deviation flag of one judgment: actual against expected outcome, with evidence, drivers and reason codes.

A flag is a prompt for consultation (会商), never a verdict on the judge: it names the similar cases it rests on,
the elements that drive the expectation, and the reason codes under which the elements themselves may justify the
deviation (a lighter sentence with 自首 and 谅解 …). Nothing here aggregates flags by judge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from consistency.design import CaseElements
from consistency.features import Drivers
from consistency.model import OutcomeModel
from consistency.targets import TERM, Target

__all__ = ["HEAVIER", "LIGHTER", "Flag", "driving_factors", "flag_cases"]

#: Circumstances that may justify a sentence below the expectation (法定/酌定从轻、减轻情节).
LIGHTER = ("自首", "坦白", "立功", "认罪认罚", "退赃退赔", "赔偿", "谅解", "未遂", "中止", "从犯", "胁从犯", "未成年",
           "老年人", "限制刑事责任能力", "防卫过当", "被害人过错")  # fmt: skip
#: Circumstances that may justify a sentence above it (从重情节).
HEAVIER = ("累犯", "毒品再犯", "前科", "主犯", "教唆犯", "数罪并罚")
_NUMERIC = {
    "amount_max": "涉案金额",
    "drug_grams": "毒品数量",
    "injury": "伤情等级",
    "alcohol_mg": "血液酒精含量",
    "times": "作案次数",
    "heads": "动植物数量（只、株）",
    "volume_m3": "林木数量（立方米）",
}


@dataclass
class Flag:
    """The audit result for one case (one JSON line of ``leian audit``)."""

    id: str
    expected_months: float | None
    expected_term_months: float | None  # should a prison term be imposed: what a decided term is measured against
    interval_months: list[float] | None
    deviation: float | None  # log((actual + 1) / (expected + 1)): +1.1 is about three times the expectation
    flag: bool
    n_similar: int
    evidence: list[str]
    reasons: list[str]
    expected_kind: str = ""
    actual_months: float | None = None
    actual_kind: str = ""
    deviation_months: float | None = None
    drivers: list[dict[str, Any]] = field(default_factory=list)
    probation_share: float | None = None
    expected_fine_yuan: float | None = None
    notify_judge: bool = True  # False in silent mode: for trial management only
    expected_penalty: str = ""  # 死刑 / 无期徒刑 / 有期徒刑 / 拘役 / 免予刑事处罚或单处罚金
    probation_probability: float = 0.0
    lawful_months: list[float] | None = None  # the range the statute allows (the tier, or below it when mitigated)
    tier: str = ""
    charge_terms: list[dict[str, Any]] = field(default_factory=list)
    combined_months: list[float] | None = None
    guideline: dict[str, Any] | None = None  # the sentencing guideline's calculation: 量刑起点 → 基准刑 → 宣告刑
    notes: list[str] = field(default_factory=list)
    charges_inferred: dict[str, float] = field(default_factory=dict)  # the case named none: what was inferred

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _without(case: CaseElements, factor: str) -> CaseElements:
    if factor.startswith("circ:"):
        return replace(case, circumstances=[c for c in case.circumstances if c != factor[5:]])
    if factor.startswith("band:"):
        return replace(case, drivers=replace(case.drivers, bands={**case.drivers.bands, factor[5:]: 0}))
    return replace(case, drivers=replace(case.drivers, **{factor: Drivers.__dataclass_fields__[factor].default}))


def _factors(case: CaseElements) -> list[str]:
    out = [f"circ:{c}" for c in case.circumstances]
    out += [f"band:{b}" for b, v in case.drivers.bands.items() if v]
    out += [k for k in _NUMERIC if getattr(case.drivers, k)]
    return out


def _label(factor: str) -> str:
    return factor[5:] if factor.startswith(("circ:", "band:")) else _NUMERIC[factor]


def driving_factors(model: OutcomeModel, cases: Sequence[CaseElements], top: int = 3) -> list[list[dict[str, Any]]]:
    """Per case, the elements that move its expectation most: the change in expected months when each is removed."""
    variants: list[CaseElements] = []
    owners: list[tuple[int, str]] = []
    for i, case in enumerate(cases):
        for factor in _factors(case):
            variants.append(_without(case, factor))
            owners.append((i, factor))
    base = model.predict_log(cases) if cases else []
    ablated = model.predict_log(variants) if variants else []
    effects: list[list[dict[str, Any]]] = [[] for _ in cases]
    for (i, factor), value in zip(owners, ablated, strict=True):
        delta = math.expm1(max(base[i], 0.0)) - math.expm1(max(value, 0.0))
        effects[i].append({"factor": _label(factor), "effect_months": round(delta, 1)})
    return [sorted(e, key=lambda d: -abs(d["effect_months"]))[:top] for e in effects]


def _reasons(case: CaseElements, actual: Target | None, kind: str, deviation: float | None) -> list[str]:
    reasons = []
    if actual is not None and actual.kind == TERM and actual.months == 0:
        reasons.append("未判处刑期（免予刑事处罚或单处罚金）")
    if actual is not None and actual.kind != TERM:
        reasons.append("无期徒刑" if actual.kind == "life" else "死刑")
    if kind and actual is not None and actual.kind != kind:
        reasons.append(f"刑种不同：类案预期{ {'term': '有期徒刑', 'life': '无期徒刑', 'death': '死刑'}[kind] }")
    if deviation is not None and deviation < 0:
        reasons += [f"从轻情节：{c}" for c in case.circumstances if c in LIGHTER]
    if deviation is not None and deviation > 0:
        reasons += [f"从重情节：{c}" for c in case.circumstances if c in HEAVIER]
    if len(case.charges) > 1:
        reasons.append("数罪")
    return reasons


def flag_cases(
    model: OutcomeModel,
    cases: Sequence[CaseElements],
    actuals: Sequence[Target | None],
    *,
    exclude_self: bool = True,
    silent: bool = False,
) -> list[Flag]:
    """Flag each case against its expectation (``actuals[i]`` None: the expectation alone, nothing to flag)."""
    expectations = model.predict(cases, exclude=[c.id for c in cases] if exclude_self else ())
    factors = driving_factors(model, cases)
    flags = []
    for case, actual, exp, drivers in zip(cases, actuals, expectations, factors, strict=True):
        deviation = deviation_months = None
        flagged = False
        reasons: list[str] = []
        if not exp.enough:
            reasons.append(f"类案不足：同罪名类案仅{exp.n_similar}件，预期仅供参考，不作偏离预警")
        elif actual is not None and actual.kind == TERM and exp.kind == TERM and exp.expected_months is not None:
            # a prison term is compared with the term expected should one be imposed, not with "no term"
            reference = exp.term_months if actual.months > 0 and exp.term_months is not None else exp.expected_months
            deviation = round(math.log1p(actual.months) - math.log1p(reference), 4)
            deviation_months = round(actual.months - reference, 1)
            low, high = exp.interval_months or (0.0, 0.0)
            flagged = not low <= actual.months <= high
        elif actual is not None and exp.kind != actual.kind:
            flagged = True
        if exp.enough:
            reasons += _reasons(case, actual, exp.kind, deviation)
        flags.append(
            Flag(
                id=case.id,
                expected_months=exp.expected_months,
                expected_term_months=exp.term_months,
                interval_months=list(exp.interval_months) if exp.interval_months else None,
                deviation=deviation,
                flag=flagged,
                n_similar=exp.n_similar,
                evidence=exp.evidence,
                reasons=reasons,
                expected_kind=exp.kind,
                actual_months=actual.months if actual is not None and actual.kind == TERM else None,
                actual_kind=actual.kind if actual is not None else "",
                deviation_months=deviation_months,
                drivers=drivers,
                probation_share=exp.probation_share,
                expected_fine_yuan=exp.expected_fine_yuan,
                notify_judge=not silent,
                expected_penalty=exp.penalty,
                probation_probability=exp.probation_probability,
                lawful_months=list(exp.lawful_months) if exp.lawful_months else None,
                tier=exp.tier,
                charge_terms=exp.charge_terms,
                combined_months=list(exp.combined_months) if exp.combined_months else None,
                guideline=exp.guideline,
                notes=exp.notes,
            )
        )
    return flags
