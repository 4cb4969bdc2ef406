"""Conversation rules: creating one, changing its settings, and moving it through its lifecycle.

Every function runs inside the caller's transaction and writes the change's event there too.
"""

from __future__ import annotations

from typing import Any

from skchat.agent.services import AgentServices
from skchat.agents import repository as agents
from skchat.contacts import repository as contacts
from skchat.conversations import lifecycle, repository
from skchat.conversations.handoff import stand_down
from skchat.conversations.schemas import (
    AssignRequest,
    CloseRequest,
    ConversationCreate,
    ConversationUpdate,
    HandoffRequest,
    render,
)
from skchat.events.service import emit
from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.errors import NotFound
from skchat.kit.ids import new_id
from skchat.kit.pagination import ListParams, page
from skchat.members import repository as members
from skchat.messages import service as message_service


async def _get(conn: Connection, scope: TenantScope, conversation_id: str, *, lock: bool = False) -> Record:
    row = await repository.get(conn, scope, conversation_id, lock=lock)
    if row is None:
        raise NotFound(f"No conversation {conversation_id}.")
    return row


async def _agent_id(conn: Connection, scope: TenantScope, agent_id: str | None) -> str:
    agent = await agents.get(conn, scope, agent_id) if agent_id is not None else await agents.get_default(conn, scope)
    if agent is None:
        raise NotFound(f"No agent {agent_id}." if agent_id else "This tenant has no default agent.")
    found: str = agent["id"]
    return found


async def create(
    conn: Connection, scope: TenantScope, body: ConversationCreate, agent: AgentServices | None = None
) -> dict[str, Any]:
    agent_id = await _agent_id(conn, scope, body.agent_id)
    given = body.contact.model_dump(exclude_none=True) if body.contact else {}
    contact = await contacts.upsert(conn, scope, new_id("ctc"), given.pop("external_id", None), given)
    conversation_id = new_id("cnv")
    await repository.insert(conn, scope, conversation_id, body.channel, agent_id, contact["id"], body.metadata)
    await emit(
        conn,
        scope,
        "chat.conversation.created",
        {
            "conversation_id": conversation_id,
            "channel": body.channel,
            "contact": {"id": contact["id"], "external_id": contact["external_id"], "name": contact["name"]},
        },
    )
    first: list[dict[str, Any]] = []
    if body.message is not None:
        first.append(
            await message_service.receive_customer_message(conn, scope, conversation_id, body.message.text, agent)
        )
    conversation = render(await _get(conn, scope, conversation_id))
    conversation["messages"] = first
    return conversation


async def get(conn: Connection, scope: TenantScope, conversation_id: str) -> dict[str, Any]:
    return render(await _get(conn, scope, conversation_id))


async def list_(conn: Connection, scope: TenantScope, params: ListParams, filters: dict[str, str]) -> dict[str, Any]:
    return page(await repository.list_(conn, scope, params, filters), params, render)


async def update(
    conn: Connection, scope: TenantScope, conversation_id: str, body: ConversationUpdate
) -> dict[str, Any]:
    row = await _get(conn, scope, conversation_id, lock=True)
    changes: dict[str, Any] = {}
    if body.metadata is not None:
        merged = {**row["metadata"], **body.metadata}
        changes["metadata"] = {k: v for k, v in merged.items() if v is not None}
    if "agent_id" in body.model_fields_set and body.agent_id is not None:
        changes["agent_id"] = await _agent_id(conn, scope, body.agent_id)
    if changes:
        await repository.update(conn, scope, conversation_id, changes)
    return render(await _get(conn, scope, conversation_id))


async def handoff(
    conn: Connection,
    scope: TenantScope,
    conversation_id: str,
    body: HandoffRequest,
    *,
    reason: str = "api",
) -> dict[str, Any]:
    """The AI stands down: status `handoff`, and `chat.handoff.requested` with the reason."""
    row = await _get(conn, scope, conversation_id, lock=True)
    await stand_down(conn, scope, row, reason, body.reason)
    return render(await _get(conn, scope, conversation_id))


async def assign(conn: Connection, scope: TenantScope, conversation_id: str, body: AssignRequest) -> dict[str, Any]:
    row = await _get(conn, scope, conversation_id, lock=True)
    lifecycle.ensure_not_closed(row)
    if await members.get(conn, scope, body.member_id) is None:
        raise NotFound(f"No member {body.member_id}.")
    await repository.update(conn, scope, conversation_id, {"status": "assigned", "assignee_id": body.member_id})
    await emit(
        conn,
        scope,
        "chat.conversation.assigned",
        {
            "conversation_id": conversation_id,
            "member_id": body.member_id,
            "previous_member_id": row["assignee_id"],
        },
    )
    return render(await _get(conn, scope, conversation_id))


async def close(conn: Connection, scope: TenantScope, conversation_id: str, body: CloseRequest) -> dict[str, Any]:
    row = await _get(conn, scope, conversation_id, lock=True)
    lifecycle.ensure_not_closed(row)
    resolution = body.resolution.model_dump() if body.resolution else None
    await repository.update(
        conn,
        scope,
        conversation_id,
        {
            "status": "closed",
            "resolution": resolution,
            "closed_at": await conn.fetchval("SELECT clock_timestamp()"),
        },
    )
    closed = await _get(conn, scope, conversation_id)
    await emit(
        conn,
        scope,
        "chat.conversation.closed",
        {
            "conversation_id": conversation_id,
            "resolution": resolution,
            "duration_s": round((closed["closed_at"] - closed["created_at"]).total_seconds(), 3),
            "message_count": closed["message_count"],
        },
    )
    return render(closed)


async def reopen(conn: Connection, scope: TenantScope, conversation_id: str) -> dict[str, Any]:
    row = await _get(conn, scope, conversation_id, lock=True)
    lifecycle.can_reopen(row)
    await repository.update(
        conn,
        scope,
        conversation_id,
        {"status": lifecycle.reopened_status(row), "closed_at": None, "resolution": None},
    )
    return render(await _get(conn, scope, conversation_id))
