"""``leian ingest --index DIR FILE...``: parse, store and index judgments of any supported format."""

from __future__ import annotations

import argparse
import json
import sys

from tqdm import tqdm

from indexing.pipeline import ingest
from leian.commands._index_args import add_index_arguments, open_index

__all__ = ["add_arguments", "run"]

_SHOWN_PROBLEMS = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the command's arguments."""
    add_index_arguments(parser)
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="files or directories (JSONL, .gz, CAIL, text, Markdown)"
    )
    parser.add_argument("--workers", type=int, help="parsing processes (default: up to 2)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args: argparse.Namespace) -> int:
    """Ingest, printing problems as they happen and a summary at the end."""
    index = open_index(args, create=True)
    shown = 0

    def on_problem(text: str) -> None:
        nonlocal shown
        shown += 1
        if shown <= _SHOWN_PROBLEMS:
            tqdm.write(f"跳过 skipped: {text}", file=sys.stderr)

    with tqdm(desc="ingest", unit="doc", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        summary = ingest(index, args.files, workers=args.workers, progress=bar.update, on_problem=on_problem)
    if shown > _SHOWN_PROBLEMS:
        print(f"… and {shown - _SHOWN_PROBLEMS} more problems", file=sys.stderr)
    documents = index.catalog.count()
    index.close()
    if args.json:
        print(json.dumps({**summary.to_dict(), "documents": documents}, ensure_ascii=False))
    else:
        print(f"{summary.line()}；索引共 {documents} 篇 index holds {documents} documents")
    return 0 if summary.read or documents else 2
