"""``GET /health``: liveness and the size of the served index (no token needed)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep
from api.schemas import Health
from leian import __version__

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="服务状态 health")
def health(service: ServiceDep) -> Health:
    """The service is up and its index is open; ``ingesting`` says whether an ingestion is running and
    ``outcome_model`` whether expected outcomes can be answered yet; ``search_workers`` how many processes search."""
    return Health(
        status="ok",
        documents=service.documents(),
        ingesting=service.ingestion.running,
        outcome_model=service.outcome_model_state(),
        search_workers=service.search_workers(),
        version=__version__,
        environment=service.settings.environment,
    )
