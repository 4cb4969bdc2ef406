"""/webhook_endpoints: subscribe a URL to events; pause, resume, rotate its secret, recover."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Depends

from skchat.kit.context import Ctx, require
from skchat.kit.pagination import ListParams, list_params_dependency
from skchat.kit.routes import api_router
from skchat.kit.schemas import Deleted
from skchat.webhooks import service
from skchat.webhooks.schemas import (
    DeliveryAttemptList,
    EndpointCreate,
    EndpointList,
    EndpointUpdate,
    Recover,
    Recovery,
    RedeliverRequest,
    Redelivery,
    RotateSecret,
    WebhookEndpoint,
)

router = api_router("/webhook_endpoints", "Webhooks")
deliveries_router = api_router("/events/{event_id}", "Events")

WebhooksManage = Annotated[Ctx, Depends(require("webhooks:manage"))]
Newest = Annotated[ListParams, Depends(list_params_dependency("desc"))]
Oldest = Annotated[ListParams, Depends(list_params_dependency("asc"))]


@router.post("", status_code=201, response_model=WebhookEndpoint)
async def create_webhook_endpoint(ctx: WebhooksManage, body: EndpointCreate) -> dict[str, Any]:
    """Subscribe a URL to event types; the signing `secret` is in this answer in full."""
    block = ctx.runtime.settings.webhook_block_private_live
    return await service.create(ctx.conn, ctx.principal.scope, body, block_private_live=block)


@router.get("", response_model=EndpointList, response_model_exclude_unset=True)
async def list_webhook_endpoints(ctx: WebhooksManage, params: Newest) -> dict[str, Any]:
    """List webhook endpoints, newest first."""
    return await service.list_(ctx.conn, ctx.principal.scope, params)


@router.get("/{endpoint_id}", response_model=WebhookEndpoint, response_model_exclude_unset=True)
async def get_webhook_endpoint(ctx: WebhooksManage, endpoint_id: str) -> dict[str, Any]:
    """Retrieve a webhook endpoint (without its secret)."""
    return await service.get(ctx.conn, ctx.principal.scope, endpoint_id)


@router.patch("/{endpoint_id}", response_model=WebhookEndpoint, response_model_exclude_unset=True)
async def update_webhook_endpoint(ctx: WebhooksManage, endpoint_id: str, body: EndpointUpdate) -> dict[str, Any]:
    """Change the URL, the event types, the description, or pause (`disabled`) and resume."""
    block = ctx.runtime.settings.webhook_block_private_live
    return await service.update(ctx.conn, ctx.principal.scope, endpoint_id, body, block_private_live=block)


@router.delete("/{endpoint_id}", response_model=Deleted)
async def delete_webhook_endpoint(ctx: WebhooksManage, endpoint_id: str) -> dict[str, Any]:
    """Delete a webhook endpoint; nothing more is sent to it."""
    return await service.delete(ctx.conn, ctx.principal.scope, endpoint_id)


@router.post("/{endpoint_id}/rotate_secret", response_model=WebhookEndpoint)
async def rotate_webhook_secret(
    ctx: WebhooksManage, endpoint_id: str, body: Annotated[RotateSecret, Body()] = RotateSecret()
) -> dict[str, Any]:
    """Issue a new signing secret; the previous one keeps signing for `expire_previous_in_s`."""
    return await service.rotate_secret(ctx.conn, ctx.principal.scope, endpoint_id, body)


@router.post("/{endpoint_id}/recover", status_code=202, response_model=Recovery)
async def recover_webhook_endpoint(ctx: WebhooksManage, endpoint_id: str, body: Recover) -> dict[str, Any]:
    """Re-send every failed or held delivery of events created in [since, until)."""
    return await service.recover(ctx.conn, ctx.principal.scope, endpoint_id, body)


@deliveries_router.get("/deliveries", response_model=DeliveryAttemptList)
async def list_event_deliveries(ctx: WebhooksManage, event_id: str, params: Oldest) -> dict[str, Any]:
    """Every delivery attempt of an event, oldest first: endpoint, status, duration, error, response."""
    return await service.list_attempts(ctx.conn, ctx.principal.scope, event_id, params)


@deliveries_router.post("/redeliver", status_code=202, response_model=Redelivery)
async def redeliver_event(
    ctx: WebhooksManage, event_id: str, body: Annotated[RedeliverRequest, Body()] = RedeliverRequest()
) -> dict[str, Any]:
    """Send an event again now, to one endpoint or to all subscribed ones."""
    return await service.redeliver(ctx.conn, ctx.principal.scope, event_id, body)
