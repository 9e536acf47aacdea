"""The embedded document store: one SQLite file in WAL mode, one transaction per batch.

Crash consistency between the store and the search indexes is the job of :mod:`indexing.catalog`;
this store only guarantees that each batch is written whole or not at all.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from corpus.model import Judgment
from indexing.backends import SearchFilters

__all__ = ["SQLiteStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    source TEXT NOT NULL,
    court TEXT, court_level TEXT, province TEXT, doc_type TEXT, trial_level TEXT,
    authority TEXT, domain TEXT, date TEXT, effective INTEGER
);
"""

_FILTER_COLUMNS = {
    "courts": "court",
    "court_levels": "court_level",
    "provinces": "province",
    "doc_types": "doc_type",
    "trial_levels": "trial_level",
    "authorities": "authority",
    "domains": "domain",
}


class SQLiteStore:
    """Durable :class:`~indexing.backends.DocumentStore` in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False: the API serves reads from worker threads; writes are serialised by SQLite.
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        if "checksum" in columns:  # stores written before the catalog took over checksums: drop the column
            self._db.execute("ALTER TABLE documents DROP COLUMN checksum")
        # get() reads on one connection per thread: concurrent searches then read in parallel (SQLite releases
        # the GIL) instead of queueing on the shared connection's mutex
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()

    # --- DocumentStore -------------------------------------------------------------------------------
    def put(self, docs: Sequence[Judgment]) -> None:
        """Insert or replace documents, atomically for the batch."""
        rows = [
            (
                d.id,
                json.dumps(d.to_dict(), ensure_ascii=False),
                d.source,
                d.court,
                d.court_level,
                d.province,
                d.doc_type,
                d.trial_level,
                d.authority,
                d.domain,
                d.date,
                int(d.effective),
            )
            for d in docs
        ]
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO documents (id, data, source, court, court_level, province, doc_type,"
                " trial_level, authority, domain, date, effective)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )

    def get(self, ids: Sequence[str]) -> list[Judgment | None]:
        found: dict[str, Judgment] = {}
        for chunk in _chunks(list(ids), 900):
            marks = ",".join("?" * len(chunk))
            for doc_id, data in self._reader().execute(f"SELECT id, data FROM documents WHERE id IN ({marks})", chunk):
                found[doc_id] = Judgment.from_dict(json.loads(data))
        return [found.get(i) for i in ids]

    def delete(self, ids: Sequence[str]) -> int:
        with self._transaction():
            n = 0
            for chunk in _chunks(sorted(set(ids)), 900):
                marks = ",".join("?" * len(chunk))
                n += self._db.execute(f"DELETE FROM documents WHERE id IN ({marks})", chunk).rowcount
        return n

    def ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT id FROM documents ORDER BY id")]

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def iter_documents(self, batch_size: int = 500) -> Iterator[Judgment]:
        last = ""
        while True:
            rows = self._db.execute(
                "SELECT id, data FROM documents WHERE id > ? ORDER BY id LIMIT ?", (last, batch_size)
            ).fetchall()
            if not rows:
                return
            for _, data in rows:
                yield Judgment.from_dict(json.loads(data))
            last = rows[-1][0]

    def filter_ids(self, filters: SearchFilters) -> set[str]:
        clauses, params = ["1 = 1"], []
        for field_name, column in _FILTER_COLUMNS.items():
            values = getattr(filters, field_name)
            if values:
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        if filters.date_from:
            clauses.append("date != '' AND date >= ?")
            params.append(filters.date_from)
        if filters.date_to:
            clauses.append("date != '' AND date <= ?")
            params.append(filters.date_to)
        if filters.effective_only:
            clauses.append("effective = 1")
        rows = self._db.execute(f"SELECT id FROM documents WHERE {' AND '.join(clauses)}", params)
        return {r[0] for r in rows} - set(filters.exclude_ids)

    def close(self) -> None:
        with self._readers_lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()
        self._db.close()

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only connection (opened on first use)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA query_only=ON")
            with self._readers_lock:
                self._readers.append(db)
            self._local.db = db
        return db

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error): a batch is all or nothing."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
