"""``leian info --index DIR [--json]``: what an index directory holds and how it was built."""

from __future__ import annotations

import argparse
import json

from leian.commands._index_args import add_index_arguments, open_index

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the command's arguments."""
    add_index_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    """Print the index description."""
    index = open_index(args)
    info = index.info()
    index.close()
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        for key, value in info.items():
            print(f"{key}: {value}")
    return 0
