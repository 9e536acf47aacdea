"""The ``leian`` command. Each subcommand lives in :mod:`leian.commands` as a module with
``add_arguments(parser)`` and ``run(args) -> int``; this file only wires them up and maps errors.

Only the module of the command being run is imported, so ``leian parse`` does not pay for loading
PyTorch and ``leian --help`` answers at once.
"""

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
    "report": ("report", "generate the mandatory similar-case search report (类案检索报告)"),
    "audit": ("audit", "flag judgments whose outcome deviates from similar cases (同案不同判预警)"),
    "consistency": ("consistency", "consistency report for a charge, cause or query"),
    "serve": ("serve", "run the web service and API"),
    "users": ("users", "manage service users and their tokens"),
    "audit-log": ("audit_log", "verify or show the service's hash-chained audit log"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; the arguments of ``command`` (all commands when None) are registered."""
    parser = argparse.ArgumentParser(prog="leian", description="Leian 类案: similar-case search for Chinese courts")
    parser.add_argument("--version", action="version", version=f"leian {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if command is None or name == command:
            mod = importlib.import_module(f"leian.commands.{module}")
            mod.add_arguments(p)
            p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    argv = sys.argv[1:] if argv is None else argv
    command = next((a for a in argv if not a.startswith("-")), None)  # the first word is the command
    args = build_parser(command or "").parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args._run(args) or 0)
    except LeianError as exc:
        print(f"leian {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head`: not an error
        return 0
    except KeyboardInterrupt:
        print(f"leian {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
