"""The penalty law as data: for each charge (罪名) its statutory tiers (量刑档次), the thresholds that select a
tier, and the general provisions that bound any sentence (拘役, 管制, 有期徒刑, 数罪并罚, 缓刑, 减轻处罚).

Everything here is read from ``law/data/penalties.json`` (built by :mod:`law.transcribe` from the statute files,
each figure with the provision it comes from and a verbatim quote). The product must never show an expected
sentence outside the range these tiers allow: :meth:`PenaltyLaw.clamp` is the guard.

    law = PenaltyLaw.load()
    tier = law.tier_for("盗窃", amount_yuan=50_000)      # 数额巨大 → 三年以上十年以下有期徒刑
    law.clamp("盗窃", 200, tier)                          # 120.0
    combined_term([36, 24])                               # (36.0, 60.0)
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from leian.errors import InputError, NotFoundError

__all__ = [
    "DETENTION_MONTHS",
    "Bounds",
    "ChargeLaw",
    "Citation",
    "CombinedSentence",
    "Condition",
    "ConfiscationRule",
    "FineRule",
    "GeneralProvision",
    "MonthRange",
    "Penalty",
    "PenaltyLaw",
    "Threshold",
    "Tier",
    "UnknownChargeError",
    "UnknownFactError",
    "combined_sentence",
    "combined_term",
]

# Stand-ins on the month scale for the penalties that have no term, so tiers sort by severity.
_LIFE_RANK, _DEATH_RANK = 10_000, 100_000
#: 拘役 runs from one to six months (刑法第四十二条; the same figures as ``general["拘役"]``).
DETENTION_MONTHS = (1.0, 6.0)


class UnknownChargeError(NotFoundError):
    """A charge name the penalty data does not hold; the message names the closest known charges."""


class UnknownFactError(InputError):
    """A fact passed to :meth:`PenaltyLaw.tier_for` that no threshold in the data uses."""


class FineRule(StrEnum):
    """How a tier's statute provides for a fine (罚金), in the statute's own words."""

    MANDATORY = "并处"  # 并处罚金: the fine is added to the principal penalty
    MANDATORY_OR_SOLE = "并处或者单处"  # 并处或者单处罚金: a fine is imposed, with or instead of the principal penalty
    OPTIONAL = "可以并处"  # 可以并处罚金
    SOLE = "单处"  # …、拘役或者罚金: a fine alone is one of the alternatives, never added to imprisonment
    MANDATORY_OR_CONFISCATION = "并处罚金或者没收财产"  # one of the two is added
    OPTIONAL_OR_CONFISCATION = "可以并处罚金或者没收财产"


class ConfiscationRule(StrEnum):
    """How a tier provides for confiscation of property (没收财产) on its own (not as an alternative to a fine)."""

    MANDATORY = "并处"
    OPTIONAL = "可以并处"


@dataclass(frozen=True)
class MonthRange:
    """A fixed-term range in months, both ends included: 三年以上十年以下 is ``MonthRange(36, 120)``."""

    min_months: int
    max_months: int


@dataclass(frozen=True)
class Penalty:
    """The statutory penalty of one tier (法定刑).

    ``fixed_term`` applies 刑法第四十五条 where the statute gives only one end: 三年以下 is 6–36 months,
    七年以上 is 84–180 months. ``exemption`` is the product's reading of 刑法第三十七条 (免予刑事处罚 for 犯罪情节轻微):
    possible where the tier's lightest penalty is at the bottom of the scale (…年以下有期徒刑, 拘役, 管制, 罚金 or
    剥夺政治权利 alone), not in a tier with a raised minimum.
    """

    text: str  # the penalty as the statute words it: 三年以下有期徒刑、拘役或者管制，并处或者单处罚金
    surveillance: bool  # 管制
    detention: bool  # 拘役
    fixed_term: MonthRange | None  # 有期徒刑
    life: bool  # 无期徒刑
    death: bool  # 死刑
    political_rights_alone: bool  # 剥夺政治权利 as an alternative on its own
    fine: FineRule | None
    confiscation: ConfiscationRule | None
    exemption: bool

    @property
    def fine_required(self) -> bool:
        """Whether a fine must be imposed (并处 / 并处或者单处 罚金)."""
        return self.fine in (FineRule.MANDATORY, FineRule.MANDATORY_OR_SOLE)

    @property
    def fine_alone(self) -> bool:
        """Whether a fine alone is a lawful sentence in this tier (单处罚金)."""
        return self.fine in (FineRule.MANDATORY_OR_SOLE, FineRule.SOLE)

    @property
    def non_custodial(self) -> bool:
        """Whether a sentence without 拘役 or imprisonment is lawful: 管制, a fine or 剥夺政治权利 alone."""
        return self.surveillance or self.fine_alone or self.political_rights_alone

    @property
    def lowest_rank(self) -> float:
        """The lightest penalty on the month scale (0 for non-custodial ones): orders tiers by severity."""
        if self.non_custodial:
            return 0.0
        if self.detention:
            return DETENTION_MONTHS[0]
        if self.fixed_term:
            return float(self.fixed_term.min_months)
        return float(_LIFE_RANK if self.life else _DEATH_RANK)

    @property
    def highest_rank(self) -> float:
        """The heaviest penalty on the month scale, with life and death above every term."""
        if self.death:
            return float(_DEATH_RANK)
        if self.life:
            return float(_LIFE_RANK)
        if self.fixed_term:
            return float(self.fixed_term.max_months)
        return DETENTION_MONTHS[1] if self.detention else 0.0


@dataclass(frozen=True)
class Citation:
    """Where a text comes from: the statute file (relative to ``<data>/statutes``), the provision and a quote."""

    source: str
    article: str
    quote: str


@dataclass(frozen=True)
class Condition:
    """One fact a threshold tests: ``min`` (at least), ``below`` (less than), ``values`` (one of) or ``flag``.

    ``range`` keeps a provincial range where the interpretation lets each province choose (盗窃 数额较大
    1,000–3,000 元): ``min`` is then the national default the product uses, the range's lower bound.
    """

    fact: str
    min: float | None = None
    below: float | None = None
    values: tuple[str, ...] = ()
    flag: bool | None = None
    range: tuple[float, float] | None = None

    def holds(self, value: float | str | bool | None) -> bool:
        """Whether a fact's value meets this condition; a missing fact meets none."""
        if value is None:
            return False
        if self.flag is not None:
            return bool(value) is self.flag
        if self.values:
            return value in self.values
        if isinstance(value, bool | str):
            return False
        return (self.min is None or value >= self.min) and (self.below is None or value < self.below)


@dataclass(frozen=True)
class Threshold:
    """A set of conditions that together select a tier, with the provision that fixes them."""

    conditions: tuple[Condition, ...]
    citation: Citation
    note: str | None = None


@dataclass(frozen=True)
class Tier:
    """One 量刑档次 of a charge: its level, condition, statutory penalty and thresholds.

    Levels number the charge's tiers from 1, lightest first within each ladder (量刑幅度 in sequence); a charge
    whose statute has a variant with its own scale (第三百九十七条第二款 徇私舞弊) has a second ladder after the
    first. ``condition`` and ``quote`` are verbatim from ``citation.source``, and ``items`` are the items (项) its
    有下列情形之一 refers to; where the tier's own text refers elsewhere for the penalty (依照前款/本法第X条的规定
    处罚), ``penalty_from`` cites the text the penalty was read from. ``unit`` tiers punish the persons responsible
    for a unit crime (单位犯罪的直接负责的主管人员和其他直接责任人员).
    """

    level: int
    ladder: int
    condition: str
    penalty: Penalty
    citation: Citation
    items: tuple[str, ...] = ()
    penalty_from: Citation | None = None
    unit: bool = False
    thresholds: tuple[Threshold, ...] = ()
    note: str | None = None

    @property
    def article(self) -> str:
        """The provision the tier is transcribed from: ``刑法第二百六十四条``."""
        return self.citation.article

    @property
    def quote(self) -> str:
        """The statute text of this tier, verbatim."""
        return self.citation.quote


@dataclass(frozen=True)
class ChargeLaw:
    """A charge with its defining articles, its tiers (lightest first) and where its 罪名 is listed."""

    name: str
    articles: tuple[str, ...]
    tiers: tuple[Tier, ...]
    listed_in: str | None
    replaced_by: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Bounds:
    """What a tier (or a whole charge) allows, on the month scale the product predicts on.

    ``min_months``/``max_months`` bound 拘役 and 有期徒刑 together (拘役 counts from 1 month); ``None`` when the
    tier has no custodial term (e.g. 无期徒刑或者死刑 only). ``non_custodial``: a sentence without custody is
    lawful (管制, a fine or 剥夺政治权利 alone), which the month scale writes as 0.
    """

    min_months: float | None
    max_months: float | None
    fixed_term: MonthRange | None
    detention: bool
    surveillance: bool
    life: bool
    death: bool
    non_custodial: bool
    exemption: bool

    def clamp(self, months: float) -> float:
        """``months`` moved to the nearest lawful point: never outside the statute.

        The lawful points are 0 (where a non-custodial sentence or 免予刑事处罚 is allowed), 拘役's 1–6 months and
        the fixed-term range. Life and death are not on the month scale: where they are allowed the result is
        still at most the longest fixed term.
        """
        intervals: list[tuple[float, float]] = []
        if self.non_custodial or self.exemption:
            intervals.append((0.0, 0.0))
        if self.detention:
            intervals.append(DETENTION_MONTHS)
        if self.fixed_term:
            intervals.append((float(self.fixed_term.min_months), float(self.fixed_term.max_months)))
        if not intervals:
            raise InputError("此档只有无期徒刑或者死刑，没有可用的刑期（月）")
        value = float(months)
        nearest = min(intervals, key=lambda iv: max(iv[0] - value, value - iv[1], 0.0))
        return min(max(value, nearest[0]), nearest[1])


@dataclass(frozen=True)
class GeneralProvision:
    """A general provision as data: its figures (months, caps) and the text they are read from."""

    key: str
    citation: Citation
    figures: Mapping[str, float]
    note: str | None = None


@dataclass(frozen=True)
class CombinedSentence:
    """The sentence to execute for several crimes (刑法第六十九条): ``(min, max)`` months per kind, or ``None``.

    拘役 is absorbed by 有期徒刑 (第二款); 管制 is executed after 有期徒刑 or 拘役, so it is kept beside them.
    """

    fixed_term: tuple[float, float] | None
    detention: tuple[float, float] | None
    surveillance: tuple[float, float] | None


def _citation(d: Mapping[str, Any]) -> Citation:
    return Citation(d["source"], d["article"], d["quote"])


def _penalty(d: Mapping[str, Any]) -> Penalty:
    term = d.get("fixed_term")
    return Penalty(
        text=d["text"],
        surveillance=d["surveillance"],
        detention=d["detention"],
        fixed_term=MonthRange(term["min_months"], term["max_months"]) if term else None,
        life=d["life"],
        death=d["death"],
        political_rights_alone=d["political_rights_alone"],
        fine=FineRule(d["fine"]) if d.get("fine") else None,
        confiscation=ConfiscationRule(d["confiscation"]) if d.get("confiscation") else None,
        exemption=d["exemption"],
    )


def _condition(fact: str, d: Mapping[str, Any]) -> Condition:
    rng = d.get("range")
    return Condition(
        fact=fact,
        min=d.get("min"),
        below=d.get("below"),
        values=tuple(d.get("in", ())),
        flag=d.get("is"),
        range=(rng[0], rng[1]) if rng else None,
    )


def _threshold(d: Mapping[str, Any]) -> Threshold:
    return Threshold(
        conditions=tuple(_condition(k, v) for k, v in d["facts"].items()),
        citation=_citation(d),
        note=d.get("note"),
    )


def _tier(d: Mapping[str, Any]) -> Tier:
    return Tier(
        level=d["level"],
        ladder=d["ladder"],
        condition=d["condition"],
        penalty=_penalty(d["penalty"]),
        citation=_citation(d),
        items=tuple(d.get("items", ())),
        penalty_from=_citation(d["penalty_from"]) if d.get("penalty_from") else None,
        unit=d.get("unit", False),
        thresholds=tuple(_threshold(t) for t in d.get("thresholds", ())),
        note=d.get("note"),
    )


def _bounds(penalties: Sequence[Penalty]) -> Bounds:
    terms = [p.fixed_term for p in penalties if p.fixed_term]
    detention = any(p.detention for p in penalties)
    lows = [float(t.min_months) for t in terms] + ([DETENTION_MONTHS[0]] if detention else [])
    highs = [float(t.max_months) for t in terms] + ([DETENTION_MONTHS[1]] if detention else [])
    fixed = MonthRange(min(t.min_months for t in terms), max(t.max_months for t in terms)) if terms else None
    return Bounds(
        min_months=min(lows) if lows else None,
        max_months=max(highs) if highs else None,
        fixed_term=fixed,
        detention=detention,
        surveillance=any(p.surveillance for p in penalties),
        life=any(p.life for p in penalties),
        death=any(p.death for p in penalties),
        non_custodial=any(p.non_custodial for p in penalties),
        exemption=any(p.exemption for p in penalties),
    )


class PenaltyLaw:
    """The penalty knowledge base: charges with their tiers, and the general provisions.

    Build it with :meth:`load`; every method takes the charge name as the product writes it (罪名 without 罪,
    e.g. ``盗窃``, ``走私、贩卖、运输、制造毒品``) and raises :class:`UnknownChargeError` for any other name.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data["version"]
        self.sources: tuple[Mapping[str, str], ...] = tuple(data["sources"])
        self.facts: Mapping[str, str] = dict(data["facts"])
        self.general: Mapping[str, GeneralProvision] = {
            key: GeneralProvision(key, _citation(g), dict(g["figures"]), g.get("note"))
            for key, g in data["general"].items()
        }
        self._aliases: Mapping[str, str] = dict(data.get("aliases", {}))
        self._charges: dict[str, ChargeLaw] = {
            name: ChargeLaw(
                name=name,
                articles=tuple(c["articles"]),
                tiers=tuple(_tier(t) for t in c["tiers"]),
                listed_in=c.get("listed_in"),
                replaced_by=c.get("replaced_by"),
                note=c.get("note"),
            )
            for name, c in data["charges"].items()
        }

    @classmethod
    def load(cls, path: Path | None = None) -> PenaltyLaw:
        """The knowledge base from ``path`` (default: the packaged ``law/data/penalties.json``), read once."""
        return _load(str(path) if path else None)

    @property
    def charges(self) -> tuple[str, ...]:
        """Every charge name the data holds, sorted."""
        return tuple(sorted(self._charges))

    def charge(self, name: str) -> ChargeLaw:
        """The full record of a charge (articles, tiers, where its name is listed)."""
        key = name if name in self._charges else name.removesuffix("罪")
        key = self._aliases.get(key, key)
        try:
            return self._charges[key]
        except KeyError:
            close = difflib.get_close_matches(key, self._charges, n=5, cutoff=0.5)
            hint = f"；相近的罪名：{'、'.join(close)}" if close else ""
            raise UnknownChargeError(
                f"刑罚数据中没有罪名“{name}”（共 {len(self._charges)} 个罪名，名称不带“罪”字）{hint}"
            ) from None

    def tiers(self, charge: str) -> list[Tier]:
        """The charge's tiers, lightest first; empty when its article has no penalty the data could transcribe."""
        return list(self.charge(charge).tiers)

    def tier(self, charge: str, level: int) -> Tier:
        """One tier of a charge by its level (1 = lightest)."""
        for t in self.charge(charge).tiers:
            if t.level == level:
                return t
        raise NotFoundError(f"罪名“{charge}”没有第 {level} 档（共 {len(self.charge(charge).tiers)} 档）")

    def tier_for(
        self,
        charge: str,
        *,
        amount_yuan: float | None = None,
        drug: str | None = None,
        drug_grams: float | None = None,
        deaths: int = 0,
        serious_injuries: int = 0,
        minor_injuries: int = 0,
        responsibility: str | None = None,
        **other: float | bool | str,
    ) -> Tier | None:
        """The heaviest tier whose thresholds the facts meet, or ``None`` when they meet none.

        ``responsibility`` is the accident responsibility (全部 / 主要 / 同等 / 次要); ``drug`` a drug name as the
        statute and the 2016 drug interpretation write it (海洛因, 甲基苯丙胺, 氯胺酮 …). ``other`` takes the further
        facts the data's thresholds use (:attr:`facts` describes each, e.g. ``fled=True``, ``timber_m3=12``); an
        unknown name raises :class:`UnknownFactError`. A fact not given meets no condition. ``None`` says only that
        no threshold in the data is met (below every threshold, or none for these facts): it does not decide
        whether the conduct is a crime. Provincial ranges are applied at their national lower bound.
        """
        unknown = sorted(set(other) - set(self.facts))
        if unknown:
            raise UnknownFactError(f"未知的事实项：{'、'.join(unknown)}；可用：{'、'.join(sorted(self.facts))}")
        facts: dict[str, float | bool | str | None] = {
            "amount_yuan": amount_yuan,
            "drug": drug,
            "drug_grams": drug_grams,
            "deaths": deaths,
            "serious_injuries": serious_injuries,
            "minor_injuries": minor_injuries,
            "responsibility": responsibility,
            **other,
        }
        met = [t for t in self.charge(charge).tiers if any(self._meets(th, facts) for th in t.thresholds)]
        return max(met, key=lambda t: (t.penalty.highest_rank, t.penalty.lowest_rank), default=None)

    @staticmethod
    def _meets(th: Threshold, facts: Mapping[str, float | bool | str | None]) -> bool:
        return all(c.holds(facts.get(c.fact)) for c in th.conditions)

    def bounds(self, charge: str, tier: Tier | int | None = None) -> Bounds:
        """What a tier allows (or, without ``tier``, the whole charge: the union of its individual tiers)."""
        if tier is not None:
            return _bounds([self._resolve(charge, tier).penalty])
        tiers = self.charge(charge).tiers
        if not tiers:
            raise NotFoundError(f"罪名“{charge}”没有可用的法定刑档次")
        individual = [t.penalty for t in tiers if not t.unit] or [t.penalty for t in tiers]
        return _bounds(individual)

    def reduced_bounds(self, charge: str, tier: Tier | int) -> Bounds:
        """Where a 减轻处罚 sentence must fall (刑法第六十三条第一款: 在法定量刑幅度的下一个量刑幅度内).

        Above the lowest tier: the next lower tier of the charge. For the lowest tier: the scale below its minimum,
        i.e. custodial months from 1 up to that minimum (拘役, and 有期徒刑 above 6 months) or 管制. Where the tier
        already reaches 拘役 or 管制 nothing custodial lies below it, and only non-custodial sentences remain.
        """
        current = self._resolve(charge, tier)
        lower = [t for t in self.charge(charge).tiers if t.ladder == current.ladder and t.level < current.level]
        if lower:
            return _bounds([lower[-1].penalty])
        p = current.penalty
        floor = p.fixed_term.min_months if p.fixed_term and not (p.detention or p.non_custodial) else None
        return Bounds(
            min_months=1.0 if floor else None,
            max_months=float(floor) if floor else None,
            fixed_term=MonthRange(6, floor) if floor and floor > 6 else None,
            detention=floor is not None,
            surveillance=True,
            life=False,
            death=False,
            non_custodial=True,
            exemption=False,
        )

    def clamp(self, charge: str, months: float, tier: Tier | int | None = None) -> float:
        """``months`` moved to the nearest term the tier (or the whole charge) allows: see :meth:`Bounds.clamp`."""
        return self.bounds(charge, tier).clamp(months)

    def source(self, charge: str) -> list[Citation]:
        """Every citation behind a charge's data: each tier's statute text and each threshold's interpretation."""
        out: list[Citation] = []
        for t in self.charge(charge).tiers:
            out.append(t.citation)
            if t.penalty_from:
                out.append(t.penalty_from)
            out.extend(th.citation for th in t.thresholds)
        return list(dict.fromkeys(out))

    def _resolve(self, charge: str, tier: Tier | int) -> Tier:
        if isinstance(tier, Tier):
            if tier not in self.charge(charge).tiers:
                raise InputError(f"第 {tier.level} 档（{tier.article}）不属于罪名“{charge}”")
            return tier
        return self.tier(charge, tier)


@lru_cache(maxsize=4)
def _load(path: str | None) -> PenaltyLaw:
    if path is None:
        text = resources.files("law").joinpath("data/penalties.json").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return PenaltyLaw(json.loads(text))


def combined_term(terms_months: Sequence[float], kind: str = "有期徒刑") -> tuple[float, float]:
    """The range for executing several terms of one kind (刑法第六十九条第一款): ``(min, max)`` in months.

    At least the longest term and at most the total, capped: 有期徒刑 at 20 years when the total is under 35 years
    and at 25 years when it is 35 years or more; 拘役 at 1 year; 管制 at 3 years. Death and life sentences are
    outside this rule.
    """
    terms = [float(t) for t in terms_months]
    if not terms or any(t <= 0 for t in terms):
        raise InputError("数罪并罚需要至少一个大于零的刑期（月）")
    total, longest = sum(terms), max(terms)
    fig = PenaltyLaw.load().general["数罪并罚"].figures
    if kind == "有期徒刑":
        cap = fig["有期徒刑_总和不满_上限"] if total < fig["有期徒刑_总和刑期_分界"] else fig["有期徒刑_总和以上_上限"]
    elif kind in ("拘役", "管制"):
        cap = fig[f"{kind}_上限"]
    else:
        raise InputError(f"数罪并罚的刑种应为 有期徒刑、拘役 或 管制，而不是“{kind}”")
    return longest, min(total, float(cap))


def combined_sentence(
    fixed_term: Sequence[float] = (), detention: Sequence[float] = (), surveillance: Sequence[float] = ()
) -> CombinedSentence:
    """Several crimes' terms of different kinds combined (刑法第六十九条 as amended by 刑法修正案（九）).

    有期徒刑 and 拘役 together: only 有期徒刑 is executed. 管制 with either: 管制 is still executed afterwards.
    """
    fixed = combined_term(fixed_term) if fixed_term else None
    det = combined_term(detention, "拘役") if detention and not fixed_term else None
    sur = combined_term(surveillance, "管制") if surveillance else None
    return CombinedSentence(fixed, det, sur)
