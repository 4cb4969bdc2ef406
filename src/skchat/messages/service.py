"""Posting and listing messages: the rules of who may say what, and which event it makes."""

from __future__ import annotations

from typing import Any

from skchat.conversations import lifecycle
from skchat.conversations import repository as conversations
from skchat.events.service import emit
from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.errors import NotFound
from skchat.kit.ids import new_id
from skchat.kit.pagination import ListParams, page
from skchat.members import repository as members
from skchat.messages import repository
from skchat.messages.repository import NewMessage
from skchat.messages.schemas import MessageCreate, render


async def locked_conversation(conn: Connection, scope: TenantScope, conversation_id: str) -> Record:
    row = await conversations.get(conn, scope, conversation_id, lock=True)
    if row is None:
        raise NotFound(f"No conversation {conversation_id}.")
    return row


async def post(conn: Connection, scope: TenantScope, conversation_id: str, body: MessageCreate) -> dict[str, Any]:
    conversation = await locked_conversation(conn, scope, conversation_id)
    if body.role == "customer":
        return await receive_customer_message(conn, scope, conversation, body.text)
    lifecycle.ensure_not_closed(conversation)
    if body.member_id is not None:
        if await members.get(conn, scope, body.member_id) is None:
            raise NotFound(f"No member {body.member_id}.")
        sender_type, sender_id = "member", body.member_id
    else:  # the business's own system replying through the API
        sender_type, sender_id = "ai", conversation["agent_id"]
    row = await repository.insert(
        conn,
        scope,
        NewMessage(new_id("msg"), conversation_id, body.role, sender_type, sender_id, body.text),
    )
    await conversations.count_message(conn, scope, conversation_id)
    message = render(row)
    if body.role == "agent":
        await emit(conn, scope, "chat.message.sent", sent_event(message))
    return message


async def receive_customer_message(
    conn: Connection, scope: TenantScope, conversation: Record, text: str
) -> dict[str, Any]:
    """A customer message: stored, counted, announced; it reopens a closed conversation."""
    if conversation["status"] == "closed":
        await conversations.update(
            conn,
            scope,
            conversation["id"],
            {"status": lifecycle.reopened_status(conversation), "closed_at": None, "resolution": None},
        )
    row = await repository.insert(
        conn,
        scope,
        NewMessage(new_id("msg"), conversation["id"], "customer", "customer", conversation["contact_id"], text),
    )
    await conversations.count_message(conn, scope, conversation["id"])
    message = render(row)
    await emit(
        conn,
        scope,
        "chat.message.received",
        {
            "conversation_id": conversation["id"],
            "message_id": message["id"],
            "text": message["text"],
            "intent": message["intent"],
            "lang": message["lang"],
            "sentiment": message["sentiment"],
            "sentiment_score": message["sentiment_score"],
            "channel": conversation["channel"],
        },
    )
    return message


def sent_event(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "conversation_id": message["conversation_id"],
        "message_id": message["id"],
        "role": message["role"],
        "sender": message["sender"],
        "text": message["text"],
        "intent": message["intent"],
        "lang": message["lang"],
        "sentiment": message["sentiment"],
        "sources": message["sources"],
    }


async def list_(conn: Connection, scope: TenantScope, conversation_id: str, params: ListParams) -> dict[str, Any]:
    if await conversations.get(conn, scope, conversation_id) is None:
        raise NotFound(f"No conversation {conversation_id}.")
    rows = await repository.list_(conn, scope, conversation_id, params)
    return page(rows, params, render)
