"""``GET /api/me``: who the token belongs to and what the role may do (the web page adapts to it)."""

from __future__ import annotations

import time

from fastapi import APIRouter

from api.deps import AnyUser
from api.errors import documented
from api.schemas import Me
from api.security import PERMISSIONS

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["users"])


@router.get("/me", response_model=Me, summary="当前用户 the caller", responses=documented(401, 429))
def me(user: AnyUser) -> Me:
    """The authenticated user's name, role, permissions and token expiry."""
    return Me(
        name=user.name,
        role=user.role.value,
        permissions=sorted(p.value for p in PERMISSIONS[user.role]),
        expires=time.strftime("%Y-%m-%d", time.localtime(user.expires)),
    )
