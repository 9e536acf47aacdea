"""The report's records, and the sections every rendering of it has, in the order courts file them.

The sections follow 法发〔2020〕24号 art 8 (检索主体、时间、平台、方法、结果、类案裁判要点、待决案件争议焦点、
是否参照或者参考) and the practice order of DOMAIN.md §5. A section that was not performed still appears and says
"未执行" and why (:func:`not_performed`); renderers iterate over :data:`SECTIONS`, so none can be left out.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "ART8_ELEMENTS",
    "FORMAT",
    "NOT_PERFORMED",
    "SECTIONS",
    "CaseEntry",
    "Decision",
    "Report",
    "RoundLog",
    "TierResult",
    "not_performed",
]

FORMAT = "leian-report/1"
NOT_PERFORMED = "未执行"

#: (JSON key, heading) of every section, in the order of the filed report.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("header", "一、基本信息"),
    ("triggers", "二、检索启动情形及法律依据"),
    ("pending_case", "三、待决案件基本事实及事实发生时间"),
    ("dispute_focus", "四、待决案件争议焦点"),
    ("search_subject", "五、检索主体"),
    ("search_time", "六、检索时间"),
    ("search_platform", "七、检索平台"),
    ("search_method", "八、检索方法及检索轮次"),
    ("search_results", "九、检索结果（分层级统计及检索终止点）"),
    ("authoritative_cases", "十、指导性案例及权威案例（第九条例外情形核查）"),
    ("case_list", "十一、类案清单"),
    ("similar_cases", "十二、类案裁判要点及比对分析"),
    ("views", "十三、多数观点与少数观点"),
    ("divergence", "十四、法律适用分歧分析（第十一条）"),
    ("result_usage", "十五、检索结果运用（是否参照或者参考）"),
    ("next_step", "十六、处理建议"),
    ("excluded_cases", "十七、排除案例及理由"),
    ("signature", "十八、签署、归档及完整性校验"),
)

#: The elements art 8 requires, each with the section key that holds it.
ART8_ELEMENTS: dict[str, str] = {
    "检索主体": "search_subject",
    "检索时间": "search_time",
    "检索平台": "search_platform",
    "检索方法": "search_method",
    "检索结果": "search_results",
    "类案裁判要点": "similar_cases",
    "待决案件争议焦点": "dispute_focus",
    "是否参照或者参考": "result_usage",
}


def not_performed(reason: str) -> dict[str, str]:
    """The body of a section or element that was not performed: "未执行" and why."""
    return {"status": NOT_PERFORMED, "reason": reason}


@dataclass(frozen=True)
class Decision:
    """Whether a candidate is a similar case, why, and who decided (the judge, or Leian's proposal)."""

    accept: bool
    reason: str
    by: str = "系统建议（待承办法官确认）"


@dataclass
class RoundLog:
    """One search round, logged so it can be re-run: the query, the filters, the time range and what came back."""

    id: str
    tier: int
    label: str
    query: dict[str, Any]
    filters: dict[str, Any]
    time_range: str
    k: int
    in_scope: int  # documents that pass the filters
    returned: int
    hit_ids: list[str]
    command: str
    note: str = ""


@dataclass
class TierResult:
    """One tier of art 4's search order: its scope, whether it was searched, and its counts."""

    tier: int
    name: str
    scope: str
    basis: str
    effect: str
    performed: bool
    reason: str = ""
    rounds: list[str] = field(default_factory=list)
    returned: int = 0
    read: int = 0
    accepted: int = 0
    excluded: int = 0
    zero_hits: bool = False
    stopped_here: bool = False


@dataclass
class CaseEntry:
    """One candidate that was read: where it came from, its holding, the comparison and the decision on it."""

    id: str
    tier: int
    round: str
    rank: int
    score: float
    title: str
    case_number: str
    court: str
    court_level: str
    date: str
    category: str
    effective: str
    trial_level: str
    charges: list[str]
    holding: str
    holding_source: str
    outcome: dict[str, Any]
    comparison: dict[str, Any]
    decision: Decision
    usage: str = ""
    art9: dict[str, Any] | None = None


@dataclass
class Report:
    """The whole report. :meth:`to_dict` gives the canonical JSON form every renderer and the hash work on."""

    case_id: str
    header: dict[str, Any]
    triggers: dict[str, Any]
    pending_case: dict[str, Any]
    dispute_focus: dict[str, Any]
    search_subject: dict[str, Any]
    search_time: str
    search_platform: dict[str, Any]
    search_method: dict[str, Any]
    search_results: list[TierResult]
    authoritative_cases: dict[str, Any]
    similar_cases: list[CaseEntry]
    views: dict[str, Any]
    divergence: dict[str, Any]
    result_usage: dict[str, Any]
    next_step: dict[str, Any]
    excluded_cases: list[CaseEntry]
    signature: dict[str, Any]
    archive_number: str
    notes: list[str] = field(default_factory=list)
    generation: dict[str, Any] = field(default_factory=dict)

    def case_list(self) -> list[dict[str, Any]]:
        """The similar cases as list rows: case number, court and level, date, category, effective status."""
        return [
            {
                "id": c.id,
                "case_number": c.case_number,
                "court": c.court,
                "court_level": c.court_level,
                "date": c.date,
                "category": c.category,
                "effective": c.effective,
                "tier": c.tier,
                "usage": c.usage,
            }
            for c in self.similar_cases
        ]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data, keys in section order, without ``content_hash`` (see :mod:`reports.hashing`)."""
        data = asdict(self)
        data["case_list"] = self.case_list()
        out: dict[str, Any] = {"format": FORMAT, "report_type": "类案检索报告", "case_id": self.case_id}
        for key, _ in SECTIONS:
            out[key] = data[key]
        out["archive_number"] = self.archive_number
        out["notes"] = self.notes
        out["generation"] = self.generation
        return json.loads(json.dumps(out, ensure_ascii=False))  # plain JSON types: a filed report reads back equal
