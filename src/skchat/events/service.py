"""Emitting an event means inserting it in the caller's transaction: the change and its event
commit together or not at all, so an acknowledged write always has its event."""

from __future__ import annotations

from typing import Any

from skchat.events import repository
from skchat.events.schemas import render
from skchat.kit.db import Connection, TenantScope
from skchat.kit.errors import NotFound
from skchat.kit.ids import new_id
from skchat.kit.pagination import ListParams, page


async def emit(conn: Connection, scope: TenantScope, type_: str, data: dict[str, Any]) -> dict[str, Any]:
    """Store one event. Events of a conversation get the next number of its `sequence`."""
    conversation_id = data.get("conversation_id")
    sequence = None
    if conversation_id is not None:
        sequence = await repository.next_sequence(conn, scope, conversation_id)
    row = await repository.insert(conn, scope, new_id("evt"), type_, conversation_id, sequence, data)
    return render(row)


async def get(conn: Connection, scope: TenantScope, event_id: str) -> dict[str, Any]:
    row = await repository.get(conn, scope, event_id)
    if row is None:
        raise NotFound(f"No event {event_id}.")
    return render(row)


async def list_(
    conn: Connection,
    scope: TenantScope,
    params: ListParams,
    *,
    type_: str | None,
    conversation_id: str | None,
) -> dict[str, Any]:
    rows = await repository.list_(conn, scope, params, type_=type_, conversation_id=conversation_id)
    return page(rows, params, render)
