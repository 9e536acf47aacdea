"""``leian report --index DIR --case CASE.json --format json|docx|md --out PATH``: the similar-case search report.

The JSON form is sealed with a content hash (:mod:`reports.hashing`); Word and Markdown render the same content.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from leian.commands._index_args import add_index_arguments, open_index
from leian.errors import InputError

__all__ = ["add_arguments", "run"]

FORMATS = ("json", "docx", "md")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the command's arguments."""
    add_index_arguments(parser)
    parser.add_argument(
        "--case", required=True, metavar="CASE.json", help="the pending case: id, text, optional court, decisions …"
    )
    parser.add_argument("--format", choices=FORMATS, default="json", help="output format (default json)")
    parser.add_argument("--out", metavar="PATH", help="output file (default: standard output for json and md)")
    parser.add_argument(
        "--search-time", metavar="ISO", help="search time with UTC offset, e.g. 2025-01-01T10:00:00+08:00 (default now)"
    )
    parser.add_argument("--k", type=int, default=10, help="cases returned per search round (default 10)")
    parser.add_argument("--read", type=int, default=5, help="cases read and compared per round (default 5)")
    parser.add_argument("--enough", type=int, default=3, help="stop after a tier once this many similar cases")


def run(args: argparse.Namespace) -> int:
    """Build the report and write it in the chosen format."""
    from reports.builder import build_report
    from reports.hashing import seal
    from reports.pending import load_case, parse_search_time

    for name in ("k", "read", "enough"):
        if getattr(args, name) <= 0:
            raise InputError(f"--{name} 必须为正整数 must be a positive integer")
    if args.format == "docx" and not args.out:
        raise InputError("Word 报告需指定 --out PATH a .docx report needs --out")
    case = load_case(args.case)
    moment = parse_search_time(args.search_time, "--search-time") if args.search_time else None
    index = open_index(args)
    try:
        report = build_report(
            index, case, search_time=moment, index_label=args.index, k=args.k, read=args.read, enough=args.enough
        )
    finally:
        index.close()
    data = seal(report.to_dict())
    if args.format == "docx":
        from reports.render_docx import render_docx

        render_docx(data, args.out)
        return 0
    if args.format == "md":
        from reports.render_markdown import render_markdown

        text = render_markdown(data)
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
