"""``leian parse`` end to end on real and broken input."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from leian.commands import parse as parse_command
from leian.errors import InputError
from leian.settings import get_settings


def _run(files: list[str], out: Path) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    parse_command.add_arguments(parser)
    err = io.StringIO()
    code = parse_command.run(parser.parse_args([*files, "--out", str(out)]), stderr=err)
    return code, err.getvalue()


def test_parse_writes_rows_and_reports_problems(tmp_path: Path) -> None:
    data = get_settings().data
    broken = tmp_path / "broken.jsonl"
    good = '{"id": "a", "text": "本院认为，被告人张某构成盗窃罪。判决如下：被告人张某犯盗窃罪，判处拘役三个月。"}'
    broken.write_text(good + '\n{"id": \n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, err = _run([str(data / "authoritative" / "spp_guiding_cases" / "alj001.md"), str(broken)], out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert code == 0 and [r["id"] for r in rows] == ["spp-guiding-alj001", "a"]
    required = {"id", "court", "court_level", "province", "case_number", "date", "charges", "articles",
                "circumstances", "outcome", "outcomes", "title", "doc_type", "source"}  # fmt: skip
    assert required <= set(rows[0])
    assert rows[1]["outcome"] == {"imprisonment_months": 3, "life": False, "death": False, "probation_months": None,
                                  "fine_yuan": None}  # fmt: skip
    assert f"{broken}:2: invalid JSON" in err and "2 records parsed, 1 problems" in err


def test_parse_of_nothing_readable_is_an_input_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError):
        _run([str(empty)], tmp_path / "out.jsonl")
