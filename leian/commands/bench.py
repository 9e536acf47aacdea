"""``leian bench``: rebuild the development index and rewrite the whole of BENCHMARKS.md."""

from __future__ import annotations

import argparse

from evaluation.benchmarks import BENCHMARKS, write_benchmarks

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments: everything is measured on $LEIAN_DATA on this machine."""
    del parser


def run(args: argparse.Namespace) -> int:
    """Measure and write; print the file."""
    del args
    print(write_benchmarks())
    print(f"→ {BENCHMARKS}")
    return 0
