"""``leian eval``: recompute the retrieval table of BENCHMARKS.md from scratch and print it."""

from __future__ import annotations

import argparse

from evaluation.benchmarks import write_sections

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments: the data come from $LEIAN_DATA, the development index from $LEIAN_HOME/lecard-dev."""
    del parser


def run(args: argparse.Namespace) -> int:
    """Print the table (it is also written into BENCHMARKS.md)."""
    del args
    print(write_sections(["retrieval"]))
    return 0
