"""SQL for messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skchat.kit.db import Connection, Record, TenantScope, one
from skchat.kit.pagination import ListParams, keyset_sql

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
        INSERT INTO messages (tenant_id, livemode, id, conversation_id, role, sender_type, sender_id,
                              text, intent, lang, sentiment, sentiment_score, confidence, sources)
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
