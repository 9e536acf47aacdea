"""Admin routes: ingestion jobs, the audit log and its dashboard counts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.deps import AdminUser, AuditReader, AuditSummaryReader, ServiceDep, run_blocking
from api.errors import documented
from api.schemas import AuditLogOut, AuditSummaryOut, IngestJobOut, IngestRequest
from leian.errors import InputError

__all__ = ["router"]

router = APIRouter(prefix="/api/admin", tags=["admin"])


@router.post(
    "/ingest",
    response_model=IngestJobOut,
    status_code=202,
    summary="导入裁判文书 ingest judgments",
    responses=documented(400, 401, 403, 409, 413, 422, 429),
)
def start_ingest(request: IngestRequest, user: AdminUser, service: ServiceDep) -> dict[str, Any]:
    """Start ingesting server files (under the ingest roots) and/or inline records; poll the returned job.
    Searches keep being answered from the current index until the ingestion has finished."""
    if not request.paths and not request.records:
        raise InputError("没有要导入的内容 nothing to ingest: give paths or records")
    paths = service.ingestion.resolve(request.paths)
    job = service.ingestion.start(user, paths, [r.model_dump() for r in request.records])
    return job.to_dict()


@router.get(
    "/ingest/{job_id}",
    response_model=IngestJobOut,
    summary="导入任务状态 ingestion job",
    responses=documented(401, 403, 404, 422, 429),
)
def ingest_job(job_id: Annotated[str, Path(max_length=64)], user: AdminUser, service: ServiceDep) -> dict[str, Any]:
    """The state of an ingestion job and, once finished, its summary."""
    del user
    return service.ingestion.get(job_id).to_dict()


@router.get(
    "/audit-log",
    response_model=AuditLogOut,
    summary="审计日志 audit log",
    responses=documented(401, 403, 422, 429),
)
def audit_log(
    user: AuditReader, service: ServiceDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> dict[str, Any]:
    """Verify the hash chain and return the latest entries (reading the log is itself logged)."""
    check = service.audit.verify()
    service.audit.append(user.name, user.role.value, "audit_log.read", details={"ok": check.ok})
    latest = [e.to_dict() for e in service.audit.tail(limit)]
    return {"ok": check.ok, "entries": check.entries, "head": check.head, "problems": check.problems, "latest": latest}


@router.get(
    "/audit-summary",
    response_model=AuditSummaryOut,
    summary="审计看板 audit dashboard counts",
    responses=documented(401, 403, 422, 429, 504),
)
async def audit_summary(
    user: AuditSummaryReader, service: ServiceDep, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> dict[str, Any]:
    """Verify the hash chain and count the last ``days`` days' entries per day, action, outcome, and searches per
    role — never per user (admin and management; reading it is logged). The entries themselves are admin-only."""
    return await run_blocking(service, service.audit_summary, user, days)
