"""Every error the API returns, as JSON ``{"error": {"code", "message", "details"}}``, mapped in this one place.

Domain errors (:mod:`leian.errors`) keep their own bilingual message; the service's own refusals (401, 403,
413, 429, 504) are :class:`ApiError`. Unexpected exceptions are logged and answered with a generic 500 that
leaks nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import ErrorOut
from leian.errors import BackendUnavailable, IndexStateError, InputError, LeianError, NotFoundError

__all__ = ["ApiError", "documented", "error_response", "install_error_handlers"]

log = logging.getLogger(__name__)

#: Domain error → (HTTP status, code); the first matching class wins.
_DOMAIN: tuple[tuple[type[LeianError], int, str], ...] = (
    (NotFoundError, 404, "not_found"),
    (InputError, 400, "invalid_input"),
    (IndexStateError, 503, "index_unavailable"),
    (BackendUnavailable, 503, "backend_unavailable"),
    (LeianError, 400, "error"),
)

_HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    404: ("not_found", "资源不存在 not found"),
    405: ("method_not_allowed", "不支持该请求方法 method not allowed"),
    413: ("request_too_large", "请求内容过大 request body too large"),
}


_DESCRIPTIONS: dict[int, str] = {
    400: "输入无效 invalid input",
    401: "未登录或令牌无效 missing or invalid token",
    403: "角色无权限 the role lacks the permission",
    404: "不存在 not found",
    409: "冲突 conflict",
    413: "请求过大 request body too large",
    422: "请求格式不正确 malformed request",
    429: "请求过于频繁 rate limited (see Retry-After)",
    503: "索引不可用 index unavailable",
    504: "处理超时 timed out",
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route may answer with."""
    return {s: {"model": ErrorOut, "description": _DESCRIPTIONS[s]} for s in statuses}


class ApiError(Exception):
    """A refusal by the service itself, with its HTTP status, a code and a bilingual message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The JSON body every error has."""
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _domain(_: Request, exc: Exception) -> JSONResponse:
    status, code = next((s, c) for cls, s, c in _DOMAIN if isinstance(exc, cls))
    return error_response(status, code, str(exc))


def _api(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, headers=exc.headers)


def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors()[:20]
    ]
    return error_response(422, "validation_error", "请求格式不正确 the request is malformed", details)


def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", f"请求失败 request failed: {exc.detail}"))
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "服务内部错误，请联系管理员 internal server error")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(LeianError, _domain)
    app.add_exception_handler(ApiError, _api)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
