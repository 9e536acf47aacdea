"""``leian bench``: rebuild the development index and rewrite the whole of BENCHMARKS.md, or only some sections."""

from __future__ import annotations

import argparse

from evaluation.benchmarks import BENCHMARKS, SECTIONS, write_benchmarks, write_sections

__all__ = ["add_arguments", "run"]


def _sections(value: str) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in SECTIONS]
    if unknown or not names:
        listed = ", ".join(unknown) or "(none)"
        raise argparse.ArgumentTypeError(f"unknown section {listed}; choose from {', '.join(SECTIONS)}")
    return names


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--only``: re-measure these sections and replace them in place; everything is measured on $LEIAN_DATA."""
    parser.add_argument(
        "--only",
        type=_sections,
        metavar="SECTION[,SECTION…]",
        help=f"re-measure only these sections of BENCHMARKS.md, in place ({', '.join(SECTIONS)})",
    )


def run(args: argparse.Namespace) -> int:
    """Measure and write; print what was measured."""
    print(write_sections(args.only) if args.only else write_benchmarks())
    print(f"→ {BENCHMARKS}")
    return 0
