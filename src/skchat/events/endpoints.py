"""GET /events and /events/{id}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from skchat.events import service
from skchat.events.schemas import Event, EventList, EventType
from skchat.kit.context import Ctx, require
from skchat.kit.pagination import ListParams, list_params_dependency
from skchat.kit.routes import api_router

router = api_router("/events", "Events")

EventsRead = Annotated[Ctx, Depends(require("conversations:read"))]
Newest = Annotated[ListParams, Depends(list_params_dependency("desc"))]


@router.get("", response_model=EventList)
async def list_events(
    ctx: EventsRead,
    params: Newest,
    type: Annotated[EventType | None, Query(description="Only events of this type.")] = None,
    conversation_id: Annotated[str | None, Query(description="Only this conversation's events.")] = None,
) -> dict[str, Any]:
    """List events, newest first."""
    return await service.list_(ctx.conn, ctx.principal.scope, params, type_=type, conversation_id=conversation_id)


@router.get("/{event_id}", response_model=Event)
async def get_event(ctx: EventsRead, event_id: str) -> dict[str, Any]:
    """Retrieve one event."""
    return await service.get(ctx.conn, ctx.principal.scope, event_id)
