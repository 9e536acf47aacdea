"""Build the similar-case search report (类案检索报告) for a pending case in one step.

``build_report(index, case)`` analyses the pending case, places its court in the hierarchy, runs the tiered search
(:mod:`reports.tiers`), compares every case read on the three dimensions (:mod:`reports.compare`), applies the
judge's decisions from CASE.json over Leian's proposals, checks guiding cases against art 9, computes T6, and
assembles every section of :data:`reports.model.SECTIONS`. The same case, index and search time give the same
report; everything shown of a judgment is pseudonymised.
"""

from __future__ import annotations

import hashlib
import re
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from corpus.findings import findings_span
from corpus.lending import describe_lending
from corpus.model import Judgment
from corpus.parse import parse_text
from corpus.pseudonymise import pseudonymise
from corpus.sections import parse_cn_date
from indexing.backends import SearchFilters
from indexing.index import LeianIndex
from leian import __version__
from reports.authority import REVIEW, WITHDRAWN, amendments_after, check_guiding_case, kind_of
from reports.compare import (
    PendingView,
    category_of,
    compare_case,
    describe_outcome,
    display_names,
    holding_of,
    pending_lending,
    propose,
)
from reports.hierarchy import CourtHierarchy, CourtPosition
from reports.model import NOT_PERFORMED, CaseEntry, Report, not_performed
from reports.pending import DraftOutcome, PendingCase
from reports.tiers import SearchPlan, execute, plan_tiers, three_years_before
from reports.triggers import assess_t6, detect_triggers, trigger_items
from reports.views import divergence, views
from retrieval.searcher import MAX_QUERY_CHARS, Query, Searcher, SearchHit

__all__ = ["CHINA_TZ", "build_report"]

CHINA_TZ = ZoneInfo("Asia/Shanghai")
#: Inferred charges at least this likely are searched with; below it the facts alone decide.
_CHARGE_CONFIDENCE = 0.5
_FACTS_EXCERPT = 600
_DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日(?!\s*出生|生)")
_FOCUS_RE = re.compile(
    r"[^。；]*(?:辩护意见|辩护人[^。；]{0,20}?(?:提出|认为)|辩称|辩解称|上诉理由|上诉称|争议焦点|抗诉理由)[^。；]*[。；]?"
)
_MIN_FOCUS_CHARS = 15
_MAX_FOCUS = 3
_CIVIL_CODE = "2021-01-01"


def build_report(
    index: LeianIndex,
    case: PendingCase,
    *,
    search_time: datetime | None = None,
    index_label: str | None = None,
    k: int = 10,
    read: int = 5,
    enough: int = 3,
) -> Report:
    """The report for ``case`` searched in ``index``.

    ``search_time`` (else CASE.json's, else now, Asia/Shanghai) fixes the three-year window and the date on the
    report; ``k`` hits are returned per round, the first ``read`` of them read and compared, and the search stops
    after the first tier at which ``enough`` similar cases have been accepted.
    """
    started = time.perf_counter()
    moment = (search_time or case.search_time or datetime.now(CHINA_TZ)).replace(microsecond=0)
    searcher = Searcher(index)
    parsed = parse_text(case.text, id=case.id)
    court = case.court or parsed.court
    position = CourtHierarchy(
        str(el.get("court", "")) for el in index.catalog.elements().values() if el.get("court")
    ).position(court)
    charges, charges_source, confidence = _query_charges(searcher, case, parsed)
    focus, focus_source = _dispute_focus(case, parsed)
    pending = PendingView(parsed, charges, focus, index.tokenizer)
    cutoff = three_years_before(moment.date())
    plan = SearchPlan(
        text=case.text,
        charges=charges,
        charges_source=charges_source,
        cutoff=cutoff,
        k=k,
        read=read,
        enough=enough,
        exclude=tuple(sorted({case.id, *_same_case_ids(index, parsed.case_number or case.case_number)})),
        index_label=index_label or index.directory.name,
        tiers=plan_tiers(position),
    )
    reader = _Reader(index, pending, case)
    tiers, rounds = execute(searcher, plan, reader.assess)
    similar = [e for e in reader.entries if e.decision.accept]
    excluded = [e for e in reader.entries if not e.decision.accept]
    draft = case.draft_outcome or _draft_from_text(parsed)
    t6 = assess_t6(draft, [e for e in similar if e.tier <= 4])
    names = display_names(parsed)
    trigger_list = trigger_items(case.triggers, detect_triggers(pseudonymise(case.text, names)), t6)
    conflict = divergence(similar, reader.committee)
    archive = case.archive_number or f"LA-{moment:%Y%m%d}-{hashlib.sha256(case.id.encode()).hexdigest()[:8].upper()}"
    decided = set(case.decisions)
    unknown = sorted(decided - {e.id for e in reader.entries})
    notes = [f"承办法官对案例{i}的决定未适用：该案例未出现在本次检索阅读的结果中" for i in unknown]
    if len(case.text.strip()) > MAX_QUERY_CHARS:
        notes.append(f"待决案件文本超过{MAX_QUERY_CHARS}字，检索仅使用前{MAX_QUERY_CHARS}字")
    return Report(
        case_id=case.id,
        header=_header(case, parsed, position, court, charges, charges_source),
        triggers={
            "items": trigger_list,
            "active": [t["code"] for t in trigger_list if t["active"]],
            "t6": t6,
            "note": "依《人民法院案例库建设运行工作规程》（2024），各类案件均应检索人民法院案例库；"
            "下列情形属法发〔2020〕24号、法发〔2021〕30号规定的应当检索情形",
        },
        pending_case=_pending_section(parsed, names, moment, cutoff, similar, index, draft, charges, confidence),
        dispute_focus=(
            {"status": "已确定", "source": focus_source, "items": [pseudonymise(f, names) for f in focus]}
            if focus
            else not_performed("CASE.json 未提供 dispute_focus，且未能从待决案件文本中识别辩护、上诉或争议意见")
        ),
        search_subject={
            "searcher": case.searcher or "未填写（由承办法官或法官助理签署确认）",
            "panel": case.panel or "未填写",
            "system": f"Leian 类案检索系统 {__version__}（系统自动检索、比对，检索结果经承办法官确认）",
            "judge_decisions": len(decided) - len(unknown),
        },
        search_time=moment.isoformat(),
        search_platform=_platform(index, plan.index_label),
        search_method=_method(parsed, plan, rounds, confidence, moment),
        search_results=tiers,
        authoritative_cases=_authoritative(reader.entries, tiers[0].performed),
        similar_cases=similar,
        views=views(similar),
        divergence=conflict,
        result_usage=_usage(reader.entries),
        next_step=_next_step(similar, trigger_list, t6, conflict),
        excluded_cases=excluded,
        signature={
            "searcher": case.searcher or "（签名）",
            "reviewer": case.reviewer or "（签名）",
            "date": moment.date().isoformat(),
            "archive_number": archive,
            "filing": "本报告随案归档（法发〔2020〕24号第七条）",
        },
        archive_number=archive,
        notes=notes,
        generation={"took_ms": round((time.perf_counter() - started) * 1000, 1)},
    )


class _Reader:
    """Reads each hit the executor hands over: compares it, checks art 9, and applies the decision on it."""

    def __init__(self, index: LeianIndex, pending: PendingView, case: PendingCase) -> None:
        self.index = index
        self.pending = pending
        self.case = case
        self.entries: list[CaseEntry] = []
        self.committee: dict[str, bool] = {}
        self._guiding: list[Judgment] | None = None

    def guiding(self) -> list[Judgment]:
        if self._guiding is None:
            ids = sorted(self.index.store.filter_ids(SearchFilters(authorities=("spc_guiding",), effective_only=False)))
            self._guiding = [d for d in self.index.store.get(ids) if d is not None]
        return self._guiding

    def assess(self, tier: int, round_id: str, hit: SearchHit) -> bool:
        doc = self.index.get(hit.id)
        names = display_names(doc)
        comparison = compare_case(self.pending, hit, doc, names)
        art9 = None
        if doc.authority == "spc_guiding":
            check = check_guiding_case(doc, self.guiding(), self.index.settings.data / "statutes")
            art9 = check.__dict__
        withdrawn = art9 is not None and art9["newer_law"] == WITHDRAWN
        decision = self.case.decisions.get(hit.id) or propose(comparison, doc, withdrawn)
        holding, source = holding_of(doc, names)
        self.committee[doc.id] = "审判委员会讨论" in doc.text
        self.entries.append(
            CaseEntry(
                id=doc.id,
                tier=tier,
                round=round_id,
                rank=hit.rank,
                score=hit.score,
                title=pseudonymise(doc.title, names),
                case_number=doc.case_number,
                court=doc.court,
                court_level=doc.court_level,
                date=doc.date,
                category=category_of(doc),
                effective="已生效" if doc.effective else "未生效",
                trial_level=doc.trial_level,
                charges=list(doc.charges),
                holding=holding,
                holding_source=source,
                outcome=doc.outcome.to_dict() if doc.outcome else {},
                comparison=comparison,
                decision=decision,
                usage=_usage_of(doc, decision.accept, art9),
                art9=art9,
            )
        )
        return decision.accept


def _usage_of(doc: Judgment, accept: bool, art9: dict[str, Any] | None) -> str:
    if not accept:
        return "不予参照或参考"
    if doc.authority == "spc_guiding":
        review = art9 is not None and REVIEW in (art9["newer_law"], art9["newer_guiding"])
        return "应当参照（参照前需人工核对第九条例外情形）" if review else "应当参照"
    return "可以参考"


def _query_charges(searcher: Searcher, case: PendingCase, parsed: Judgment) -> tuple[tuple[str, ...], str, dict]:
    """The charges every round searches with: given (cause), named in the draft, or inferred once for all rounds."""
    if case.cause:
        given = tuple(c for c in re.split(r"[、，,；;\s]+", case.cause) if c)
        analysed = searcher.search(Query(case.text, given, id=case.id), k=1, explain=False).analysis
        return tuple(analysed.charges), "given", analysed.charges
    if parsed.charges:
        return tuple(parsed.charges), "draft", dict.fromkeys(parsed.charges, 1.0)
    analysed = searcher.search(Query(case.text, id=case.id), k=1, explain=False).analysis
    likely = tuple(c for c, p in analysed.charges.items() if p >= _CHARGE_CONFIDENCE)
    return likely, ("inferred" if likely else "none"), analysed.charges


def _dispute_focus(case: PendingCase, parsed: Judgment) -> tuple[tuple[str, ...], str]:
    if case.dispute_focus:
        return case.dispute_focus, "承办法官提供"
    found = [m.group(0).strip() for m in _FOCUS_RE.finditer(parsed.text) if len(m.group(0).strip()) >= _MIN_FOCUS_CHARS]
    if found:
        extracted = tuple(dict.fromkeys(found))[:_MAX_FOCUS]
        return extracted, "系统从待决案件文本中提取（辩护、上诉或争议意见），待承办法官确认"
    return (), ""


def _same_case_ids(index: LeianIndex, case_number: str) -> set[str]:
    """Documents of the pending case itself (same case number): a case is not its own precedent."""
    if not case_number:
        return set()
    return {i for i, el in index.catalog.elements().items() if el.get("case_number") == case_number}


def _draft_from_text(parsed: Judgment) -> DraftOutcome | None:
    """A draft judgment that already states its result (判决如下) gives the draft outcome."""
    if not parsed.outcomes:
        return None
    return DraftOutcome(parsed.sections.get("result", ""), tuple(parsed.charges), parsed.outcomes[0])


def _header(
    case: PendingCase,
    parsed: Judgment,
    position: CourtPosition,
    court: str,
    charges: tuple[str, ...],
    charges_source: str,
) -> dict[str, Any]:
    source = {"given": "承办法官提供", "draft": "文书载明", "inferred": "系统推断，待确认", "none": ""}[charges_source]
    return {
        "title": "类案检索报告",
        "court": court or "未提供（CASE.json 未填写 court，文本中亦未识别）",
        "court_level": position.level or "不详",
        "case_number": case.case_number or parsed.case_number or "未提供",
        "cause": case.cause or ("、".join(charges) + f"（{source}）" if charges else "未确定"),
        "procedure": case.procedure or " ".join(x for x in (parsed.trial_level, parsed.procedure) if x) or "未提供",
        "panel": case.panel or "未提供",
        "purpose": case.purpose or "依法发〔2020〕24号、法发〔2021〕30号开展类案检索，供承办法官及合议庭参考并随案归档",
        "hierarchy": {
            "province": position.province or "不详",
            "high_court": position.high_court or "不详",
            "higher_court": position.higher_court or "不详",
            "higher_court_basis": position.higher_basis or position.note or "不详",
        },
    }


def _facts_date(facts: str) -> tuple[str, str]:
    """The date the facts happened: the first date in the findings that is not a date of birth."""
    for m in _DATE_RE.finditer(facts):
        iso = parse_cn_date(*m.groups())
        if iso:
            return iso, f"取自事实部分首个日期：“{facts[max(0, m.start() - 10) : m.end() + 10]}”"
    return "", ""


def _pending_section(
    parsed: Judgment,
    names: list[str],
    moment: datetime,
    cutoff: Any,
    similar: list[CaseEntry],
    index: LeianIndex,
    draft: DraftOutcome | None,
    charges: tuple[str, ...],
    confidence: dict[str, float],
) -> dict[str, Any]:
    start, end = findings_span(parsed.facts)
    masked = pseudonymise(parsed.facts[start:end], names)
    facts_date, basis = _facts_date(masked)
    law: list[str] = []
    if not facts_date:
        law.append(f"{NOT_PERFORMED}：未能从事实部分识别事实发生时间，适用法律的时间效力需人工确认")
    else:
        if facts_date < cutoff.isoformat():
            law.append(
                f"事实发生于{facts_date}，早于近三年检索区间起点{cutoff.isoformat()}；近三年类案可能依据修改后的法律作出，"
                "比对时应核对行为时法律"
            )
        if parsed.domain != "civil":
            articles = sorted(
                set(parsed.articles)
                | {a for c in similar for a in c.comparison["legal_application"]["shared_articles"]}
            )
            changes = amendments_after(articles, facts_date, index.settings.data / "statutes") if articles else []
            law.append("刑事案件依刑法第十二条从旧兼从轻原则确定适用的法律")
            law += [f"事实发生后，{c}" for c in changes]
        elif facts_date < _CIVIL_CODE:
            law.append(
                "民法典施行前的法律事实，适用当时的法律、司法解释"
                "（《最高人民法院关于适用〈中华人民共和国民法典〉时间效力的若干规定》第一条）"
            )
    return {
        "facts_excerpt": masked[:_FACTS_EXCERPT] + ("…" if len(masked) > _FACTS_EXCERPT else ""),
        "facts_date": facts_date or NOT_PERFORMED,
        "facts_date_basis": basis or "未能识别",
        "applicable_law": law,
        "charges": {c: confidence.get(c, 1.0) for c in charges},
        "articles": parsed.articles,
        "circumstances": parsed.circumstances,
        "amounts": parsed.amounts[:5],
        "lending": describe_lending(lending) if (lending := pending_lending(parsed)) else [],
        "draft_outcome": (
            {
                "text": pseudonymise(draft.text, names),
                "charges": list(draft.charges),
                "outcome": describe_outcome(draft.outcome.to_dict() if draft.outcome else {}) or "未载明刑罚",
            }
            if draft
            else not_performed("CASE.json 未提供 draft_outcome，文本中亦无判决结果")
        ),
        "search_date": moment.date().isoformat(),
    }


def _platform(index: LeianIndex, label: str) -> dict[str, Any]:
    info = index.info()
    authorities: dict[str, int] = {}
    for el in index.catalog.elements().values():
        key = kind_of(str(el.get("authority", ""))).label
        authorities[key] = authorities.get(key, 0) + 1
    return {
        "name": "Leian 类案检索系统（本地部署）",
        "version": __version__,
        "index": label,
        "documents": info.get("documents"),
        "by_category": dict(sorted(authorities.items())),
        "corpus_checksum": info.get("corpus_checksum"),
        "tokenizer": info.get("tokenizer"),
        "model": info.get("model"),
        "backend": info.get("backend"),
        "coverage_note": "检索范围限于本索引收录的文书；未接入人民法院案例库、中国裁判文书网及本省参考性案例库，"
        "如需检索上述平台，应另行检索并补充记录",
    }


def _method(parsed: Judgment, plan: SearchPlan, rounds: list, confidence: dict[str, float], moment: datetime) -> dict:
    articles = parsed.articles
    return {
        "methods": [
            {"name": "关键词检索", "used": True, "how": "jieba 分词（法律词典）+ BM25，以待决案件认定事实为检索内容"},
            {"name": "语义检索", "used": True, "how": "Leian 自训练句向量模型 + FAISS 向量检索，与关键词检索融合排序"},
            {
                "name": "法条关联检索",
                "used": bool(articles),
                "how": f"以待决案件援引的刑法第{'、'.join(map(str, articles))}条作为相似度要素"
                if articles
                else f"{NOT_PERFORMED}：待决案件文本未援引法条",
            },
            {
                "name": "罪名/案由关联检索",
                "used": bool(plan.charges),
                "how": f"以罪名/案由“{'、'.join(plan.charges)}”作为相似度要素"
                if plan.charges
                else f"{NOT_PERFORMED}：罪名/案由未确定（推断置信度均低于{_CHARGE_CONFIDENCE}）",
            },
            {"name": "案例关联检索", "used": False, "how": f"{NOT_PERFORMED}：本系统未提供以特定案例为起点的关联检索"},
        ],
        "query": {
            "source": "CASE.json text（待决案件文本）",
            "text_sha256": hashlib.sha256(plan.text.encode("utf-8")).hexdigest(),
            "chars": len(plan.text),
            "charges": list(plan.charges),
            "charges_source": plan.charges_source,
            "charge_confidence": {c: round(p, 4) for c, p in list(confidence.items())[:5]},
        },
        "time_window": {
            "recent_from": plan.cutoff.isoformat(),
            "recent_to": moment.date().isoformat(),
            "basis": "除指导性案例外，按裁判日期优先检索近三年案例（法发〔2020〕24号第四条第二款）",
        },
        "effective_only": True,
        "effective_basis": "仅检索已生效裁判（法发〔2020〕24号第一条）",
        "parameters": {"returned_per_round": plan.k, "read_per_round": plan.read, "stop_after_similar": plan.enough},
        "rounds": rounds,
    }


def _authoritative(entries: list[CaseEntry], performed: bool) -> dict[str, Any]:
    items = [
        {
            "id": e.id,
            "case_number": e.case_number,
            "title": e.title,
            "category": e.category,
            "effect": kind_of("spc_guiding").effect if e.tier == 1 else "可以参考",
            "holding": e.holding,
            "similar": e.decision.accept,
            "decision_reason": e.decision.reason,
            "art9": e.art9 or not_performed("非最高人民法院指导性案例，不适用第九条“应当参照”的例外核查"),
        }
        for e in entries
        if e.category.startswith(("最高人民法院指导性案例", "最高人民法院公报案例", "最高人民检察院指导性案例"))
    ]
    if not performed:
        return not_performed("第一层级（指导性案例）未检索")
    statement = (
        f"阅读指导性案例及权威案例{len(items)}件，其中确认为类案{sum(i['similar'] for i in items)}件"
        if items
        else "第一、二层级未检索到指导性案例、公报案例或检察指导性案例"
    )
    return {"status": "已检索", "statement": statement, "items": items}


def _usage(entries: list[CaseEntry]) -> dict[str, Any]:
    items = [
        {"id": e.id, "case_number": e.case_number, "usage": e.usage, "reason": e.decision.reason, "by": e.decision.by}
        for e in entries
    ]
    follow = sum(1 for e in entries if e.usage.startswith("应当参照"))
    consider = sum(1 for e in entries if e.usage == "可以参考")
    rejected = len(entries) - follow - consider
    if follow:
        summary = f"检索到应当参照的指导性案例{follow}件，应参照作出裁判；另有可以参考的类案{consider}件"
        summary += f"，不予参考{rejected}件"
    elif consider:
        summary = f"未检索到应当参照的指导性案例；可以参考的类案{consider}件，不予参考{rejected}件"
    else:
        summary = f"未确认可参照或参考的类案（阅读{len(entries)}件，均不予参考）"
    return {"summary": summary, "follow": follow, "consider": consider, "not_consider": rejected, "items": items}


def _next_step(
    similar: list[CaseEntry], triggers: list[dict[str, Any]], t6: dict[str, Any], conflict: dict[str, Any]
) -> dict[str, Any]:
    active = {t["code"] for t in triggers if t["active"]}
    suggested = {t["code"] for t in triggers if t["status"].startswith("可能适用")}
    steps = []
    guiding = [c for c in similar if c.usage.startswith("应当参照")]
    if guiding:
        numbers = "、".join(c.case_number or c.id for c in guiding)
        steps.append(
            f"裁判理由中参照{numbers}的裁判要点并引述其编号（《〈最高人民法院关于案例指导工作的规定〉实施细则》第十一条）"
        )
    if "T7" in active | suggested:
        steps.append(
            "对控辩双方提交的指导性案例或案例库案例，在裁判理由中回应是否参照并说明理由（法发〔2020〕24号第十条）"
        )
    if conflict.get("detected"):
        steps.append(conflict["route"])
    if t6["status"] == "可能冲突":
        steps.append(
            "拟判结果可能与本院或上级人民法院类案冲突，提交专业法官会议讨论，必要时提请审判委员会讨论（法发〔2021〕30号）"
        )
    if "T1" in active:
        steps.append("将本报告随案提交专业（主审）法官会议或审判委员会")
    if not similar:
        steps.append("未确认类案：如属缺乏明确裁判规则的情形（T2），提交专业法官会议讨论")
    if not steps:
        steps.append("检索结果未显示冲突，可依法裁判")
    steps.append("本报告经承办法官确认、签署后随案归档")
    return {"steps": steps}
