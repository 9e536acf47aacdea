"""Arguments every index-using command shares, and opening the index they name."""

from __future__ import annotations

import argparse

from indexing.index import LeianIndex
from leian.settings import get_settings

__all__ = ["add_index_arguments", "open_index"]


def add_index_arguments(parser: argparse.ArgumentParser) -> None:
    """``--index``, ``--backend`` and ``--es-url``."""
    parser.add_argument(
        "--index",
        required=True,
        metavar="DIR",
        help="index directory (a bare name lives under $LEIAN_HOME; with Elasticsearch, also the index name)",
    )
    parser.add_argument(
        "--backend", choices=("embedded", "elasticsearch"), help="default: the index's own, else embedded"
    )
    parser.add_argument(
        "--es-url", metavar="URL", help="Elasticsearch URL (default $LEIAN_ES_URL or http://127.0.0.1:9200)"
    )


def open_index(args: argparse.Namespace, *, create: bool = False) -> LeianIndex:
    """The index the arguments name; ``create`` makes it when it does not exist yet."""
    settings = get_settings()
    return LeianIndex(
        settings.index_dir(args.index), create=create, backend=args.backend, es_url=args.es_url, settings=settings
    )
