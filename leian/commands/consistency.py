"""``leian consistency --index DIR (--charge 罪名 | --query "facts…") --out DIR``: consistency report.

Writes ``report.html``, ``report.docx`` and the charts (PNG and SVG) for the decided cases of a charge, or for the
similar cases of a fact description.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from consistency.export import export_report
from consistency.report import build_report, select_cases
from leian.commands._index_args import add_index_arguments, open_index
from leian.errors import InputError

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the command's arguments."""
    add_index_arguments(parser)
    subject = parser.add_mutually_exclusive_group(required=True)
    subject.add_argument("--charge", metavar="罪名", help="all decided cases of this charge or cause")
    subject.add_argument("--query", metavar="FACTS", help="the similar cases of this fact description")
    parser.add_argument("--k", type=int, default=200, help="similar cases for --query (default 200)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="directory for report and charts")


def run(args: argparse.Namespace) -> int:
    """Build and export the report."""
    if args.query is not None and not args.query.strip():
        raise InputError("检索内容为空 the query is empty")
    index = open_index(args)
    try:
        subject, docs = select_cases(index, charge=args.charge, query=args.query, k=args.k)
    finally:
        index.close()
    written = export_report(build_report(subject, docs, charge=args.charge or ""), args.out)
    print(f"{subject}：{len(docs)} 件 → {written['html']}，{written['docx']}")
    return 0
