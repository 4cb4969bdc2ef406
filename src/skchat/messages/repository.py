"""SQL for messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skchat.conversations.repository import received_ctes
from skchat.events.repository import DELIVERIES_DUE, event_ctes, wake_delivery_workers
from skchat.kit import notify
from skchat.kit.db import Connection, Record, TenantScope, one
from skchat.kit.pagination import ListParams, keyset_sql

# LISTEN/NOTIFY channel of the agent worker (agent/jobs.py listens on it).
AGENT_JOBS_CHANNEL = "skchat_agent_jobs"

# What an insert sets: `insert` takes every value, `receive` derives the sender from the conversation.
STORED = (
    "tenant_id, livemode, id, conversation_id, role, sender_type, sender_id, "
    "text, intent, lang, sentiment, sentiment_score, confidence, sources"
)
COLUMNS = (
    "id, livemode, conversation_id, role, sender_type, sender_id, text, intent, lang, "
    "sentiment, sentiment_score, confidence, sources, created_at"
)


@dataclass(frozen=True, slots=True)
class NewMessage:
    id: str
    conversation_id: str
    role: str
    sender_type: str
    sender_id: str | None
    text: str
    intent: str | None = None
    lang: str | None = None
    sentiment: str | None = None
    sentiment_score: float | None = None
    confidence: float | None = None
    sources: list[dict[str, str]] = field(default_factory=list)


async def insert(conn: Connection, scope: TenantScope, m: NewMessage) -> Record:
    row = await one(
        conn,
        f"""
        INSERT INTO messages ({STORED})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        RETURNING {COLUMNS}
        """,
        scope.tenant_id,
        scope.livemode,
        m.id,
        m.conversation_id,
        m.role,
        m.sender_type,
        m.sender_id,
        m.text,
        m.intent,
        m.lang,
        m.sentiment,
        m.sentiment_score,
        m.confidence,
        m.sources,
    )
    return row


# The `chat.message.received` event's data, built from the stored message and its conversation.
RECEIVED_EVENT_DATA = """json_build_object(
    'conversation_id', message.conversation_id, 'message_id', message.id, 'text', message.text,
    'intent', message.intent, 'lang', message.lang, 'sentiment', message.sentiment,
    'sentiment_score', message.sentiment_score, 'channel', conversation.channel)"""


async def receive(
    conn: Connection,
    scope: TenantScope,
    m: NewMessage,
    *,
    score: float | None,
    mood_weight: float,
    mood_threshold: float,
    event_id: str,
    job_id: str,
) -> Record | None:
    """A customer message, in one statement of the caller's transaction: the conversation moved
    (conversations.repository.received_ctes, with `score` the message's unrounded sentiment), the
    message stored as from the conversation's contact, its `chat.message.received` event with
    webhook deliveries, and, when the conversation is `open` (the AI active), a `reply` agent job.

    Returns the message's columns, `conversation` (the moved conversation as a dict), `event_id`,
    `deliveries_due` and `job_queued`; None when there is no such conversation.
    """
    event = event_ctes(
        "$1",
        "$2",
        "$14",
        "'chat.message.received'",
        "$3",
        "conversation.event_seq",
        RECEIVED_EVENT_DATA,
        source="conversation, message",
    )
    row: Record | None = await conn.fetchrow(
        f"""
        WITH {received_ctes()}, message AS (
            INSERT INTO messages ({STORED})
            SELECT $1, $2, $9, $3, 'customer', 'customer', conversation.contact_id,
                   $10, $5, $4, $11, $12, $13, '[]'
            FROM conversation
            RETURNING {COLUMNS}
        ), {event}, job AS (
            INSERT INTO agent_jobs (tenant_id, livemode, id, conversation_id, message_id, kind)
            SELECT $1, $2, $15, $3, message.id, 'reply' FROM conversation, message
            WHERE conversation.status = 'open'
            RETURNING 1
        )
        SELECT message.*, to_json(conversation) AS conversation, (SELECT id FROM event) AS event_id,
               {DELIVERIES_DUE}, EXISTS (SELECT 1 FROM job) AS job_queued
        FROM message, conversation
        """,
        scope.tenant_id,
        scope.livemode,
        m.conversation_id,
        m.lang,
        m.intent,
        score,
        mood_weight,
        mood_threshold,
        m.id,
        m.text,
        m.sentiment,
        m.sentiment_score,
        m.confidence,
        event_id,
        job_id,
    )
    if row is None:
        return None
    await wake_delivery_workers(conn, row)
    if row["job_queued"]:
        await notify.on_commit(conn, AGENT_JOBS_CHANNEL)
    return row


async def set_job_kind(conn: Connection, scope: TenantScope, job_id: str, kind: str) -> None:
    """Turn the job `receive` queued into another kind (a handoff notice when the agent stands down)."""
    await conn.execute(
        "UPDATE agent_jobs SET kind = $4 WHERE tenant_id = $1 AND livemode = $2 AND id = $3",
        scope.tenant_id,
        scope.livemode,
        job_id,
        kind,
    )


async def list_(conn: Connection, scope: TenantScope, conversation_id: str, params: ListParams) -> list[Record]:
    args: list[Any] = [scope.tenant_id, scope.livemode, conversation_id]
    page_where, tail = keyset_sql(params, args)
    rows: list[Record] = await conn.fetch(
        f"SELECT {COLUMNS} FROM messages "
        f"WHERE tenant_id = $1 AND livemode = $2 AND conversation_id = $3{page_where}{tail}",
        *args,
    )
    return rows


async def last_id(conn: Connection, scope: TenantScope, conversation_id: str) -> str | None:
    value: str | None = await conn.fetchval(
        "SELECT id FROM messages WHERE tenant_id = $1 AND livemode = $2 AND conversation_id = $3 "
        "ORDER BY created_at DESC, id DESC LIMIT 1",
        scope.tenant_id,
        scope.livemode,
        conversation_id,
    )
    return value


async def get(conn: Connection, scope: TenantScope, message_id: str) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM messages WHERE tenant_id = $1 AND livemode = $2 AND id = $3",
        scope.tenant_id,
        scope.livemode,
        message_id,
    )
    return row


async def recent(
    conn: Connection, scope: TenantScope, conversation_id: str, limit: int, *, before: Any
) -> list[Record]:
    """The last `limit` messages before a time, oldest first (the history a reply sees)."""
    rows: list[Record] = await conn.fetch(
        f"""
        SELECT * FROM (
            SELECT {COLUMNS} FROM messages
            WHERE tenant_id = $1 AND livemode = $2 AND conversation_id = $3 AND created_at < $4
            ORDER BY created_at DESC, id DESC LIMIT $5
        ) m ORDER BY created_at, id
        """,
        scope.tenant_id,
        scope.livemode,
        conversation_id,
        before,
        limit,
    )
    return rows
