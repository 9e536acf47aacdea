"""Expected outcomes, deviation flags (同案不同判预警) and consistency reports. Flags and reports are per case or per
kind of case; nothing here ranks or scores judges."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import OutcomeAuditor, OutcomeUser, ServiceDep, run_blocking
from api.errors import documented
from api.schemas import AuditRequest, ConsistencyOut, ConsistencyRequest, ExpectationRequest, FlagOut, FlagsOut

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["outcomes"])

_ERRORS = documented(400, 401, 403, 413, 422, 429, 503, 504)


@router.post(
    "/audit/expected", response_model=FlagOut, summary="预期裁判结果 expected outcome of a draft", responses=_ERRORS
)
async def expected(request: ExpectationRequest, user: OutcomeUser, service: ServiceDep) -> dict[str, Any]:
    """What similar cases received, before ruling: the expected prison term with its calibrated interval, the
    similar cases it rests on and the elements that drive it ("类案不足" when too few similar cases exist)."""
    flags = await run_blocking(service, service.outcomes, user, [request.model_dump()], False, "outcome.expect")
    return flags[0]


@router.post("/audit", response_model=FlagsOut, summary="偏离度审查 audit decided outcomes", responses=_ERRORS)
async def audit(request: AuditRequest, user: OutcomeAuditor, service: ServiceDep) -> dict[str, Any]:
    """Each decided case against its expectation (as ``leian audit``): signed deviation, whether it falls outside
    the interval, the evidence, drivers and reason codes for deviations the elements justify. For consultation
    (会商) by committee and management only; management's audits are silent (not shown to the judge)."""
    cases = [c.model_dump(exclude_none=True) for c in request.cases]
    flags = await run_blocking(service, service.outcomes, user, cases, request.silent, "outcome.audit")
    return {
        "flags": flags,
        "flagged": sum(f["flag"] for f in flags),
        "not_enough_similar": sum(f["expected_months"] is None for f in flags),
    }


@router.post(
    "/consistency", response_model=ConsistencyOut, summary="类案裁判一致性报告 consistency report", responses=_ERRORS
)
async def consistency(request: ConsistencyRequest, user: OutcomeUser, service: ServiceDep) -> dict[str, Any]:
    """How a charge (all its decided cases) or a fact description (its similar cases) is decided: outcome
    distribution, circumstance effects, court/region spread and majority/minority outcomes, with the charts as
    SVG documents (``charts``). Groups too small to summarise are listed, not summarised."""
    return await run_blocking(service, service.consistency, user, request.charge, request.query, request.k)
