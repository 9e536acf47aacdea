"""The statutory frame of a case: the tier of its charge the facts select, and the lawful range of its sentence.

Read from the penalty knowledge base (:mod:`law.penalties`):

- **the tier** (量刑档次): the heaviest tier whose numeric thresholds the facts meet (amount, drug quantity, deaths
  and injuries, accident responsibility …, :meth:`PenaltyLaw.tier_for`); for a charge without thresholds in the data,
  the heaviest tier whose statutory condition the court's own words name (数额巨大, 情节严重, 致人死亡 …); otherwise
  the tier is not known and the range is the whole charge's (the basic offence, its first tier that is not a
  privileged variant such as 情节较轻, is named);
- **the lawful range**: the tier's own range; where the case has a circumstance that lets the court go below it
  (减轻处罚: 未遂, 中止, 预备, 从犯, 胁从犯, 自首, 立功, 未成年, 防卫过当 …), down to the next lower range
  (刑法第六十三条第一款). An expectation, its interval and every number derived from them stay inside this range.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from consistency.features import Drivers
from law.guideline import Calculation, guideline
from law.penalties import Bounds, PenaltyLaw, Tier
from leian.errors import NotFoundError

__all__ = ["MITIGATING", "LegalFrame", "guided", "guideline_calculation", "legal_frame", "penalty_law"]

#: Circumstances under which the Criminal Law lets (or makes) the court punish below the tier (减轻处罚): 未遂
#: (第二十三条), 中止 (第二十四条), 预备 (第二十二条), 从犯 (第二十七条), 胁从犯 (第二十八条), 自首 and 立功
#: (第六十七条、第六十八条), 未成年 (第十七条), 防卫过当 (第二十条), 紧急避险过当 (第二十一条), 又聋又哑或盲人
#: (第十九条), 限制刑事责任能力 (第十八条), 老年人 (第十七条之一).
MITIGATING = frozenset(
    {"未遂", "中止", "预备", "从犯", "胁从犯", "自首", "立功", "未成年", "防卫过当", "紧急避险",
     "又聋又哑或盲人", "限制刑事责任能力", "老年人"}
)  # fmt: skip

#: Drug names as the statute and the 2016 drug interpretation write them, with the street names judgments use.
_DRUG_NAMES = (
    ("甲基苯丙胺", re.compile(r"甲基苯丙胺|冰毒|麻古|麻果")),
    ("海洛因", re.compile(r"海洛因")),
    ("鸦片", re.compile(r"鸦片")),
    ("氯胺酮", re.compile(r"氯胺酮|K粉")),
    ("可卡因", re.compile(r"可卡因")),
    ("大麻", re.compile(r"大麻")),
)
_RESPONSIBILITY = re.compile(r"(全部|主要|同等|次要)责任")
#: The circumstances of 交通肇事解释 第二条第二款 and 第三条 as the facts state them (a negation just before a mention,
#: 未逃逸, 并非无证, does not count).
_TRAFFIC_FLAGS = {
    "drunk_or_drugged": re.compile(r"酒后|醉酒|饮酒后|喝酒后|吸食毒品后|吸毒后"),
    "unlicensed": re.compile(
        r"无驾驶资格|无证驾驶|未取得[^，。；]{0,6}驾驶证|驾驶证[^，。；]{0,4}(?:被吊销|已吊销|被注销)"
    ),
    "defective_vehicle": re.compile(r"安全装置不全|安全机件失灵|制动[^，。；]{0,4}(?:失灵|不合格)"),
    "unregistered_vehicle": re.compile(r"无牌|无号牌|已报废|报废车"),
    "overloaded": re.compile(r"严重超载|超载\d|超员"),
    "fled": re.compile(r"逃逸|逃离(?:事故)?现场|驾车逃离"),
    "fled_causing_death": re.compile(r"因逃逸致人死亡|逃逸致[^，。；]{0,6}死亡"),
}
_NEGATION = re.compile(r"(?:未|没有|无|并非|不存在)$")
_THEFT_FORMS = ("多次盗窃", "入户盗窃", "携带凶器盗窃", "扒窃")
#: Statutory conditions the court names in words, and the words a tier's condition is matched on.
_CONDITION_WORDS = (
    "数额特别巨大", "数额巨大", "数额较大", "情节特别严重", "情节严重", "情节特别恶劣", "情节恶劣", "致人死亡",
    "致人重伤", "后果特别严重", "后果严重", "情节较轻",
)  # fmt: skip


@cache
def penalty_law() -> PenaltyLaw:
    """The penalty knowledge base, loaded once."""
    return PenaltyLaw.load()


@dataclass(frozen=True)
class LegalFrame:
    """The tier a case falls in and the sentence range the law allows it (months; life and death apart)."""

    charge: str
    tier: Tier | None  # None: the law data does not know the charge
    lower: float  # lawful minimum in months (0: a non-custodial sentence or 免予刑事处罚 is lawful)
    upper: float  # lawful maximum in months of 拘役/有期徒刑 (the longest fixed term when life or death is allowed)
    life: bool
    death: bool
    detention: bool  # 拘役 is lawful
    non_custodial: bool  # 管制, a fine alone or 免予刑事处罚 is lawful
    reduced: bool  # a mitigating circumstance extends the range below the tier (刑法第六十三条)
    basis: str  # how the tier was chosen, in words a judge reads

    def clamp(self, months: float) -> float:
        """``months`` moved into the lawful range."""
        return min(max(months, self.lower), self.upper)

    @property
    def citation(self) -> str:
        """The provision of the tier (刑法第二百六十四条), or "" without one."""
        return self.tier.article if self.tier else ""


def _drug(text: str) -> str | None:
    return next((name for name, pattern in _DRUG_NAMES if pattern.search(text)), None)


def _stated(pattern: re.Pattern[str], text: str) -> bool:
    return any(not _NEGATION.search(text[max(0, m.start() - 3) : m.start()]) for m in pattern.finditer(text))


def _facts(drivers: Drivers, text: str) -> dict[str, float | str | int | bool | None]:
    """The facts :meth:`PenaltyLaw.tier_for` reads, from the outcome drivers and the court's words."""
    responsibility = _RESPONSIBILITY.search(text)
    return {
        **{name: True for name, pattern in _TRAFFIC_FLAGS.items() if _stated(pattern, text)},
        "amount_yuan": drivers.amount_max or None,
        "drug": _drug(text),
        "drug_grams": drivers.drug_grams or None,
        "deaths": int(drivers.injury >= 6),
        "serious_injuries": int(4 <= drivers.injury < 6),
        "minor_injuries": int(2 <= drivers.injury < 4),
        "responsibility": responsibility.group(1) if responsibility else None,
    }


def _named_tier(tiers: Sequence[Tier], text: str) -> Tier | None:
    """The heaviest tier whose statutory condition names a condition the court's words also name."""
    named = [w for w in _CONDITION_WORDS if w in text]
    met = [t for t in tiers if any(w in t.condition for w in named) and not t.unit]
    return max(met, key=lambda t: (t.penalty.highest_rank, t.level), default=None)


def _range(bounds: Bounds) -> tuple[float, float]:
    lower = 0.0 if (bounds.non_custodial or bounds.exemption) else float(bounds.min_months or 0.0)
    upper = float(bounds.max_months) if bounds.max_months is not None else 180.0
    return lower, upper


def legal_frame(charge: str, drivers: Drivers, circumstances: Iterable[str], text: str) -> LegalFrame | None:
    """The frame of a case of ``charge`` (罪名 without 罪); ``None`` when the law data does not know the charge."""
    law = penalty_law()
    try:
        tiers = [t for t in law.tiers(charge) if t.ladder == 1]
    except NotFoundError:
        return None
    if not tiers:
        return None
    facts = _facts(drivers, text)
    theft_form = next((f for f in _THEFT_FORMS if f in text), None) if charge == "盗窃" else None
    tier = law.tier_for(charge, **facts) if theft_form is None else law.tier_for(charge, **facts, theft_form=theft_form)
    basis = "依据事实中的数额、数量或后果" if tier else ""
    if tier is None or tier.ladder != 1:
        tier = _named_tier(tiers, text)
        basis = "依据裁判文书所述的法定情节" if tier else "事实未指明量刑档次，取该罪全部法定刑幅度"
    # the basic offence: the first tier, unless that is a privileged variant (故意杀人 "情节较轻的" is lighter than
    # the article's main clause, which is the basic offence)
    if tier is None:
        # No fact selects a tier: the case's tier is not known, only that it is one of the charge's. The lawful range
        # is then the whole charge's (the basic offence is reported, since nothing aggravating was found).
        bounds = law.bounds(charge)
        tier = next((t for t in tiers if "较轻" not in t.condition and not t.unit), tiers[0])
    else:
        bounds = law.bounds(charge, tier)
    lower, upper = _range(bounds)
    reduced = bool(MITIGATING & set(circumstances))
    if reduced:
        below = law.reduced_bounds(charge, tier)
        lower = min(lower, _range(below)[0])
    return LegalFrame(
        charge=charge,
        tier=tier,
        lower=lower,
        upper=upper,
        life=bounds.life,
        death=bounds.death,
        detention=bounds.detention or reduced,
        non_custodial=bounds.non_custodial or bounds.exemption or reduced,
        reduced=reduced,
        basis=f"{tier.article}第{tier.level}档（{tier.condition[:40]}）：{basis}",
    )


def guided(frame: LegalFrame | None) -> bool:
    """Whether the sentencing guideline has a starting point for the tier of ``frame``."""
    return (
        frame is not None
        and frame.tier is not None
        and bool(guideline().starting_point(frame.charge, frame.tier.level))
    )


def guideline_calculation(
    frame: LegalFrame | None, circumstances: Iterable[str], base_estimate: float | None = None
) -> Calculation | None:
    """The sentencing guideline's calculation for a case in ``frame`` (None: a crime the guideline leaves out)."""
    if frame is None or frame.tier is None:
        return None
    lawful = (frame.lower, frame.upper)
    return guideline().calculate(frame.charge, frame.tier.level, list(circumstances), lawful, base_estimate)
