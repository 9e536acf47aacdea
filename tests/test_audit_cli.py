"""``leian audit`` and ``leian consistency`` end to end on the session's small real index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexing.index import LeianIndex
from leian.cli import main

FIELDS = {"id", "expected_months", "interval_months", "deviation", "flag", "n_similar", "evidence", "reasons"}


@pytest.fixture()
def cases_file(small_index: LeianIndex, tmp_path: Path) -> Path:
    """A decided theft judgment of the index as input: with its outcome, with the term tripled, and without one."""
    doc = next(
        d
        for d in small_index.store.iter_documents()
        if d.charges[:1] == ["盗窃"] and d.outcome and (d.outcome.imprisonment_months or 0) >= 6
    )
    base = {"fact": doc.facts, "charges": doc.charges, "articles": doc.articles, "court": doc.court}
    tripled = {**doc.outcome.to_dict(), "imprisonment_months": doc.outcome.imprisonment_months * 3}
    rows = [
        {"id": "case-0", **base, "outcome": doc.outcome.to_dict()},
        {"id": "case-1", **base, "outcome": tripled},
        {"id": "pending", **base, "charges": ["盗窃罪"]},
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_audit_writes_one_flag_per_case(small_index: LeianIndex, cases_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "flags.jsonl"
    index_dir = str(small_index.directory)
    small_index.close()
    assert main(["audit", "--index", index_dir, "--cases", str(cases_file), "--out", str(out), "--no-progress"]) == 0
    flags = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [f["id"] for f in flags] == ["case-0", "case-1", "pending"]
    for f in flags:
        assert set(f) >= FIELDS
        assert (
            f["expected_months"] is None or f["interval_months"][0] <= f["expected_months"] <= f["interval_months"][1]
        )
    assert flags[2]["deviation"] is None and flags[2]["flag"] is False
    assert flags[1]["deviation"] - flags[0]["deviation"] > 1.0  # log(3 × months + 1) − log(months + 1)
    assert flags[2]["expected_months"] == flags[0]["expected_months"]


def test_audit_rejects_bad_input(small_index: LeianIndex, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "fact": "被告人盗窃", "outcome": 5}\n', encoding="utf-8")
    index_dir = str(small_index.directory)
    small_index.close()
    assert main(["audit", "--index", index_dir, "--cases", str(bad), "--out", str(tmp_path / "o.jsonl")]) == 2


def test_consistency_report_for_a_charge(small_index: LeianIndex, tmp_path: Path) -> None:
    index_dir = str(small_index.directory)
    small_index.close()
    assert main(["consistency", "--index", index_dir, "--charge", "盗窃罪", "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "report.docx").stat().st_size > 0
    assert "盗窃罪" in (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
