"""Consistency report for a charge (or cause) or for a query: how similar cases were decided.

For an adjudication committee: the outcome distribution, the effect of each sentencing circumstance, the spread
between courts and regions, and the divergent holdings as majority/minority clusters with counts — never a
"普遍认为" from a handful of cases, and never a view of individual judges.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from consistency.targets import DEATH, LIFE, TERM, Target, canonical_charge, primary_charge, target_of
from corpus.model import Judgment

__all__ = ["BANDS", "MIN_GROUP", "ConsistencyReport", "build_report", "charge_matches", "sentence_band"]

#: Groups smaller than this are listed but not summarised (no medians of two cases).
MIN_GROUP = 5
#: Sentencing bands the holdings are clustered by, in order of severity.
BANDS = ("免予刑事处罚/单处罚金", "缓刑", "一年以下", "一至三年", "三至十年", "十年以上", "无期徒刑", "死刑")


def sentence_band(t: Target) -> str:
    """The band of :data:`BANDS` an outcome falls in."""
    if t.kind == DEATH:
        return "死刑"
    if t.kind == LIFE:
        return "无期徒刑"
    if t.months == 0:
        return BANDS[0]
    if t.probation_months > 0:
        return "缓刑"
    if t.months <= 12:
        return "一年以下"
    if t.months <= 36:
        return "一至三年"
    return "三至十年" if t.months < 120 else "十年以上"


@dataclass
class ConsistencyReport:
    """Everything the report shows; charts and exports are made from it."""

    subject: str
    cases: int
    months: list[float]
    kinds: dict[str, int]
    quantiles: dict[str, float]
    probation_share: float
    circumstance_effects: list[dict[str, Any]]
    spread: list[dict[str, Any]]
    holdings: list[dict[str, Any]]
    charge_holdings: list[dict[str, Any]]
    ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _summary(values: Sequence[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=4) if len(values) >= 2 else [values[0]] * 3
    return {"p25": round(q[0], 1), "median": round(statistics.median(values), 1), "p75": round(q[2], 1)}


def _clusters(labels: Sequence[str], ids: Sequence[str], order: Sequence[str] | None = None) -> list[dict[str, Any]]:
    counts = Counter(labels)
    total = sum(counts.values())
    first: dict[str, str] = {}
    for label, doc_id in zip(labels, ids, strict=True):
        first.setdefault(label, doc_id)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], (order or []).index(kv[0]) if order else kv[0]))
    return [
        {
            "holding": label,
            "cases": n,
            "share": round(n / total, 3),
            "role": "多数" if i == 0 and n > total / 2 else "相对多数" if i == 0 else "少数",
            "example": first[label],
        }
        for i, (label, n) in enumerate(ranked)
    ]


def build_report(subject: str, docs: Sequence[Judgment]) -> ConsistencyReport:
    """The report over ``docs`` (the decided criminal cases of a charge, or a query's similar cases)."""
    rows = [(d, t) for d in docs if (t := target_of(d.outcome)) is not None]
    notes = []
    if len(rows) < MIN_GROUP:
        notes.append(f"类案不足：仅{len(rows)}件有裁判结果，不作统计结论")
    terms = [(d, t) for d, t in rows if t.kind == TERM]
    months = [t.months for _, t in terms]
    effects = []
    with_by: dict[str, list[float]] = defaultdict(list)
    for d, t in terms:
        for c in d.circumstances:
            with_by[c].append(t.months)
    for c, values in sorted(with_by.items(), key=lambda kv: -len(kv[1])):
        without = [t.months for d, t in terms if c not in d.circumstances]
        if len(values) >= MIN_GROUP and len(without) >= MIN_GROUP:
            effects.append(
                {
                    "circumstance": c,
                    "with_cases": len(values),
                    "with_median": statistics.median(values),
                    "without_cases": len(without),
                    "without_median": statistics.median(without),
                    "difference": round(statistics.median(values) - statistics.median(without), 1),
                }
            )
    by_region: dict[tuple[str, str], list[float]] = defaultdict(list)
    for d, t in terms:
        by_region[(d.province or "未知地区", d.court_level or "未知层级")].append(t.months)
    spread = [
        {"province": p, "court_level": lvl, "cases": len(v), **(_summary(v) if len(v) >= MIN_GROUP else {})}
        for (p, lvl), v in sorted(by_region.items(), key=lambda kv: -len(kv[1]))
    ]
    ids = [d.id for d, _ in rows]
    return ConsistencyReport(
        subject=subject,
        cases=len(rows),
        months=months,
        kinds=dict(Counter(t.kind for _, t in rows)),
        quantiles=_summary(months) if months else {},
        probation_share=round(sum(t.probation_months > 0 for _, t in terms) / len(terms), 3) if terms else 0.0,
        circumstance_effects=effects,
        spread=spread,
        holdings=_clusters([sentence_band(t) for _, t in rows], ids, BANDS) if rows else [],
        charge_holdings=_clusters([primary_charge(d) or "未识别" for d, _ in rows], ids) if rows else [],
        ids=ids,
        notes=notes,
    )


def charge_matches(doc: Judgment, charge: str) -> bool:
    """Whether ``doc`` was decided under ``charge`` (spelling-insensitive: CAIL brackets, trailing 罪)."""
    wanted = canonical_charge(charge)
    return any(canonical_charge(c) == wanted for c in doc.charges)
