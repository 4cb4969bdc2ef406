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
    await emit(
        conn,
        scope,
        "chat.handoff.requested",
        {
            "conversation_id": conversation["id"],
            "reason": reason,
            "detail": detail,
            "last_message_id": last_message_id or await messages.last_id(conn, scope, conversation["id"]),
        },
    )
