"""The service's append-only, hash-chained audit log (全程留痕), in ``<index dir>/service/audit.sqlite``.

Every entry records who did what to which target, when, and with what outcome, plus the hash of the entry
before it; its own hash is SHA-256 over all of that. Triggers refuse updates and deletions, and
:meth:`AuditLog.verify` recomputes the chain, so an edited, removed or re-ordered entry is found. The head hash
that ``leian audit-log verify`` prints can be recorded elsewhere to detect a truncated tail too.

Searches are logged with a digest and the length of the query, never its text: the log must not become a
second copy of sensitive case facts.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.security import service_dir

__all__ = ["GENESIS", "AuditEntry", "AuditLog", "Verification", "text_digest"]

#: The ``prev`` of the first entry.
GENESIS = "0" * 64

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,
    details TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""


def text_digest(text: str) -> str:
    """A short SHA-256 digest of a text (what the log keeps instead of query text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class AuditEntry:
    """One logged action."""

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

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return dict(self.__dict__)


@dataclass
class Verification:
    """The result of checking the chain."""

    ok: bool
    entries: int
    head: str
    problems: list[str] = field(default_factory=list)


def _entry_hash(seq: int, ts: str, actor: str, role: str, action: str, target: str, outcome: str,
                details: str, prev: str) -> str:  # fmt: skip
    payload = json.dumps(
        [seq, ts, actor, role, action, target, outcome, details, prev], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class _Pending:
    """An entry waiting for its batch: its fields, then the written entry or the error."""

    fields: tuple[str, str, str, str, str, str, str]
    entry: AuditEntry | None = None
    error: BaseException | None = None


class AuditLog:
    """Append and verify; safe across threads and processes (appends are ``BEGIN IMMEDIATE`` transactions)."""

    def __init__(self, index_dir: Path) -> None:
        path = service_dir(index_dir) / "audit.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()  # the writer's turn (and reads of the connection)
        self._queue_lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def append(
        self,
        actor: str,
        role: str,
        action: str,
        target: str = "",
        outcome: str = "ok",
        details: dict[str, Any] | None = None,
    ) -> AuditEntry:
        """Add an entry chained to the current head and return it once it is durably committed.

        Concurrent appends are group-committed: whichever thread gets the writer's turn writes every entry
        queued so far in one transaction (one fsync), so 20 searching clients do not wait on 20 fsyncs.
        """
        details_json = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        ts = datetime.now(UTC).isoformat(timespec="milliseconds")
        pending = _Pending((ts, actor, role, action, target, outcome, details_json))
        with self._queue_lock:
            self._queue.append(pending)
        with self._lock:
            if pending.entry is None and pending.error is None:  # no earlier batch took it
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._write(batch)
        if pending.error is not None:
            raise pending.error
        assert pending.entry is not None
        return pending.entry

    def _write(self, batch: list[_Pending]) -> None:
        """Chain and commit ``batch`` in one transaction; each pending entry gets its result or the error."""
        written: list[AuditEntry] = []
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
                seq, prev = (row[0], row[1]) if row else (0, GENESIS)
                for item in batch:
                    ts, actor, role, action, target, outcome, details_json = item.fields
                    seq += 1
                    digest = _entry_hash(seq, ts, actor, role, action, target, outcome, details_json, prev)
                    self._db.execute(
                        "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (seq, ts, actor, role, action, target, outcome, details_json, prev, digest),
                    )
                    details = json.loads(details_json)
                    written.append(AuditEntry(seq, ts, actor, role, action, target, outcome, details, prev, digest))
                    prev = digest
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except BaseException as exc:  # every caller in the batch learns that its entry was not logged
            for item in batch:
                item.error = exc
            return
        for item, entry in zip(batch, written, strict=True):
            item.entry = entry

    def entries(self, since: int = 0, limit: int | None = None) -> Iterator[AuditEntry]:
        """Entries with ``seq > since`` in order (at most ``limit``)."""
        sql = "SELECT * FROM entries WHERE seq > ? ORDER BY seq" + (" LIMIT ?" if limit is not None else "")
        params: tuple[int, ...] = (since, limit) if limit is not None else (since,)
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        for seq, ts, actor, role, action, target, outcome, details, prev, digest in rows:
            yield AuditEntry(seq, ts, actor, role, action, target, outcome, json.loads(details), prev, digest)

    def tail(self, limit: int) -> list[AuditEntry]:
        """The last ``limit`` entries, oldest first."""
        with self._lock:
            row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM entries").fetchone()
        return list(self.entries(since=max(0, row[0] - limit), limit=limit))

    def verify(self) -> Verification:
        """Recompute the whole chain: sequence numbers, links and hashes."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM entries ORDER BY seq").fetchall()
        problems: list[str] = []
        prev = GENESIS
        for expected_seq, row in enumerate(rows, start=1):
            seq, ts, actor, role, action, target, outcome, details, link, digest = row
            if seq != expected_seq:
                problems.append(f"第{expected_seq}条缺失 entry {expected_seq} is missing (found {seq})")
            if link != prev:
                problems.append(f"第{seq}条链接断开 entry {seq} does not link to the entry before it")
            if _entry_hash(seq, ts, actor, role, action, target, outcome, details, link) != digest:
                problems.append(f"第{seq}条内容被改动 entry {seq} was altered (hash mismatch)")
            prev = digest
            if len(problems) >= 20:
                problems.append("… 更多问题未列出 further problems not listed")
                break
        return Verification(ok=not problems, entries=len(rows), head=prev, problems=problems)

    def close(self) -> None:
        """Close the database."""
        self._db.close()
