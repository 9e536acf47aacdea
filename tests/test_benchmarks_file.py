"""BENCHMARKS.md's sections: the file in the repository is marked so `leian bench --only` can replace a section."""

from __future__ import annotations

import pytest

from evaluation.benchmarks import BENCHMARKS, SECTIONS, replace_section


def test_every_section_of_the_committed_file_is_marked_once() -> None:
    text = BENCHMARKS.read_text(encoding="utf-8")
    for name in SECTIONS:
        assert text.count(f"<!-- {name}:begin -->") == 1, name
        assert text.count(f"<!-- {name}:end -->") == 1, name


def test_replacing_a_section_keeps_the_others_and_dates_it() -> None:
    text = "head\n<!-- speed:begin -->\nold\n<!-- speed:end -->\n<!-- civil:begin -->\nkept\n<!-- civil:end -->\n"
    out = replace_section(text, "speed", "| new |")
    assert "old" not in out and "| new |" in out and "_Measured " in out
    assert out.startswith("head\n") and "<!-- civil:begin -->\nkept\n<!-- civil:end -->" in out


def test_a_file_without_the_section_is_refused_before_measuring() -> None:
    with pytest.raises(ValueError, match="leian bench"):
        replace_section("no markers here", "service", "x")
