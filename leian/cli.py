"""The ``leian`` command. Each subcommand lives in :mod:`leian.commands` as a module with
``add_arguments(parser)`` and ``run(args) -> int``; this file only wires them up and maps errors."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from leian import __version__
from leian.errors import LeianError

#: subcommand → (module under leian.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "parse": ("parse", "parse judgments into structured JSON lines"),
    "ingest": ("ingest", "parse, store and index judgments"),
    "info": ("info", "describe an index directory"),
    "search": ("search", "search similar cases from a fact description"),
    "run": ("run", "batch search, writing a TREC run"),
    "eval": ("eval", "reprint the retrieval table of BENCHMARKS.md"),
    "bench": ("bench", "reprint the whole of BENCHMARKS.md from scratch"),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(prog="leian", description="Leian 类案: similar-case search for Chinese courts")
    parser.add_argument("--version", action="version", version=f"leian {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        mod = importlib.import_module(f"leian.commands.{module}")
        p = sub.add_parser(name, help=help_text, description=help_text)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args._run(args) or 0)
    except LeianError as exc:
        print(f"leian {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"leian {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
