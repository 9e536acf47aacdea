"""Request and public (response) schemas, kept apart; requests forbid unknown fields and carry OpenAPI examples."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from indexing.backends import SearchFilters
from retrieval.searcher import MAX_QUERY_CHARS

__all__ = [
    "AuditEntryOut",
    "AuditLogOut",
    "CaseView",
    "ErrorBody",
    "ErrorOut",
    "Explanation",
    "FiltersIn",
    "Health",
    "IngestJobOut",
    "IngestRecord",
    "IngestRequest",
    "Me",
    "SearchHitOut",
    "SearchOut",
    "SearchRequest",
]

_DATE = r"^\d{4}-\d{2}-\d{2}$"
_Names = list[str]

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


class _Analysis(BaseModel):
    charges: dict[str, float]
    charges_source: Literal["given", "draft", "inferred", "none"]
    articles: list[int]
    circumstances: list[str]
    terms: int
    notes: list[str]


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
