"""``POST /api/search`` (similar cases with explanations) and ``POST /api/search/export`` (the same as CSV)."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import ExportUser, SearchUser, ServiceDep, run_blocking
from api.errors import documented
from api.schemas import SearchOut, SearchRequest

__all__ = ["router"]

router = APIRouter(prefix="/api/search", tags=["search"])

_ERRORS = documented(400, 401, 403, 413, 422, 429, 503, 504)
_CSV_COLUMNS = ("rank", "id", "score", "title", "court", "court_level", "date", "case_number", "charges", "summary")


@router.post("", response_model=SearchOut, summary="类案检索 similar-case search", responses=_ERRORS)
async def search(request: SearchRequest, user: SearchUser, service: ServiceDep) -> Response:
    """The ``k`` most similar effective decisions to the facts, each with why it is similar on basic facts,
    dispute focus and legal application; party names in passages are masked for the caller's role."""
    answer = await run_blocking(
        service, service.search, user, request.text, request.k, request.charges, request.filters.to_domain()
    )
    # the body was rendered where the search ran, in the shape of SearchOut: sent as it is, not validated again
    return Response(answer.body, media_type="application/json")


@router.post(
    "/export",
    response_class=Response,
    summary="导出检索结果 export the results as CSV",
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV (with BOM, opens in Excel/WPS)"}} | _ERRORS,
)
async def export(request: SearchRequest, user: ExportUser, service: ServiceDep) -> Response:
    """Run the search and return the ranked cases as a CSV file (logged as an export)."""
    answer = await run_blocking(
        service, service.search, user, request.text, request.k, request.charges, request.filters.to_domain(), "export"
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_CSV_COLUMNS)
    for hit in answer.data()["hits"]:
        summary = (hit.get("explanation") or {}).get("summary", "")
        row = {**hit, "charges": "、".join(hit["charges"]), "summary": summary}
        writer.writerow([row[c] for c in _CSV_COLUMNS])
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="leian-search.csv"'},
    )
