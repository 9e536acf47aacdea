"""Request and public (response) schemas, kept apart; requests forbid unknown fields and carry OpenAPI examples."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from indexing.backends import SearchFilters
from reports.pending import MAX_TEXT_CHARS, PendingCase, parse_case
from retrieval.searcher import MAX_QUERY_CHARS

__all__ = [
    "AuditCaseIn",
    "AuditEntryOut",
    "AuditLogOut",
    "AuditRequest",
    "AuditSummaryOut",
    "CandidateOut",
    "CaseView",
    "ConsistencyOut",
    "ConsistencyRequest",
    "DecisionIn",
    "DraftOutcomeIn",
    "ErrorBody",
    "ErrorOut",
    "ExpectationRequest",
    "Explanation",
    "FiltersIn",
    "FlagOut",
    "FlagsOut",
    "Health",
    "IngestJobOut",
    "IngestRecord",
    "IngestRequest",
    "Me",
    "OutcomeIn",
    "ReportOut",
    "ReportRequest",
    "SearchHitOut",
    "SearchOut",
    "SearchRequest",
]

_DATE = r"^\d{4}-\d{2}-\d{2}$"
_Names = list[str]
_Short = Annotated[str, StringConstraints(max_length=200)]
_CaseId = Annotated[str, StringConstraints(min_length=1, max_length=200)]

EXAMPLE_FACTS = (
    "被告人酒后驾驶小型轿车在道路上行驶，被执勤民警查获，经鉴定其血液中乙醇含量为185毫克/100毫升，到案后如实供述。"
)


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- requests ----------------------------------------------------------------------------------------------------
class FiltersIn(_Request):
    """Metadata filters; empty fields do not filter. Only effective (生效) decisions are searched by default."""

    courts: _Names = Field(default_factory=list, max_length=50, description="法院名称")
    court_levels: list[Literal["基层", "中级", "高级", "最高"]] = Field(default_factory=list, description="法院层级")
    provinces: _Names = Field(default_factory=list, max_length=40, description="省份，如 浙江省")
    doc_types: _Names = Field(default_factory=list, max_length=20, description="文书类型，如 刑事判决书")
    trial_levels: _Names = Field(default_factory=list, max_length=10, description="审级：一审 / 二审 / 再审")
    authorities: list[Literal["spc_guiding", "spc_gazette", "spp_guiding", "judgment"]] = Field(
        default_factory=list, description="案例权威性：指导性案例、公报案例、检察指导案例、裁判文书"
    )
    domains: list[Literal["criminal", "civil", "administrative"]] = Field(default_factory=list, description="案件类型")
    date_from: str = Field("", pattern=f"({_DATE})|^$", description="裁判日期起 YYYY-MM-DD（含）")
    date_to: str = Field("", pattern=f"({_DATE})|^$", description="裁判日期止 YYYY-MM-DD（含）")
    effective_only: bool = Field(True, description="仅检索生效裁判（指导意见第1条）")

    def to_domain(self) -> SearchFilters:
        """The retrieval layer's filters."""
        return SearchFilters(
            courts=tuple(self.courts),
            court_levels=tuple(self.court_levels),
            provinces=tuple(self.provinces),
            doc_types=tuple(self.doc_types),
            trial_levels=tuple(self.trial_levels),
            authorities=tuple(self.authorities),
            domains=tuple(self.domains),
            date_from=self.date_from,
            date_to=self.date_to,
            effective_only=self.effective_only,
        )


class SearchRequest(_Request):
    """A pending case's facts (or a draft judgment), how many similar cases to return, charges and filters."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": EXAMPLE_FACTS,
                    "k": 5,
                    "filters": {"court_levels": ["基层", "中级"], "date_from": "2015-01-01"},
                },
                {"text": "原告与被告系朋友关系，被告向原告借款十万元，到期未还。", "charges": ["民间借贷纠纷"]},
            ]
        },
        **_Request.model_config,
    )

    text: str = Field(..., min_length=1, max_length=MAX_QUERY_CHARS, description="待决案件事实或裁判文书草稿")
    k: int = Field(10, ge=1, le=500, description="返回类案数量（不超过服务配置的上限）")
    charges: _Names = Field(default_factory=list, max_length=10, description="指控罪名或案由（可选）")
    filters: FiltersIn = Field(default_factory=FiltersIn)


class IngestRecord(_Request):
    """One judgment in the interchange format."""

    id: str = Field(..., min_length=1, max_length=200, pattern=r"^[\w.\-]+$", description="文书编号")
    text: str = Field(..., min_length=1, description="裁判文书全文")


class IngestRequest(_Request):
    """Files or folders on the server (under the configured ingest roots) and/or inline records."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"paths": ["authoritative/spc_guiding_cases.jsonl"]},
                {"records": [{"id": "demo-1", "text": "浙江省杭州市西湖区人民法院刑事判决书……"}]},
            ]
        },
        **_Request.model_config,
    )

    paths: list[str] = Field(default_factory=list, max_length=100, description="服务器上的文件或目录（相对数据目录）")
    records: list[IngestRecord] = Field(default_factory=list, max_length=10_000, description="直接提交的文书")


class DecisionIn(_Request):
    """The judge's decision on one candidate (法发〔2020〕24号 art 6): similar or not, and why."""

    accept: bool = Field(..., description="true：确认为类案；false：排除")
    reason: str = Field(..., min_length=1, max_length=2000, description="理由（必填）")


class DraftOutcomeIn(_Request):
    """The outcome the judge intends (used for trigger T6)."""

    text: str = Field("", max_length=5000, description="拟判结果文字，如 判处拘役二个月，并处罚金人民币四千元")
    charges: list[_Short] = Field(default_factory=list, max_length=10, description="拟认定罪名")
    imprisonment_months: int | None = Field(None, ge=0, le=600, description="有期徒刑/拘役/管制（月）")
    probation_months: int | None = Field(None, ge=0, le=600, description="缓刑考验期（月）")
    fine_yuan: float | None = Field(None, ge=0, le=1e12, description="罚金（元）")
    life: bool = Field(False, description="无期徒刑")
    death: bool = Field(False, description="死刑")


class ReportRequest(_Request):
    """The pending case of a 类案检索报告 (the CASE.json of ``leian report``) and how many cases each round reads.

    Send the report's ``search_time`` back with the judge's ``decisions`` to rebuild or export the same report."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": EXAMPLE_FACTS,
                    "court": "浙江省宁波市海曙区人民法院",
                    "case_number": "（2024）浙0203刑初100号",
                    "cause": "危险驾驶罪",
                    "searcher": "法官助理 李某",
                },
                {
                    "id": "pending-1",
                    "text": EXAMPLE_FACTS,
                    "search_time": "2025-01-01T10:00:00+08:00",
                    "decisions": {"11747": {"accept": False, "reason": "量刑情节不同，不属于类案"}},
                    "draft_outcome": {"text": "判处拘役二个月", "imprisonment_months": 2},
                },
            ]
        },
        **_Request.model_config,
    )

    id: _CaseId | None = Field(None, description="待决案件编号（缺省时由文本生成）")
    text: str = Field(..., min_length=1, max_length=MAX_TEXT_CHARS, description="待决案件事实或裁判文书草稿")
    court: _Short = Field("", description="审理法院")
    case_number: _Short = Field("", description="案号")
    cause: _Short = Field("", description="案由/罪名，以“、”分隔")
    procedure: _Short = Field("", description="审理程序")
    panel: _Short = Field("", description="承办法官/合议庭")
    searcher: _Short = Field("", description="检索人")
    reviewer: _Short = Field("", description="审核人")
    purpose: str = Field("", max_length=1000, description="检索目的")
    archive_number: _Short = Field("", description="归档编号")
    dispute_focus: list[Annotated[str, StringConstraints(max_length=2000)]] = Field(
        default_factory=list, max_length=10, description="待决案件争议焦点"
    )
    triggers: list[Annotated[str, StringConstraints(pattern=r"^[Tt][1-9]$")]] = Field(
        default_factory=list, max_length=9, description="检索启动情形 T1–T9（见 DOMAIN.md §3）"
    )
    draft_outcome: DraftOutcomeIn | None = Field(None, description="拟判结果（用于 T6 冲突判断）")
    decisions: dict[_CaseId, DecisionIn] = Field(
        default_factory=dict, max_length=500, description="承办法官对候选案例的决定：案例编号 → {accept, reason}"
    )
    search_time: str = Field(
        "", max_length=40, description="检索时间（带时区的 ISO 时间；重新生成或导出时传回报告中的 search_time）"
    )
    k: int = Field(10, ge=1, le=50, description="每轮检索返回数量")
    read: int = Field(5, ge=1, le=20, description="每轮阅读比对数量")
    enough: int = Field(3, ge=1, le=20, description="某一层级确认的类案达到该数量即终止检索")

    def to_case(self) -> PendingCase:
        """The checked pending case (:class:`InputError`, i.e. 400, when the report builder refuses it)."""
        data = self.model_dump(exclude={"k", "read", "enough"}, exclude_none=True)
        data["decisions"] = {i: d.model_dump() for i, d in self.decisions.items()}
        if self.draft_outcome is not None:
            data["draft_outcome"] = self.draft_outcome.model_dump(exclude_defaults=True)
        if not self.search_time:
            del data["search_time"]
        return parse_case(data, source="请求 request")


class OutcomeIn(_Request):
    """A decided outcome (first defendant), as in ``leian audit`` input."""

    imprisonment_months: int | None = Field(None, ge=0, le=600, description="有期徒刑/拘役/管制（月）")
    probation_months: int | None = Field(None, ge=0, le=600, description="缓刑考验期（月）")
    fine_yuan: float | None = Field(None, ge=0, le=1e12, description="罚金（元）")
    life: bool = Field(False, description="无期徒刑")
    death: bool = Field(False, description="死刑")


class _CaseFacts(_Request):
    id: _CaseId = Field(..., description="案件编号")
    text: str = Field(..., min_length=1, max_length=MAX_QUERY_CHARS, description="案件事实或裁判文书")
    charges: list[_Short] = Field(default_factory=list, max_length=10, description="罪名（可选，缺省时从文本识别）")
    articles: list[Annotated[int, Field(ge=1, le=1000)]] = Field(
        default_factory=list, max_length=30, description="刑法条文号"
    )
    court: _Short = Field("", description="审理法院")


class AuditCaseIn(_CaseFacts):
    """One judgment to audit: its facts and, to be flagged, its outcome."""

    outcome: OutcomeIn | None = Field(None, description="实际判处结果；缺省时只给出预期")


class ExpectationRequest(_CaseFacts):
    """A pending case (a draft): what similar cases received, before ruling. No outcome is taken here."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": "draft-1", "text": EXAMPLE_FACTS, "charges": ["危险驾驶"]}]},
        **_Request.model_config,
    )


class AuditRequest(_Request):
    """Decided judgments to audit against similar cases (同案不同判预警); management's audits are silent."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cases": [
                        {"id": "a-1", "text": EXAMPLE_FACTS, "outcome": {"imprisonment_months": 2, "fine_yuan": 4000}},
                        {"id": "a-2", "text": EXAMPLE_FACTS, "outcome": {"imprisonment_months": 24}},
                    ]
                }
            ]
        },
        **_Request.model_config,
    )

    cases: list[AuditCaseIn] = Field(..., min_length=1, max_length=200, description="待审查案件")
    silent: bool = Field(False, description="静默模式：结果仅供审判管理，不推送承办法官（审判管理角色总是静默）")


class ConsistencyRequest(_Request):
    """A charge or cause (all its decided cases), or a fact description (its similar cases): exactly one."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"charge": "危险驾驶罪"}, {"query": EXAMPLE_FACTS, "k": 100}]},
        **_Request.model_config,
    )

    charge: str | None = Field(None, min_length=1, max_length=50, description="罪名或案由")
    query: str | None = Field(None, min_length=1, max_length=MAX_QUERY_CHARS, description="案件事实（检索其类案）")
    k: int = Field(200, ge=1, le=500, description="按事实检索时纳入的类案数量")

    @model_validator(mode="after")
    def _one_subject(self) -> ConsistencyRequest:
        if (self.charge is None) == (self.query is None):
            raise ValueError("charge 与 query 须且只须提供一项 give exactly one of charge and query")
        return self


# --- responses ---------------------------------------------------------------------------------------------------
class ErrorBody(BaseModel):
    """What went wrong, in Chinese and English."""

    code: str = Field(..., examples=["not_found"])
    message: str = Field(..., examples=["索引中没有该案例 no document with id 'x'"])
    details: Any = None


class ErrorOut(BaseModel):
    """The body of every error response."""

    error: ErrorBody


class Me(BaseModel):
    """The caller: name, role and what the role may do."""

    name: str
    role: Literal["judge", "committee", "management", "admin"]
    permissions: list[str]
    expires: str


class Health(BaseModel):
    """Liveness and what is being served."""

    status: Literal["ok"]
    documents: int
    ingesting: bool
    outcome_model: Literal["ready", "preparing", "unavailable", "not_prepared"] = Field(
        description="expected outcomes and audits answer only once it is ready (503 with Retry-After before)"
    )
    search_workers: int = Field(description="worker processes answering searches (0: the service process itself)")
    version: str
    environment: str


class _BasicFacts(BaseModel):
    shared_terms: list[str]
    circumstances: list[str]
    amounts: dict[str, float | None]
    passage: str
    highlights: list[str]


class _DisputeFocus(BaseModel):
    passage: str
    highlights: list[str]


class _LegalApplication(BaseModel):
    same_charges: list[str]
    charge_confidence: dict[str, float]
    case_charges: list[str]
    shared_articles: list[int]
    case_articles: list[int]
    lending: list[str] = []  # private lending: which loan elements agree or differ
    holding: str


class Explanation(BaseModel):
    """Why a case is similar, on the three dimensions of 法发〔2020〕24号 art 1 (passages pseudonymised)."""

    summary: str
    basic_facts: _BasicFacts
    dispute_focus: _DisputeFocus
    legal_application: _LegalApplication


class SearchHitOut(BaseModel):
    """One similar case."""

    id: str
    rank: int
    score: float
    components: dict[str, float]
    title: str
    court: str
    court_level: str
    date: str
    case_number: str
    authority: str
    charges: list[str]
    explanation: Explanation | None = None


class _ChargeRule(BaseModel):
    """A legal distinction between neighbouring charges that shaped the inferred charges."""

    id: str
    charge: str
    over: list[str] = []  # the charges the law gives way to ``charge`` here
    reason: str
    source: str


class _Analysis(BaseModel):
    charges: dict[str, float]
    charges_source: Literal["given", "draft", "inferred", "none"]
    articles: list[int]
    circumstances: list[str]
    terms: int
    notes: list[str]
    charge_rules: list[_ChargeRule] = []


class SearchOut(BaseModel):
    """Ranked similar cases with explanations, what Leian understood of the query, and timing."""

    took_ms: float
    analysis: _Analysis
    hits: list[SearchHitOut]


class CaseView(BaseModel):
    """A stored judgment as a role may see it: party names masked (``masking`` says how)."""

    id: str
    title: str
    doc_type: str
    domain: str
    authority: str
    court: str
    court_level: str
    province: str
    case_number: str
    date: str
    trial_level: str
    procedure: str
    effective: bool
    charges: list[str]
    articles: list[int]
    circumstances: list[str]
    holding: str
    sections: dict[str, str]
    text: str
    masking: dict[str, Any]


class IngestJobOut(BaseModel):
    """An admin ingestion job; ``summary`` is filled when it has finished."""

    id: str
    state: Literal["running", "succeeded", "failed"]
    started: str
    finished: str = ""
    requested_by: str
    paths: list[str]
    summary: dict[str, Any] = Field(default_factory=dict)
    message: str = ""


class AuditEntryOut(BaseModel):
    """One audit-log entry."""

    seq: int
    ts: str
    actor: str
    role: str
    action: str
    target: str
    outcome: str
    details: dict[str, Any]
    prev: str
    hash: str


class AuditLogOut(BaseModel):
    """The chain's state and its latest entries."""

    ok: bool
    entries: int
    head: str
    problems: list[str]
    latest: list[AuditEntryOut]


class _DecisionOut(BaseModel):
    accept: bool
    reason: str
    by: str


class CandidateOut(BaseModel):
    """A case the report read, with the decision on it (Leian's proposal until the judge decides)."""

    id: str
    tier: int
    rank: int
    score: float
    title: str
    case_number: str
    court: str
    court_level: str
    date: str
    category: str
    charges: list[str]
    holding: str
    basic_facts: str
    legal_application: str
    decisive_differences: list[str]
    decision: _DecisionOut
    usage: str


class ReportOut(BaseModel):
    """The sealed report (the JSON ``leian report`` writes) and the candidates a judge accepts or rejects."""

    report: dict[str, Any]
    candidates: list[CandidateOut]


class GuidelineStepOut(BaseModel):
    """One step of the sentencing guideline's calculation."""

    stage: str  # 量刑起点 / 基准刑 / 调节 / 宣告刑
    months: float
    text: str
    paragraph: str  # of 法发〔2021〕21号


class GuidelineOut(BaseModel):
    """The guideline's calculation for the case's charge: 量刑起点 → 基准刑 → 宣告刑."""

    charge: str
    starting_range_months: list[float]
    starting_point_months: float
    base_months: float
    declared_months: float
    checked: str = ""  # how far the crime's figures were checked against copies of the official text
    steps: list[GuidelineStepOut]


class FlagOut(BaseModel):
    """The expectation for one case and, when its outcome was given, the deviation flag (months)."""

    id: str
    expected_months: float | None
    expected_term_months: float | None = None  # should a prison term be imposed; a decided term is measured on it
    interval_months: list[float] | None
    deviation: float | None
    flag: bool
    n_similar: int
    evidence: list[str]
    reasons: list[str]
    expected_kind: str
    actual_months: float | None
    actual_kind: str
    deviation_months: float | None
    drivers: list[dict[str, Any]]
    probation_share: float | None
    expected_fine_yuan: float | None
    notify_judge: bool
    expected_penalty: str = ""
    probation_probability: float = 0.0
    lawful_months: list[float] | None = None
    tier: str = ""
    charge_terms: list[dict[str, Any]] = []
    combined_months: list[float] | None = None
    guideline: GuidelineOut | None = None
    notes: list[str] = []
    charges_inferred: dict[str, float] = {}


class FlagsOut(BaseModel):
    """One flag per case, in input order; never an aggregate by judge."""

    flags: list[FlagOut]
    flagged: int
    not_enough_similar: int


class ConsistencyOut(BaseModel):
    """How a kind of case is decided: outcome distribution, circumstance effects, court/region spread, majority and
    minority outcomes, and the three charts as SVG documents."""

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
    ids: list[str]
    notes: list[str]
    charts: dict[str, str]


class AuditSummaryOut(BaseModel):
    """The audit log's chain state and counts (per day, action, role and outcome — never per user)."""

    ok: bool
    entries: int
    head: str
    problems: list[str]
    days: int
    per_day: list[dict[str, Any]]
    per_action: dict[str, int]
    searches_per_role: dict[str, int]
    per_outcome: dict[str, int]
