"""Posting and listing messages: the rules of who may say what, and which event it makes."""

from __future__ import annotations

from typing import Any

from skchat.agent import inbound, mood
from skchat.agent.services import AgentServices
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


async def post(
    conn: Connection,
    scope: TenantScope,
    conversation_id: str,
    body: MessageCreate,
    agent: AgentServices | None = None,
) -> dict[str, Any]:
    if body.role == "customer":
        return await receive_customer_message(conn, scope, conversation_id, body.text, agent)
    conversation = await locked_conversation(conn, scope, conversation_id)
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
    conn: Connection, scope: TenantScope, conversation_id: str, text: str, agent: AgentServices | None
) -> dict[str, Any]:
    """A customer message: annotated, stored, announced, handed to the agent (agent/inbound.py).

    It reopens a closed conversation. The hot path is one statement (messages.repository.receive:
    the conversation's locking update, the message, its event and deliveries, a reply job); when
    the agent stands down, its job becomes a handoff notice and the follow-up events are written.
    """
    annotation = None
    if agent is not None:
        # Intents up to a second old are fine here; it saves the version check's round trip.
        corpus, _ = await agent.corpus.get(conn, scope, max_age_s=1.0)
        annotation = await agent.annotate(text, corpus.intents)
    new = NewMessage(
        new_id("msg"),
        conversation_id,
        "customer",
        "customer",
        None,  # the conversation's contact: the statement fills it in
        text,
        intent=annotation.intent if annotation else None,
        lang=annotation.lang if annotation else None,
        sentiment=annotation.sentiment if annotation else None,
        sentiment_score=round(annotation.sentiment_score, 4) if annotation else None,
        confidence=round(annotation.confidence, 4) if annotation else None,
    )
    job_id = new_id("job")
    row = await repository.receive(
        conn,
        scope,
        new,
        score=annotation.sentiment_score if annotation else None,
        mood_weight=mood.WEIGHT,
        mood_threshold=mood.THRESHOLD,
        event_id=new_id("evt"),
        job_id=job_id,
    )
    if row is None:
        raise NotFound(f"No conversation {conversation_id}.")
    conversation = row["conversation"]
    decided = inbound.plan(conversation, annotation)
    # The statement queued a reply job exactly when the conversation is open, as plan() decides;
    # only a stand-down changes its kind.
    if decided.job_kind is not None and decided.job_kind != "reply":
        await repository.set_job_kind(conn, scope, job_id, decided.job_kind)
    await inbound.follow_up(conn, scope, conversation, new.id, decided)
    return render(row)


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
