"""Health, readiness and metrics: outside /chat/v1, unauthenticated, for load balancers and Prometheus."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from skchat.kit.errors import Unavailable
from skchat.kit.runtime import get_runtime

router = APIRouter(tags=["Operations"])


@router.get("/healthz")
async def healthz() -> dict[str, Any]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> dict[str, Any]:
    """The database is reachable."""
    try:
        ok = await get_runtime(request).db.ping()
    except Exception as exc:
        raise Unavailable("The database is unreachable.") from exc
    if not ok:
        raise Unavailable("The database is unreachable.")
    return {"status": "ok", "database": "ok"}


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
