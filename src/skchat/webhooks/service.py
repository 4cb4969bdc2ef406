"""Webhook endpoints: subscribing, pausing and resuming, rotating secrets, recovering failures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from skchat.events import repository as events_repository
from skchat.events import service as events_service
from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.errors import Conflict, NotFound
from skchat.kit.ids import new_id
from skchat.kit.pagination import ListParams, page
from skchat.kit.signing import new_secret
from skchat.kit.timefmt import now
from skchat.webhooks import repository
from skchat.webhooks.schemas import (
    EndpointCreate,
    EndpointUpdate,
    Recover,
    RedeliverRequest,
    RotateSecret,
    render,
    render_attempt,
)
from skchat.webhooks.urls import check_url


async def _get(conn: Connection, scope: TenantScope, endpoint_id: str, *, lock: bool = False) -> Record:
    row = await repository.get(conn, scope, endpoint_id, lock=lock)
    if row is None:
        raise NotFound(f"No webhook endpoint {endpoint_id}.")
    return row


async def create(
    conn: Connection, scope: TenantScope, body: EndpointCreate, *, block_private_live: bool
) -> dict[str, Any]:
    url = await check_url(body.url, block_private=scope.livemode and block_private_live)
    row = await repository.insert(conn, scope, new_id("whe"), url, body.events, body.description, new_secret())
    return render(row, with_secret=True)


async def get(conn: Connection, scope: TenantScope, endpoint_id: str) -> dict[str, Any]:
    return render(await _get(conn, scope, endpoint_id))


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> dict[str, Any]:
    return page(await repository.list_(conn, scope, params), params, render)


async def update(
    conn: Connection, scope: TenantScope, endpoint_id: str, body: EndpointUpdate, *, block_private_live: bool
) -> dict[str, Any]:
    row = await _get(conn, scope, endpoint_id, lock=True)
    changes: dict[str, Any] = {}
    if body.url is not None:
        changes["url"] = await check_url(body.url, block_private=scope.livemode and block_private_live)
    if body.events is not None:
        changes["events"] = body.events
    if "description" in body.model_fields_set:
        changes["description"] = body.description
    if body.disabled is True and not row["disabled"]:
        await disable(conn, scope, endpoint_id, "manual")
    elif body.disabled is False and row["disabled"]:
        changes.update({"disabled": False, "disabled_reason": None, "failing_since": None})
        if await repository.release_held(conn, scope, endpoint_id):
            await repository.notify(conn)
    if changes or body.disabled is not None:
        row = await repository.update(conn, scope, endpoint_id, changes)
    return render(row)


async def disable(conn: Connection, scope: TenantScope, endpoint_id: str, reason: str) -> None:
    """Stop sending to an endpoint. Its pending deliveries are held, never dropped."""
    await repository.update(conn, scope, endpoint_id, {"disabled": True, "disabled_reason": reason})
    await repository.hold_pending(conn, scope, endpoint_id)


async def delete(conn: Connection, scope: TenantScope, endpoint_id: str) -> dict[str, Any]:
    if not await repository.delete(conn, scope, endpoint_id):
        raise NotFound(f"No webhook endpoint {endpoint_id}.")
    return {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}


async def rotate_secret(conn: Connection, scope: TenantScope, endpoint_id: str, body: RotateSecret) -> dict[str, Any]:
    """A new secret signs from now on; the previous one also signs until the overlap ends."""
    row = await _get(conn, scope, endpoint_id, lock=True)
    row = await repository.update(
        conn,
        scope,
        endpoint_id,
        {
            "secret": new_secret(),
            "previous_secret": row["secret"] if body.expire_previous_in_s > 0 else None,
            "previous_secret_expires_at": now() + timedelta(seconds=body.expire_previous_in_s)
            if body.expire_previous_in_s > 0
            else None,
        },
    )
    return render(row, with_secret=True)


async def recover(conn: Connection, scope: TenantScope, endpoint_id: str, body: Recover) -> dict[str, Any]:
    """Re-send what failed (or was held) in the window; re-enables a disabled endpoint."""
    row = await _get(conn, scope, endpoint_id, lock=True)
    if row["disabled"]:
        await repository.update(
            conn, scope, endpoint_id, {"disabled": False, "disabled_reason": None, "failing_since": None}
        )
    count = await repository.recover(conn, scope, endpoint_id, body.since, body.until or now())
    if count:
        await repository.notify(conn)
    return {"object": "recovery", "endpoint_id": endpoint_id, "redelivering": count}


async def list_attempts(conn: Connection, scope: TenantScope, event_id: str, params: ListParams) -> dict[str, Any]:
    await events_service.get(conn, scope, event_id)  # 404 for an unknown event
    return page(await repository.list_attempts(conn, scope, event_id, params), params, render_attempt)


async def redeliver(conn: Connection, scope: TenantScope, event_id: str, body: RedeliverRequest) -> dict[str, Any]:
    """Send an event again: to one endpoint, or to every enabled endpoint subscribed to its type."""
    event = await events_repository.get(conn, scope, event_id)
    if event is None:
        raise NotFound(f"No event {event_id}.")
    if body.endpoint_id is not None:
        endpoint = await _get(conn, scope, body.endpoint_id)
        if endpoint["disabled"]:
            raise Conflict(f"Webhook endpoint {body.endpoint_id} is disabled; enable it or use recover.")
        targets = [body.endpoint_id]
    else:
        targets = await repository.subscribed_endpoints(conn, scope, event["type"])
    if targets:
        await repository.redeliver(conn, scope, event_id, event["created_at"], targets)
        await repository.notify(conn)
    return {"object": "redelivery", "event_id": event_id, "endpoint_ids": targets}
