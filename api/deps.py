"""Dependencies shared by the routes: the service, the authenticated user per permission, and timeouts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiError
from api.security import Permission, User
from api.service import Service

__all__ = [
    "AdminUser",
    "AnyUser",
    "AuditReader",
    "AuditSummaryReader",
    "CaseReader",
    "ExportUser",
    "OutcomeAuditor",
    "OutcomeUser",
    "SearchUser",
    "ServiceDep",
    "get_service",
    "require",
    "run_blocking",
]

T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="`leian users add NAME --role ROLE --index DIR` 生成的令牌")


async def get_service(request: Request) -> Service:
    """The process's :class:`Service` (async: FastAPI would run a plain function in a thread)."""
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def require(permission: Permission | None) -> Callable[..., Awaitable[User]]:
    """A dependency that authenticates the bearer token, rate-limits the user and checks ``permission``
    (None: any authenticated user)."""

    async def dependency(
        request: Request,
        service: ServiceDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> User:
        # async, so a request does not take a thread just to look up its token (an indexed read); only the
        # refusals, which write the audit log durably, go to a thread
        user = service.users.authenticate(credentials.credentials) if credentials else None
        if user is None:
            wait = service.auth_failures.hit(f"ip:{_client(request)}")
            await anyio.to_thread.run_sync(
                lambda: service.audit.append(
                    "anonymous", "", "auth.denied", request.url.path[:200], outcome="unauthenticated",
                    details={"client": _client(request), "token_given": credentials is not None},
                )
            )  # fmt: skip
            if wait:
                raise _too_many(wait)
            raise ApiError(
                401,
                "unauthenticated",
                "未登录或令牌无效 missing, invalid, revoked or expired token: send Authorization: Bearer TOKEN",
                {"WWW-Authenticate": "Bearer"},
            )
        wait = service.limiter.hit(f"user:{user.name}")
        if wait:
            raise _too_many(wait)
        if permission is not None and not user.can(permission):
            await anyio.to_thread.run_sync(
                lambda: service.audit.append(
                    user.name, user.role.value, "auth.denied", request.url.path[:200], outcome="forbidden",
                    details={"permission": permission.value},
                )
            )  # fmt: skip
            raise ApiError(
                403, "forbidden", f"当前角色无权执行此操作 role {user.role.value!r} may not {permission.value}"
            )
        return user

    return dependency


def _too_many(wait: float) -> ApiError:
    seconds = max(1, int(wait + 0.999))
    return ApiError(
        429, "rate_limited", f"请求过于频繁，请 {seconds} 秒后重试 too many requests; retry in {seconds} s",
        {"Retry-After": str(seconds)},
    )  # fmt: skip


async def run_blocking(service: Service, function: Callable[..., T], *args: Any) -> T:
    """Run a blocking domain call in a worker thread; 504 when it takes longer than the configured timeout."""
    with anyio.move_on_after(service.settings.request_timeout_s) as scope:
        return await anyio.to_thread.run_sync(function, *args, abandon_on_cancel=True)
    assert scope.cancelled_caught
    raise ApiError(504, "timeout", "处理超时，请缩短检索内容或稍后重试 the request took too long; try again later")


AnyUser = Annotated[User, Depends(require(None))]
SearchUser = Annotated[User, Depends(require(Permission.SEARCH))]
CaseReader = Annotated[User, Depends(require(Permission.VIEW_CASE))]
ExportUser = Annotated[User, Depends(require(Permission.EXPORT))]
AdminUser = Annotated[User, Depends(require(Permission.INGEST))]
AuditReader = Annotated[User, Depends(require(Permission.READ_AUDIT_LOG))]
OutcomeUser = Annotated[User, Depends(require(Permission.EXPECT_OUTCOME))]
OutcomeAuditor = Annotated[User, Depends(require(Permission.AUDIT_OUTCOMES))]
AuditSummaryReader = Annotated[User, Depends(require(Permission.AUDIT_SUMMARY))]
