"""Majority and minority views among the accepted similar cases, and the art 11 divergence analysis.

Views are grouped by the legal characterisation the cases reached (charges or cause of action), each with its
count, sentence range and holdings. Below :data:`MIN_VIEW_CASES` no majority is claimed — a handful of cases is
listed, never summarised as "普遍认为". Divergence (法发〔2020〕24号 art 11) is weighed by court level, decision
date and whether the adjudication committee discussed the case, and routed to the divergence-resolution mechanism.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from reports.model import CaseEntry, not_performed

__all__ = ["MIN_VIEW_CASES", "divergence", "views"]

MIN_VIEW_CASES = 5
_LEVEL_RANK = {"最高": 4, "高级": 3, "中级": 2, "基层": 1}
_MAX_HOLDINGS = 2


def _label(case: CaseEntry) -> str:
    if not case.charges:
        return "罪名/案由未能识别"
    joined = "、".join(sorted(case.charges))
    civil = all(c.endswith(("纠纷", "争议", "之诉")) for c in case.charges)
    return f"案由为{joined}" if civil else f"认定构成{joined}罪"


def _groups(cases: Sequence[CaseEntry]) -> list[tuple[str, list[CaseEntry]]]:
    by_label: dict[str, list[CaseEntry]] = defaultdict(list)
    for case in cases:
        by_label[_label(case)].append(case)
    return sorted(by_label.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def _sentences(cases: Sequence[CaseEntry]) -> dict[str, Any]:
    months = [m for c in cases if (m := c.outcome.get("imprisonment_months")) is not None]
    if not months:
        return {"sample": 0}
    return {"sample": len(months), "min": min(months), "median": statistics.median(months), "max": max(months)}


def views(cases: Sequence[CaseEntry]) -> dict[str, Any]:
    """The majority/minority views with counts, or why none can be stated."""
    if not cases:
        return not_performed("未确认任何类案，无从归纳裁判观点")
    total = len(cases)
    groups = [
        {
            "view": label,
            "count": len(members),
            "share": f"{len(members)}/{total}",
            "cases": [c.id for c in members],
            "sentences": _sentences(members),
            "holdings": [c.holding for c in members if c.holding][:_MAX_HOLDINGS],
        }
        for label, members in _groups(cases)
    ]
    if total < MIN_VIEW_CASES:
        return {
            "status": "类案数量不足",
            "total": total,
            "groups": groups,
            "statement": f"共确认类案{total}件，少于{MIN_VIEW_CASES}件，不足以归纳多数观点与少数观点，"
            "不得表述为“普遍认为”；各案观点逐案列明于第十二部分",
        }
    top = groups[0]
    if top["count"] * 2 > total:
        statement = f"多数观点（{top['share']}件）：{top['view']}"
        if len(groups) > 1:
            statement += "；少数观点：" + "；".join(f"{g['view']}（{g['share']}件）" for g in groups[1:])
        else:
            statement += "；未见少数观点"
        status = "已归纳"
    else:
        statement = "未形成多数观点：" + "；".join(f"{g['view']}（{g['share']}件）" for g in groups)
        status = "未形成多数观点"
    return {"status": status, "total": total, "groups": groups, "statement": statement}


def divergence(cases: Sequence[CaseEntry], committee: Mapping[str, bool]) -> dict[str, Any]:
    """The art 11 analysis: do the accepted cases conflict, how do they weigh, where does the question go."""
    if not cases:
        return not_performed("未确认任何类案，无从进行冲突分析")
    groups = _groups(cases)
    weighing = [
        {
            "id": c.id,
            "case_number": c.case_number,
            "court": c.court,
            "court_level": c.court_level,
            "date": c.date,
            "committee_discussed": committee.get(c.id, False),
            "view": _label(c),
        }
        for c in sorted(cases, key=lambda c: c.id)
    ]
    # Stable sorts, last key first: higher court, then committee-discussed, then newer decision (undated last).
    weighing.sort(key=lambda w: w["date"], reverse=True)
    weighing.sort(key=lambda w: (-_LEVEL_RANK.get(w["court_level"], 0), -int(w["committee_discussed"])))
    if len(groups) < 2:
        return {
            "detected": False,
            "analysis": f"已确认的{len(cases)}件类案法律适用一致（{groups[0][0]}），未发现裁判冲突",
            "weighing": weighing,
            "route": "无需启动法律适用分歧解决机制",
        }
    first = weighing[0]
    return {
        "detected": True,
        "analysis": "类案之间法律适用存在分歧："
        + "；".join(f"{label}{len(members)}件" for label, members in groups)
        + f"。依第十一条，按法院层级、裁判时间及是否经审判委员会讨论权衡，居先者为{first['court']}"
        f"{first['case_number'] or first['id']}（{first['court_level'] or '层级不详'}，{first['date'] or '日期不详'}"
        f"{'，经审判委员会讨论' if first['committee_discussed'] else ''}）",
        "weighing": weighing,
        "route": "依法发〔2020〕24号第十一条，将法律适用分歧提请专业法官会议讨论，并通过法律适用分歧解决机制报请解决",
    }
