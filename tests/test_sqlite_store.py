"""The embedded store's own behaviour beyond the backend contract: opening stores written by older versions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from corpus.model import Judgment
from indexing.sqlite_store import SQLiteStore


def test_a_store_with_the_old_checksum_column_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE documents (id TEXT PRIMARY KEY, data TEXT NOT NULL, checksum TEXT NOT NULL,"
        " source TEXT NOT NULL, court TEXT, court_level TEXT, province TEXT, doc_type TEXT, trial_level TEXT,"
        " authority TEXT, domain TEXT, date TEXT, effective INTEGER)"
    )
    old.execute("INSERT INTO documents (id, data, checksum, source) VALUES ('a', '{\"id\": \"a\"}', 'x', 's')")
    old.commit()
    old.close()
    store = SQLiteStore(path)
    store.put([Judgment(id="b", text="被告人张某盗窃手机一部。", source="test")])  # failed on NOT NULL before
    assert store.ids() == ["a", "b"]
    assert store.get(["b"])[0].text == "被告人张某盗窃手机一部。"
    store.close()
