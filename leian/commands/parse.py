"""``leian parse FILE... --out OUT.jsonl``: parse judgments of any supported format into structured JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from corpus.model import Judgment
from corpus.parse import parse_record
from corpus.readers import ReadProblem, read_records
from leian.errors import InputError

__all__ = ["add_arguments", "judgment_row", "run"]

_OUTCOME_KEYS = ("imprisonment_months", "life", "death", "probation_months", "fine_yuan")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the command's arguments."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="files or directories of judgments (any format)")
    parser.add_argument("--out", "-o", required=True, metavar="OUT.jsonl", help="where to write one JSON object a line")
    parser.add_argument("--sections", action="store_true", help="include the text sections in each row")


def judgment_row(j: Judgment, *, sections: bool = False) -> dict[str, Any]:
    """The JSON object written for one judgment."""
    first = j.outcome
    outcome = {k: (getattr(first, k) if first else None) for k in _OUTCOME_KEYS}
    if first is not None:
        outcome["life"] = first.life
        outcome["death"] = first.death
    row: dict[str, Any] = {
        "id": j.id,
        "title": j.title,
        "doc_type": j.doc_type,
        "domain": j.domain,
        "authority": j.authority,
        "court": j.court,
        "court_level": j.court_level,
        "province": j.province,
        "case_number": j.case_number,
        "date": j.date,
        "trial_level": j.trial_level,
        "procedure": j.procedure,
        "charges": j.charges,
        "articles": j.articles,
        "statutes": [{"law": s.law, "article": s.article, "paragraph": s.paragraph} for s in j.statutes],
        "circumstances": j.circumstances,
        "amounts": j.amounts,
        "outcome": outcome,
        "outcomes": [o.to_dict() for o in j.outcomes],
        "holding": j.holding,
        "source": j.source,
    }
    if sections:
        row["sections"] = j.sections
    return row


def run(args: argparse.Namespace, *, stderr: TextIO | None = None) -> int:
    """Parse every record; report unreadable ones on stderr as ``file:line: reason``; 2 when nothing was read."""
    err = stderr or sys.stderr
    out_path = Path(args.out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    parsed = problems = 0
    with out_path.open("w", encoding="utf-8") as out:
        for item in read_records(args.files):
            if isinstance(item, ReadProblem):
                problems += 1
                print(str(item), file=err)
                continue
            try:
                judgment = parse_record(item)
            except Exception as exc:  # a parser bug on one record must not lose the batch
                problems += 1
                print(f"{item.source}: cannot parse record {item.id}: {type(exc).__name__}: {exc}", file=err)
                continue
            out.write(json.dumps(judgment_row(judgment, sections=args.sections), ensure_ascii=False) + "\n")
            parsed += 1
    print(f"leian parse: {parsed} records parsed, {problems} problems, written to {out_path}", file=err)
    if parsed == 0:
        raise InputError(f"no record could be read from {', '.join(map(str, args.files))}")
    return 0
