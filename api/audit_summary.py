"""Counts over the audit log for the dashboard: per day and action, searches per role, outcomes.

Counts are by day, action, role and outcome only — never by user: the dashboard shows how the system is used and
whether access is refused, not how much any judge works (no ranking of judges, DOMAIN.md §6).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from api.audit_log import AuditEntry

__all__ = ["SEARCH_ACTIONS", "summarise"]

#: Actions that search the corpus (a report runs its tiered searches; an export re-runs them).
SEARCH_ACTIONS = frozenset({"search", "export", "report.build", "report.export", "consistency.report"})


def summarise(entries: Iterable[AuditEntry], days: int, today: date) -> dict[str, Any]:
    """Counts over the entries of the ``days`` days up to ``today`` (UTC dates), every day listed, empty or not."""
    first = today - timedelta(days=days - 1)
    per_day: dict[str, Counter[str]] = {(first + timedelta(days=i)).isoformat(): Counter() for i in range(days)}
    per_action: Counter[str] = Counter()
    per_role: Counter[str] = Counter()
    per_outcome: Counter[str] = Counter()
    for entry in entries:
        day = entry.ts[:10]
        if day not in per_day:
            continue
        per_day[day][entry.action] += 1
        per_action[entry.action] += 1
        per_outcome[entry.outcome] += 1
        if entry.action in SEARCH_ACTIONS:
            per_role[entry.role or "unknown"] += 1
    return {
        "days": days,
        "per_day": [{"day": d, "total": sum(c.values()), "actions": dict(c)} for d, c in per_day.items()],
        "per_action": dict(per_action.most_common()),
        "searches_per_role": dict(sorted(per_role.items())),
        "per_outcome": dict(per_outcome.most_common()),
    }
