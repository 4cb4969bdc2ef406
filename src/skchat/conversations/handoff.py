"""Standing the AI down: one routine for the REST route, the MCP tool and the agent's own rules."""

from __future__ import annotations

from skchat.conversations import lifecycle, repository
from skchat.events.service import emit
from skchat.kit.db import Connection, Row, TenantScope
from skchat.messages import repository as messages


async def stand_down(
    conn: Connection,
    scope: TenantScope,
    conversation: Row,
    reason: str,
    detail: str | None,
    *,
    last_message_id: str | None = None,
) -> None:
    """Status `handoff` and `chat.handoff.requested`, in the caller's transaction (row locked)."""
    lifecycle.can_hand_off(conversation)
    await repository.update(conn, scope, conversation["id"], {"status": "handoff"})
    await announce(conn, scope, conversation["id"], reason, detail, last_message_id=last_message_id)


async def announce(
    conn: Connection,
    scope: TenantScope,
    conversation_id: str,
    reason: str,
    detail: str | None,
    *,
    last_message_id: str | None = None,
) -> None:
    """`chat.handoff.requested` for a conversation now waiting for a person."""
    await emit(
        conn,
        scope,
        "chat.handoff.requested",
        {
            "conversation_id": conversation_id,
            "reason": reason,
            "detail": detail,
            "last_message_id": last_message_id or await messages.last_id(conn, scope, conversation_id),
        },
    )


async def release_assignee(conn: Connection, scope: TenantScope, member_id: str) -> list[str]:
    """A member is going away: their `assigned` conversations wait for a person again (`handoff`,
    with `chat.handoff.requested`, reason `api`); their closed ones just lose the assignee (a
    reopen then gives them back to the AI). Returns the conversations handed back."""
    handed_back = await repository.release_assignee(conn, scope, member_id)
    detail = f"The assigned member {member_id} was deleted."
    for conversation_id in handed_back:
        await announce(conn, scope, conversation_id, "api", detail)
    return handed_back
