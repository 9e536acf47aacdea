"""The tiered search of 法发〔2020〕24号 art 4, executed in order and logged so that it can be re-run.

Tiers: 1 SPC guiding cases (all years); 2 SPC gazette cases, SPP guiding cases and SPC decisions; 3 the provincial
high court's decisions; 4 the next-higher court's and this court's decisions; then 5, other courts' effective
decisions (可以参考, art 9 ¶2), searched only while too few similar cases were found. Except for guiding cases the
last three years (by decision date) are searched first; earlier and undated decisions only when the recent round
did not yield enough. Every round records its query, filters, time range, scope size and the ids it returned;
tiers that were skipped or empty are recorded too, and the search stops after the first tier at which enough
similar cases have been accepted (art 4 ¶2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta

from indexing.backends import DocumentStore, SearchFilters
from reports.authority import AUTHORITY_KINDS
from reports.hierarchy import SUPREME_COURT, CourtPosition
from reports.model import NOT_PERFORMED, RoundLog, TierResult
from retrieval.searcher import Query, Searcher, SearchHit

__all__ = ["RECENT_YEARS", "RoundSpec", "SearchPlan", "TierSpec", "execute", "plan_tiers", "three_years_before"]

RECENT_YEARS = 3
_OTHER_TIER = 5


@dataclass(frozen=True)
class RoundSpec:
    """One round of a tier: filters plus the time window (recent, earlier-or-undated, or any)."""

    label: str
    filters: SearchFilters
    window: str = "any"  # any / recent / earlier


@dataclass(frozen=True)
class TierSpec:
    """A tier of the search order and its rounds; ``skip_reason`` when it cannot or need not be searched."""

    tier: int
    name: str
    scope: str
    basis: str
    effect: str
    rounds: tuple[RoundSpec, ...] = ()
    skip_reason: str = ""


@dataclass
class SearchPlan:
    """What to search with: the query text and charges, the cut-off of the recent window, the sizes."""

    text: str
    charges: tuple[str, ...]
    charges_source: str
    cutoff: date
    k: int = 10
    read: int = 5
    enough: int = 3
    exclude: tuple[str, ...] = ()
    index_label: str = "DIR"
    tiers: list[TierSpec] = field(default_factory=list)


def three_years_before(day: date) -> date:
    """The same calendar day RECENT_YEARS years earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - RECENT_YEARS)
    except ValueError:
        return day.replace(year=day.year - RECENT_YEARS, day=28)


def plan_tiers(position: CourtPosition) -> list[TierSpec]:
    """The five tiers for a case heard by the court at ``position``."""
    guiding = AUTHORITY_KINDS["spc_guiding"]
    judgment = ("judgment",)
    tiers = [
        TierSpec(
            1,
            "最高人民法院指导性案例",
            "最高人民法院发布的指导性案例（不受近三年限制）",
            "法发〔2020〕24号第四条第一项",
            guiding.effect,
            (RoundSpec("指导性案例", SearchFilters(authorities=("spc_guiding",))),),
        ),
        TierSpec(
            2,
            "最高人民法院典型案例及裁判生效的案件",
            "最高人民法院公报案例、最高人民检察院指导性案例（参考）及最高人民法院生效裁判",
            "法发〔2020〕24号第四条第二项",
            "可以参考",
            (
                *_recent_first("公报案例及检察指导性案例", SearchFilters(authorities=("spc_gazette", "spp_guiding"))),
                *_recent_first("最高人民法院生效裁判", SearchFilters(courts=(SUPREME_COURT,), authorities=judgment)),
            ),
        ),
    ]
    searched = {SUPREME_COURT}
    if position.high_court and position.level != "最高":
        searched.add(position.high_court)
        tiers.append(
            TierSpec(
                3,
                "本省高级人民法院参考性案例及裁判生效的案件",
                f"{position.high_court}生效裁判（本省参考性案例未收录于本索引）",
                "法发〔2020〕24号第四条第三项",
                "可以参考",
                _recent_first(position.high_court, SearchFilters(courts=(position.high_court,), authorities=judgment)),
            )
        )
    else:
        reason = "审理法院为最高人民法院，无本省高级人民法院层级" if position.level == "最高" else position.note
        tiers.append(_skipped(3, "本省高级人民法院参考性案例及裁判生效的案件", reason or "未能确定本省高级人民法院"))
    courts = tuple(c for c in dict.fromkeys((position.higher_court, position.name)) if c and c not in searched)
    if courts:
        tiers.append(
            TierSpec(
                4,
                "上一级人民法院及本院裁判生效的案件",
                "、".join(courts) + "生效裁判",
                "法发〔2020〕24号第四条第四项",
                "可以参考",
                _recent_first("上一级法院及本院", SearchFilters(courts=courts, authorities=judgment)),
            )
        )
    else:
        reason = position.note or "上一级人民法院及本院已在前序层级中检索"
        tiers.append(_skipped(4, "上一级人民法院及本院裁判生效的案件", reason))
    tiers.append(
        TierSpec(
            _OTHER_TIER,
            "其他法院生效裁判（补充检索）",
            "本索引中其他法院的生效裁判",
            "法发〔2020〕24号第九条第二款（其他类案可以作为参考）",
            "可以参考",
            _recent_first("其他法院生效裁判", SearchFilters(authorities=judgment)),
        )
    )
    return tiers


def _recent_first(label: str, filters: SearchFilters) -> tuple[RoundSpec, RoundSpec]:
    recent = RoundSpec(f"{label}（近三年）", filters, "recent")
    return recent, RoundSpec(f"{label}（三年以前及日期不详）", filters, "earlier")


def _skipped(tier: int, name: str, reason: str) -> TierSpec:
    return TierSpec(tier, name, "", f"法发〔2020〕24号第四条第{'三' if tier == 3 else '四'}项", "可以参考", (), reason)


#: Called for every hit that is read: (tier, round id, hit) → accepted as a similar case?
Assess = Callable[[int, str, SearchHit], bool]


def execute(searcher: Searcher, plan: SearchPlan, assess: Assess) -> tuple[list[TierResult], list[RoundLog]]:
    """Run the plan's tiers in order; returns the per-tier results and every round's log."""
    store = searcher.index.store
    seen: list[str] = list(plan.exclude)
    results: list[TierResult] = []
    logs: list[RoundLog] = []
    accepted_total = 0
    stopped_at = 0
    for spec in plan.tiers:
        result = TierResult(spec.tier, spec.name, spec.scope, spec.basis, spec.effect, performed=False)
        results.append(result)
        if spec.skip_reason:
            result.reason = spec.skip_reason
            continue
        if stopped_at:
            result.reason = (
                f"已在第{stopped_at}层级检索到类案（累计{accepted_total}件），依法发〔2020〕24号第四条第二款不再检索"
            )
            continue
        if spec.tier == _OTHER_TIER and accepted_total >= plan.enough:
            result.reason = f"第一至四层级已确认类案{accepted_total}件，无需补充检索"
            continue
        result.performed = True
        tier_accepted = 0
        for n, rnd in enumerate(spec.rounds, start=1):
            round_id = f"{spec.tier}-{n}"
            if rnd.window == "earlier" and tier_accepted >= plan.enough:
                skipped = f"{NOT_PERFORMED}：近三年已检索到足够类案，依第四条优先近三年，未检索更早案例"
                logs.append(_log(plan, round_id, spec.tier, rnd, 0, [], skipped))
                continue
            filters, candidates = _window(store, plan.cutoff, replace(rnd.filters, exclude_ids=tuple(seen)), rnd.window)
            in_scope = len(candidates) if candidates is not None else len(store.filter_ids(filters))
            hits: Sequence[SearchHit] = []
            if in_scope:
                query = Query(plan.text, plan.charges, filters, candidates, id="pending")
                hits = searcher.search(query, k=plan.k, explain=True).hits
            note = "" if in_scope else "筛选范围内无案例"
            logs.append(_log(plan, round_id, spec.tier, rnd, in_scope, [h.id for h in hits], note))
            seen.extend(h.id for h in hits)
            result.rounds.append(round_id)
            result.returned += len(hits)
            for hit in hits[: plan.read]:
                result.read += 1
                if assess(spec.tier, round_id, hit):
                    tier_accepted += 1
        result.accepted = tier_accepted
        result.excluded = result.read - tier_accepted
        result.zero_hits = result.returned == 0
        accepted_total += tier_accepted
        if spec.tier < _OTHER_TIER and accepted_total >= plan.enough:
            stopped_at = spec.tier
    executed = [r for r in results if r.performed]
    if executed:
        executed[-1].stopped_here = True
    return results, logs


def _window(
    store: DocumentStore, cutoff: date, filters: SearchFilters, window: str
) -> tuple[SearchFilters, frozenset[str] | None]:
    """Filters for the round, plus an explicit candidate set for "earlier or undated" (no filter expresses it)."""
    if window == "recent":
        return replace(filters, date_from=cutoff.isoformat()), None
    if window == "earlier":
        recent = store.filter_ids(replace(filters, date_from=cutoff.isoformat()))
        return filters, frozenset(store.filter_ids(filters) - recent)
    return filters, None


def _log(
    plan: SearchPlan, round_id: str, tier: int, rnd: RoundSpec, in_scope: int, hit_ids: list[str], note: str
) -> RoundLog:
    filters = {k: v for k, v in asdict(rnd.filters).items() if v not in ((), "") and k != "exclude_ids"}
    cutoff = plan.cutoff.isoformat()
    before = (plan.cutoff - timedelta(days=1)).isoformat()
    if rnd.window == "recent":
        filters["date_from"] = cutoff
        time_range = f"裁判日期 {cutoff} 至检索日"
    elif rnd.window == "earlier":
        filters["date_to_or_undated"] = before
        time_range = f"裁判日期 {before} 及以前，或裁判日期不详"
    else:
        time_range = "不限（指导性案例不受近三年限制）"
    command = ["leian search", f"--index {plan.index_label}", f"--k {plan.k}", "--json"]
    if plan.charges:
        command.append("--charges " + " ".join(plan.charges))
    flags = {"authorities": "--authority", "courts": "--court", "court_levels": "--court-level"}
    command += [f"{flag} {' '.join(filters[key])}" for key, flag in flags.items() if key in filters]
    if "date_from" in filters:
        command.append(f"--date-from {filters['date_from']}")
    if "date_to_or_undated" in filters:
        command.append(f"--date-to {before}")
    command.append("< 待决案件文本")
    filters["exclude"] = "待决案件本身及前序轮次已返回的案例（见各轮 hit_ids）"
    return RoundLog(
        id=round_id,
        tier=tier,
        label=rnd.label,
        query={
            "source": "CASE.json text（待决案件文本）",
            "text_sha256": hashlib.sha256(plan.text.encode("utf-8")).hexdigest(),
            "chars": len(plan.text),
            "charges": list(plan.charges),
            "charges_source": plan.charges_source,
        },
        filters=filters,
        time_range=time_range,
        k=plan.k,
        in_scope=in_scope,
        returned=len(hit_ids),
        hit_ids=hit_ids,
        command=" ".join(command) + (" # 另纳入裁判日期不详的案例" if rnd.window == "earlier" else ""),
        note=note,
    )
