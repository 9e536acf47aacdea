"""The catalog of an index directory: what each document's state is, and the tokens it was indexed with.

The catalog is the write-ahead record that keeps the document store and the search indexes consistent
whatever the backend. A batch is first written here as ``pending``, then to the store and the indexes,
and only after the indexes have committed is it marked ``indexed``. A deletion is marked ``deleting``
before anything is removed. Opening an index replays whatever an interrupted run left pending or
deleting, so a killed ingest leaves nothing half-written and simply resumes.

The tokens are kept so the charge model and the dense vectors can be rebuilt without segmenting the
corpus again (tokenise once).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Catalog", "CatalogEntry"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id TEXT PRIMARY KEY,
    checksum TEXT NOT NULL,
    source TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'indexed', 'deleting')),
    terms TEXT NOT NULL,
    core_start INTEGER NOT NULL,
    core_end INTEGER NOT NULL,
    elements TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_state ON entries(state);
CREATE INDEX IF NOT EXISTS entries_checksum ON entries(checksum);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class CatalogEntry:
    """One document's bookkeeping: content checksum, provenance, index terms and the span of its findings."""

    id: str
    checksum: str
    source: str
    terms: tuple[str, ...]
    core: tuple[int, int]  # token span of the court's own findings within ``terms``
    elements: dict[str, Any]  # compact legal elements for ranking: charges, articles, circumstances …

    @property
    def charges(self) -> tuple[str, ...]:
        """The document's charges or causes of action."""
        return tuple(self.elements.get("charges", ()))

    @property
    def core_terms(self) -> tuple[str, ...]:
        """Terms of the findings of fact (what a pending case's description resembles most)."""
        return self.terms[self.core[0] : self.core[1]]


class Catalog:
    """SQLite-backed catalog in ``<index dir>/catalog.sqlite``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def checksums(self) -> dict[str, str]:
        """id → checksum of every live (not deleting) entry."""
        return dict(self._db.execute("SELECT id, checksum FROM entries WHERE state != 'deleting'"))

    def begin(self, entries: Sequence[CatalogEntry]) -> None:
        """Record a batch as pending before it is written anywhere else."""
        rows = [
            (
                e.id,
                e.checksum,
                e.source,
                " ".join(e.terms),
                e.core[0],
                e.core[1],
                json.dumps(e.elements, ensure_ascii=False),
            )
            for e in entries
        ]
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT OR REPLACE INTO entries (id, checksum, source, state, terms, core_start, core_end, elements)"
                " VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)",
                rows,
            )

    def mark_indexed(self, ids: Sequence[str]) -> None:
        """The store and every index have committed these documents."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("UPDATE entries SET state = 'indexed' WHERE id = ?", [(i,) for i in ids])

    def begin_delete(self, ids: Sequence[str]) -> list[str]:
        """Mark known ids for deletion; returns those that were known."""
        known = [i for i in ids if self._db.execute("SELECT 1 FROM entries WHERE id = ?", (i,)).fetchone()]
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("UPDATE entries SET state = 'deleting' WHERE id = ?", [(i,) for i in known])
        return known

    def finish_delete(self, ids: Sequence[str]) -> None:
        """The store and every index have committed the removal."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("DELETE FROM entries WHERE id = ? AND state = 'deleting'", [(i,) for i in ids])

    def ids_in_state(self, state: str) -> list[str]:
        """Ids in ``state`` (pending / indexed / deleting), sorted."""
        return [r[0] for r in self._db.execute("SELECT id FROM entries WHERE state = ? ORDER BY id", (state,))]

    def entries(self, ids: Sequence[str] | None = None) -> Iterator[CatalogEntry]:
        """Entries for ``ids`` (all live ones when None), in id order."""
        query = (
            "SELECT id, checksum, source, terms, core_start, core_end, elements FROM entries"
            " WHERE state != 'deleting' ORDER BY id"
        )
        wanted = set(ids) if ids is not None else None
        for row in self._db.execute(query):
            if wanted is None or row[0] in wanted:
                terms = tuple(row[3].split(" ")) if row[3] else ()
                yield CatalogEntry(row[0], row[1], row[2], terms, (row[4], row[5]), json.loads(row[6]))

    def elements(self) -> dict[str, dict[str, Any]]:
        """id → compact elements of every live entry (cheap: no tokens, no full documents)."""
        rows = self._db.execute("SELECT id, elements FROM entries WHERE state != 'deleting'")
        return {doc_id: json.loads(el) for doc_id, el in rows}

    def count(self) -> int:
        """Number of live entries."""
        return self._db.execute("SELECT COUNT(*) FROM entries WHERE state != 'deleting'").fetchone()[0]

    def corpus_checksum(self) -> str:
        """A fingerprint of the indexed corpus: the hash of every (id, checksum) pair in id order."""
        h = hashlib.sha256()
        for doc_id, cs in self._db.execute("SELECT id, checksum FROM entries WHERE state = 'indexed' ORDER BY id"):
            h.update(f"{doc_id}\t{cs}\n".encode())
        return h.hexdigest()

    def sources(self) -> dict[str, int]:
        """How many live documents came from each source file."""
        rows = self._db.execute(
            "SELECT rtrim(rtrim(source, '0123456789'), ':') AS f, COUNT(*) FROM entries"
            " WHERE state != 'deleting' GROUP BY f ORDER BY f"
        )
        return dict(rows)

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def close(self) -> None:
        self._db.close()
