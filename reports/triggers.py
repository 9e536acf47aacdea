"""When similar-case search is mandatory: triggers T1–T9 (DOMAIN.md §3), given, detected, or computed (T6).

T1–T5, T8 and T9 are facts about the case's handling that only the court knows; the judge states them in CASE.json.
Leian only *suggests* T7 (a guiding or case-library case is cited in the text) and T8 (a protest is mentioned),
and *computes* T6 — whether the intended outcome may conflict with similar decisions of this court or a higher
court — from the accepted similar cases of tiers 1–4 and the draft outcome, with a minimum-sample guard.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from leian.errors import InputError

if TYPE_CHECKING:
    from reports.model import CaseEntry
    from reports.pending import DraftOutcome

__all__ = ["MIN_SAMPLE", "TRIGGERS", "Trigger", "assess_t6", "detect_triggers", "parse_trigger_codes", "trigger_items"]

#: Fewer similar cases than this give no answer on outcome conflict ("类案不足" is an answer).
MIN_SAMPLE = 3
#: A sentence further than this fraction from the similar cases' median counts as a possible conflict.
_MEDIAN_TOLERANCE = 0.5


@dataclass(frozen=True)
class Trigger:
    """One situation in which search is mandatory, with its legal basis."""

    code: str
    name: str
    basis: str


TRIGGERS: dict[str, Trigger] = {
    t.code: t
    for t in (
        Trigger("T1", "拟提交专业（主审）法官会议或者审判委员会讨论的", "法发〔2020〕24号第二条第一项"),
        Trigger("T2", "缺乏明确裁判规则或者尚未形成统一裁判规则的", "法发〔2020〕24号第二条第二项"),
        Trigger("T3", "院长、庭长根据审判监督管理权限要求进行类案检索的", "法发〔2020〕24号第二条第三项"),
        Trigger("T4", "重大、疑难、复杂、敏感案件（“四类案件”）", "法发〔2021〕30号第二条第一项"),
        Trigger("T5", "涉及群体性纠纷或者引发社会广泛关注的", "法发〔2021〕30号第二条第二项"),
        Trigger("T6", "与本院或者上级人民法院的类案裁判可能发生冲突的", "法发〔2021〕30号第二条第三项"),
        Trigger(
            "T7",
            "当事人、辩护人或者公诉机关提交指导性案例或者人民法院案例库案例作为控（诉）辩理由的",
            "法发〔2020〕24号第十条；《人民法院案例库建设运行工作规程》（2024）",
        ),
        Trigger("T8", "检察机关提出抗诉或者有关单位、个人反映法官有违法审判行为的", "法发〔2021〕30号第二条第四项"),
        Trigger("T9", "其他需要进行类案检索的情形", "法发〔2020〕24号第二条第四项"),
    )
}
_CITED_CASE_RE = re.compile(
    r"指导(?:性)?案例(?:第)?[0-9一二三四五六七八九十百]+号|指导性案例|人民法院案例库|入库案例|参考案例"
)
_PROTEST_RE = re.compile(r"抗诉机关|提出抗诉|提起抗诉|抗诉书")


def parse_trigger_codes(values: Iterable[str]) -> tuple[str, ...]:
    """Trigger codes (``T6``, ``t6``) checked against :data:`TRIGGERS`, unique and in code order."""
    codes = []
    for value in values:
        code = value.strip().upper()
        if code not in TRIGGERS:
            raise InputError(f"未知的检索情形 unknown trigger {value!r}; valid: {', '.join(TRIGGERS)}")
        codes.append(code)
    return tuple(sorted(set(codes), key=lambda c: int(c[1:])))


def detect_triggers(text: str) -> dict[str, str]:
    """Triggers suggested by the text itself (code → the words that suggest it)."""
    found = {}
    for code, rx in (("T7", _CITED_CASE_RE), ("T8", _PROTEST_RE)):
        m = rx.search(text)
        if m:
            start = max(0, m.start() - 20)
            found[code] = f"文中出现“{m.group(0)}”：…{text[start : m.end() + 20]}…"
    return found


def assess_t6(draft: DraftOutcome | None, cases: Sequence[CaseEntry]) -> dict[str, Any]:
    """Whether the draft outcome may conflict with the accepted similar cases of this court or higher courts."""
    ids = [c.id for c in cases]
    if draft is None:
        return _t6("无法判断", ["未提供拟判结果（draft_outcome），无法与类案裁判结果比较"], ids)
    if not cases:
        return _t6("无法判断", ["本院及上级人民法院检索层级（第一至四层级）未确认类案，无可比较的裁判"], ids)
    reasons: list[str] = []
    conflict = checked = False
    if draft.charges:
        same = [c for c in cases if set(c.charges) & set(draft.charges)]
        reasons.append(f"拟认定罪名/案由（{'、'.join(draft.charges)}）与{len(same)}/{len(cases)}件类案相同")
        if len(cases) < MIN_SAMPLE:
            reasons.append(f"类案少于{MIN_SAMPLE}件，不足以判断罪名/案由是否冲突")
        else:
            checked = True
            if len(same) * 2 < len(cases):
                conflict = True
                reasons.append("多数类案认定的罪名/案由与拟判不同")
        cases = same or cases
    months = [m for c in cases if (m := c.outcome.get("imprisonment_months")) is not None]
    stats: dict[str, Any] = {}
    planned = draft.outcome.imprisonment_months if draft.outcome else None
    if planned is None:
        reasons.append("拟判结果未载明有期徒刑、拘役或管制刑期，未比较刑期")
    elif len(months) < MIN_SAMPLE:
        reasons.append(f"载明刑期的类案仅{len(months)}件（少于{MIN_SAMPLE}件），不足以判断刑期是否偏离")
    else:
        checked = True
        median = statistics.median(months)
        stats = {"sample": len(months), "min": min(months), "median": median, "max": max(months), "draft": planned}
        reasons.append(
            f"拟判刑期{planned}个月；类案{len(months)}件刑期{min(months)}—{max(months)}个月，中位数{median:g}个月"
        )
        if planned < min(months) or planned > max(months) or abs(planned - median) > _MEDIAN_TOLERANCE * median:
            conflict = True
            reasons.append("拟判刑期超出类案刑期区间或偏离中位数逾50%")
    status = "可能冲突" if conflict else "未发现冲突" if checked else "无法判断"
    return _t6(status, reasons, ids, stats)


def _t6(status: str, reasons: list[str], ids: list[str], stats: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"status": status, "reasons": reasons, "basis_cases": ids, "statistics": stats or {}}


def trigger_items(given: Sequence[str], detected: dict[str, str], t6: dict[str, Any]) -> list[dict[str, Any]]:
    """Every trigger T1–T9 with its status, so the report shows which apply and which were considered."""
    items = []
    for code, trigger in TRIGGERS.items():
        if code in given:
            status, source, evidence = "适用", "承办法官提出", ""
        elif code == "T6" and t6["status"] == "可能冲突":
            status, source, evidence = "适用（系统计算，待确认）", "系统计算", "；".join(t6["reasons"])
        elif code == "T6":
            status, source, evidence = f"系统计算：{t6['status']}", "系统计算", "；".join(t6["reasons"])
        elif code in detected:
            status, source, evidence = "可能适用（系统识别，待确认）", "系统识别", detected[code]
        else:
            status, source, evidence = "未提出", "", ""
        items.append(
            {
                "code": code,
                "name": trigger.name,
                "basis": trigger.basis,
                "status": status,
                "active": status.startswith("适用"),
                "source": source,
                "evidence": evidence,
            }
        )
    return items
