"""``leian eval``: recompute the retrieval section of BENCHMARKS.md from scratch and print it."""

from __future__ import annotations

import argparse

from evaluation.benchmarks import write_sections

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--write-ranker``; the data come from $LEIAN_DATA, the development index from $LEIAN_HOME/lecard-dev."""
    parser.add_argument(
        "--write-ranker",
        action="store_true",
        help="record the fusion fitted on all development queries as the ranker Leian ships (retrieval/data)"
        " and the development index's own",
    )


def run(args: argparse.Namespace) -> int:
    """Print the section (it is also written into BENCHMARKS.md)."""
    print(write_sections(["retrieval"], write_ranker=args.write_ranker))
    return 0
