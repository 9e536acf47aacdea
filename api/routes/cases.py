"""``GET /api/cases/{case_id}``: one stored judgment, pseudonymised for the caller's role."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from api.deps import CaseReader, ServiceDep, run_blocking
from api.errors import documented
from api.schemas import CaseView

__all__ = ["router"]

router = APIRouter(prefix="/api/cases", tags=["cases"])


@router.get(
    "/{case_id}",
    response_model=CaseView,
    summary="查看案例 view a case",
    responses=documented(401, 403, 404, 422, 429, 503, 504),
)
async def view_case(
    case_id: Annotated[str, Path(min_length=1, max_length=200, examples=["10893"])],
    user: CaseReader,
    service: ServiceDep,
) -> dict[str, Any]:
    """The full judgment with its structured elements; names of parties are masked (judges see 张某, management
    sees 某甲 with judges' names masked too). Every view is written to the audit log."""
    return await run_blocking(service, service.case, user, case_id)
