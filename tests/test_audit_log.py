"""The audit log under concurrent appends: group commit keeps one unbroken chain and answers every caller."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from api.audit_log import AuditEntry, AuditLog


def test_concurrent_appends_form_one_verified_chain(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)

    def append(i: int) -> AuditEntry:
        return log.append(f"user{i % 7}", "judge", "search", details={"i": i})

    with ThreadPoolExecutor(max_workers=16) as pool:
        returned = list(pool.map(append, range(400)))
    check = log.verify()
    assert check.ok and check.entries == 400, check.problems
    assert sorted(e.seq for e in returned) == list(range(1, 401))
    stored = {e.seq: e for e in log.entries()}
    assert all(stored[e.seq] == e for e in returned)  # callers get exactly what was committed
    assert sorted(e.details["i"] for e in stored.values()) == list(range(400))
    log.close()
    reopened = AuditLog(tmp_path)  # appends after a restart continue the same chain
    reopened.append("admin", "admin", "restart")
    assert reopened.verify().ok and reopened.verify().entries == 401
