"""``POST /api/reports`` (build the 类案检索报告 with the judge's decisions) and ``POST /api/reports/export``
(the same report as Word, JSON or Markdown). Stateless: the client sends the pending case, the judge's decisions and
the report's ``search_time`` back, and the report is rebuilt from them, so it stays complete by construction."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import ExportUser, SearchUser, ServiceDep, run_blocking
from api.errors import documented
from api.reporting import MEDIA_TYPES, ReportFormat, candidates, report_file
from api.schemas import ReportOut, ReportRequest

__all__ = ["router"]

router = APIRouter(prefix="/api/reports", tags=["reports"])

_ERRORS = documented(400, 401, 403, 413, 422, 429, 503, 504)


@router.post("", response_model=ReportOut, summary="生成类案检索报告 build the search report", responses=_ERRORS)
async def build(request: ReportRequest, user: SearchUser, service: ServiceDep) -> dict[str, Any]:
    """Search tiers 1→4 for the pending case, compare every case read on the three dimensions, and assemble every
    section the 2020 SPC guideline requires (an element not performed says "未执行" and why). ``candidates`` are
    the cases read, each with Leian's proposal or the judge's decision from ``decisions``."""
    case = request.to_case()
    report = await run_blocking(service, service.report, user, case, request.k, request.read, request.enough)
    return {"report": report, "candidates": candidates(report)}


@router.post(
    "/export",
    response_class=Response,
    summary="导出类案检索报告 export the report (Word, JSON, Markdown)",
    responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}, "description": "报告文件 the report file"}}
    | _ERRORS,
)
async def export(
    request: ReportRequest,
    user: ExportUser,
    service: ServiceDep,
    fmt: Annotated[ReportFormat, Query(alias="format", description="docx（随案归档）、json 或 md")] = "docx",
) -> Response:
    """Rebuild the report with the judge's decisions and return it as a file to file with the case (logged as
    ``report.export`` with the accepted and excluded cases and the content hash, also sent as ``X-Content-Hash``)."""
    case = request.to_case()
    report = await run_blocking(service, service.report, user, case, request.k, request.read, request.enough, fmt)
    file = await run_blocking(service, report_file, report, fmt)
    headers = {"Content-Disposition": file.disposition, "X-Content-Hash": report["content_hash"]}
    return Response(file.content, media_type=file.media_type, headers=headers)
