"""``leian audit --index DIR --cases CASES.jsonl --out FLAGS.jsonl``: deviation flags (同案不同判预警).

Without ``--cases`` every decided criminal judgment of the index is audited against the others. ``--silent`` is
the management mode: flags go to the file only, marked not to be shown to the judge, and the console prints only
the totals. Flags are per case; there is deliberately no per-judge aggregate.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from consistency.audit import audit_file, audit_index
from consistency.model import MIN_SIMILAR
from consistency.training import model_for_index
from leian.commands._index_args import add_index_arguments, open_index
from leian.errors import InputError
from retrieval.searcher import Searcher

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the command's arguments."""
    add_index_arguments(parser)
    parser.add_argument("--cases", type=Path, metavar="CASES.jsonl", help="cases to audit (default: the whole index)")
    parser.add_argument("--out", type=Path, required=True, metavar="FLAGS.jsonl", help="where the flags go")
    parser.add_argument("--silent", action="store_true", help="management mode: flags are not shown to judges")
    parser.add_argument("--retrain", action="store_true", help="retrain the outcome model even if it is current")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    """Audit and write one JSON line per case."""
    if args.cases is not None and not args.cases.is_file():
        raise InputError(f"案件文件不存在 no such file: {args.cases}")
    index = open_index(args)
    try:
        model = model_for_index(index, retrain=args.retrain)
        progress = not args.no_progress
        if args.cases is not None:
            searcher = Searcher(index)
            flags = audit_file(model, args.cases, silent=args.silent, progress=progress, infer=searcher.infer_charges)
        else:
            flags = audit_index(model, index, silent=args.silent, progress=progress)
    finally:
        index.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        for flag in flags:
            f.write(json.dumps(flag.to_dict(), ensure_ascii=False) + "\n")
    flagged = sum(f.flag for f in flags)
    guarded = sum(f.n_similar < MIN_SIMILAR for f in flags)
    print(f"审查 {len(flags)} 件，偏离预警 {flagged} 件，类案不足（只给预期、不预警） {guarded} 件 → {args.out}")
    return 0
