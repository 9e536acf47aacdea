"""Consistency report for a charge (or cause) or for a query: how similar cases were decided.

For an adjudication committee: the outcome distribution, the effect of each sentencing circumstance, the spread
between courts and regions, and the divergent holdings as majority/minority clusters with counts — never a
"普遍认为" from a handful of cases, and never a view of individual judges.

Statistics are about one charge decided alone: cases punished for several crimes together (数罪并罚) are counted
apart, and outcomes the law does not allow for the charge (a death sentence for 盗窃: another charge, or a misread
judgment) are left out and said so. A circumstance's effect is compared within strata of cases alike in tier and
amount — a raw difference of medians would mostly show that 自首 or 从犯 occur in graver cases.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from consistency.design import CaseElements, case_elements
from consistency.legal_frame import penalty_law
from consistency.targets import DEATH, LIFE, TERM, Target, canonical_charge, primary_charge, target_of
from corpus.model import Judgment
from indexing.index import LeianIndex
from leian.errors import InputError, NotFoundError
from retrieval.searcher import Query, Searcher

__all__ = ["BANDS", "MIN_GROUP", "ConsistencyReport", "build_report", "charge_matches", "select_cases", "sentence_band"]

#: Groups smaller than this are listed but not summarised (no medians of two cases).
MIN_GROUP = 5
#: A stratum compares a circumstance only when it has this many cases with it and without it.
_MIN_STRATUM = 2
_BOOTSTRAP = 200
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
    charge: str = ""  # the one charge the statistics are about
    combined_ids: list[str] = field(default_factory=list)  # 数罪并罚 cases, counted apart
    unlawful_ids: list[str] = field(default_factory=list)  # outcomes the law does not allow for the charge


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


def _lawful(charge: str, t: Target) -> bool:
    """Whether the statute allows outcome ``t`` for ``charge`` (any of its tiers; True for an unknown charge)."""
    try:
        bounds = penalty_law().bounds(charge)
    except NotFoundError:
        return True
    if t.kind == LIFE:
        return bounds.life
    if t.kind == DEATH:
        return bounds.death
    return bounds.max_months is None or t.months <= bounds.max_months


def _stratum(case: CaseElements) -> tuple[int, int]:
    """Cases alike for sentencing: the same tier of the charge and the same order of magnitude of the amount."""
    level = case.frame.tier.level if case.frame and case.frame.tier else 0
    return level, int(math.log10(case.drivers.amount_max + 1))


def _adjusted(rows: Sequence[tuple[CaseElements, Target]], circumstance: str, rng: random.Random) -> dict[str, Any]:
    """The circumstance's effect on the term within strata: the weighted mean, over strata holding cases with and
    without it, of the difference of their median log terms; as a percentage with a bootstrap 90% interval."""
    strata: dict[tuple[int, int], tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for case, t in rows:
        strata[_stratum(case)][circumstance not in case.circumstances].append(math.log1p(t.months))
    usable = [(w, wo) for w, wo in strata.values() if len(w) >= _MIN_STRATUM and len(wo) >= _MIN_STRATUM]

    def effect(groups: Sequence[tuple[list[float], list[float]]]) -> float:
        weights = [min(len(w), len(wo)) for w, wo in groups]
        diffs = [statistics.median(w) - statistics.median(wo) for w, wo in groups]
        return sum(x * d for x, d in zip(weights, diffs, strict=True)) / sum(weights)

    if not usable or sum(len(w) for w, _ in usable) < MIN_GROUP:
        return {}
    draws = sorted(
        effect([([rng.choice(w) for _ in w], [rng.choice(wo) for _ in wo]) for w, wo in usable])
        for _ in range(_BOOTSTRAP)
    )
    to_percent = lambda x: round(math.expm1(x) * 100, 1)  # noqa: E731
    return {
        "with_cases": sum(len(w) for w, _ in usable),
        "without_cases": sum(len(wo) for _, wo in usable),
        "strata": len(usable),
        "effect_percent": to_percent(effect(usable)),
        "interval_percent": [to_percent(draws[int(0.05 * _BOOTSTRAP)]), to_percent(draws[int(0.95 * _BOOTSTRAP) - 1])],
    }


def build_report(subject: str, docs: Sequence[Judgment], charge: str = "") -> ConsistencyReport:
    """The report over ``docs``: the decided cases of ``charge``, or (without it) a query's similar cases, whose
    statistics are then about their most common charge."""
    decided = [(d, t) for d in docs if (t := target_of(d.outcome)) is not None]
    notes = []
    single = [(d, t) for d, t in decided if len({canonical_charge(c) for c in d.charges}) <= 1]
    combined = [d.id for d, _ in decided if len({canonical_charge(c) for c in d.charges}) > 1]
    if not charge:
        counts = Counter(primary_charge(d) for d, _ in single if d.charges)
        charge = counts.most_common(1)[0][0] if counts else ""
        others = sum(n for c, n in counts.items() if c != charge)
        if others:
            notes.append(f"统计限于{charge}罪的单罪案件；其他罪名的{others}件见罪名分布，不计入刑期统计")
    charge = canonical_charge(charge) if charge else ""
    own = [(d, t) for d, t in single if not charge or primary_charge(d) == charge]
    rows = [(d, t) for d, t in own if not charge or _lawful(charge, t)]
    unlawful = [d.id for d, t in own if charge and not _lawful(charge, t)]
    if combined:
        notes.append(f"另有{len(combined)}件数罪并罚案件单独列示，不计入单罪的刑期统计")
    if unlawful:
        notes.append(
            f"{len(unlawful)}件的裁判结果超出{charge}罪的法定刑（可能系他罪或文书识别有误），已排除出统计"
        )
    if len(rows) < MIN_GROUP:
        notes.append(f"类案不足：仅{len(rows)}件有裁判结果，不作统计结论")
    terms = [(d, t) for d, t in rows if t.kind == TERM]
    months = [t.months for _, t in terms]
    elements = [(case_elements(d), t) for d, t in terms]
    rng = random.Random(0)
    seen = Counter(c for case, _ in elements for c in case.circumstances)
    effects = []
    for circumstance, _ in seen.most_common():
        adjusted = _adjusted(elements, circumstance, rng)
        if adjusted:
            effects.append({"circumstance": circumstance, **adjusted})
    if effects:
        notes.append("量刑情节的影响为同一量刑档次、同一金额量级的案件之间的比较（分层中位数差，90%自助法区间）")
    by_region: dict[tuple[str, str], list[float]] = defaultdict(list)
    for d, t in terms:
        by_region[(d.province or "未知地区", d.court_level or "未知层级")].append(t.months)
    spread = [
        {"province": p, "court_level": lvl, "cases": len(v), **(_summary(v) if len(v) >= MIN_GROUP else {})}
        for (p, lvl), v in sorted(by_region.items(), key=lambda kv: -len(kv[1]))
    ]
    ids = [d.id for d, _ in rows]
    everyone = [d for d, _ in decided]
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
        charge_holdings=_clusters([primary_charge(d) or "未识别" for d in everyone], [d.id for d in everyone])
        if everyone
        else [],
        ids=ids,
        notes=notes,
        charge=charge,
        combined_ids=combined,
        unlawful_ids=unlawful,
    )


def charge_matches(doc: Judgment, charge: str) -> bool:
    """Whether ``doc`` was decided under ``charge`` (spelling-insensitive: CAIL brackets, trailing 罪)."""
    wanted = canonical_charge(charge)
    return any(canonical_charge(c) == wanted for c in doc.charges)


def select_cases(index: LeianIndex, *, charge: str | None, query: str | None, k: int) -> tuple[str, list[Judgment]]:
    """The subject and the decided judgments of a report: every one of ``charge``, or the ``k`` most similar to
    ``query``; :class:`InputError` when there is none."""
    if charge:
        docs = [d for d in index.store.iter_documents() if d.authority == "judgment" and charge_matches(d, charge)]
        subject = charge.removesuffix("罪") + "罪"
    else:
        hits = Searcher(index).search(Query(query or ""), k=k, explain=False).hits
        docs = [d for d in index.store.get([h.id for h in hits]) if d is not None and d.authority == "judgment"]
        subject = "检索类案"
    if not docs:
        raise InputError(f"没有找到该罪名的案例 no decided case for {charge or 'the query'}")
    return subject, docs
