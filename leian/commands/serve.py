"""``leian serve --index DIR --host 127.0.0.1 --port 8000``: the web page and the API over one index."""

from __future__ import annotations

import argparse
import gc
import logging

from api.settings import load_service_settings
from indexing.index import LeianIndex
from leian.commands._index_args import add_index_arguments

__all__ = ["add_arguments", "run"]

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the command's arguments."""
    add_index_arguments(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))


def run(args: argparse.Namespace) -> int:
    """Open the index (finishing any interrupted ingest), then serve until interrupted."""
    import uvicorn

    from api.app import create_app

    settings = load_service_settings()
    if args.host not in ("127.0.0.1", "localhost", "::1") and settings.environment == "development":
        log.warning("serving %s in development mode: set LEIAN_ENVIRONMENT=production and a secret key", args.host)
    index = LeianIndex(settings.index_dir(args.index), backend=args.backend, es_url=args.es_url, settings=settings)
    app = create_app(settings, index)
    app.state.service.start_search_workers()  # before listening: a worker opens the index in a few seconds
    app.state.service.prepare_outcome_model()  # trained in the background while the first searches are answered
    gc.freeze()  # what start-up loaded lives as long as the server: no collection needs to walk it again
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        timeout_keep_alive=5,
        limit_concurrency=200,
        server_header=False,
    )
    return 0
