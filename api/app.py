"""The FastAPI application: ``create_app(settings, index)`` wires routes, errors, limits and the web page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response, install_error_handlers
from api.routes import admin, cases, health, me, outcomes, reports, search
from api.service import Service
from api.settings import ServiceSettings
from indexing.index import LeianIndex
from leian import __version__

__all__ = ["STATIC_DIR", "create_app"]

#: The web page (plain HTML, CSS and JavaScript; nothing is fetched from elsewhere).
STATIC_DIR = Path(__file__).parent / "static"

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"),
]

_DESCRIPTION = """Leian 类案 similar-case search for Chinese courts.

Every `/api` route needs `Authorization: Bearer TOKEN` (made by `leian users add NAME --role ROLE --index DIR`)
and a role that grants it: judge, committee and management search, read cases (party names masked for the
role), build and export the 类案检索报告 and see expected outcomes and consistency reports; committee and
management audit decided outcomes; management and admin see the audit dashboard's counts; admin ingests and
reads the audit log. Nothing ranks or scores judges. Searches, case views, reports, exports, audits and admin
actions are written to a hash-chained audit log (`leian audit-log verify --index DIR`). Errors are JSON
`{"error": {"code", "message"}}` with a Chinese and English message.
"""


class _LimitsAndHeaders:
    """Refuse bodies over ``max_bytes`` (413) and add security headers to every response."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *_SECURITY_HEADERS]
                if scope["path"].startswith("/api/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            refusal = error_response(413, "request_too_large", f"请求内容过大 request body over {self.max_bytes} bytes")
            await refusal(scope, receive, with_headers)
            return
        received = 0

        async def limited() -> Message:  # a body sent without (or with a false) Content-Length
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise StarletteHTTPException(413)
            return message

        await self.app(scope, limited, with_headers)


def create_app(settings: ServiceSettings, index: LeianIndex) -> FastAPI:
    """The service for ``index``; the index is closed when the application shuts down."""
    service = Service(settings, index)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        service.close()

    app = FastAPI(
        title="Leian 类案检索 API",
        version=__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # the interactive docs load scripts from a CDN, which courts' networks do not reach
        redoc_url=None,
    )
    app.state.service = service
    install_error_handlers(app)
    app.add_middleware(_LimitsAndHeaders, max_bytes=settings.max_request_bytes)
    for module in (health, me, search, cases, reports, outcomes, admin):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    return app
