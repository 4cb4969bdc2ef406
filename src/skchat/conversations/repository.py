"""SQL for conversations. Reads join the contact, since the object embeds its summary."""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.pagination import ListParams, keyset_sql
from skchat.kit.rows import update_row

SELECT = """
    SELECT v.id, v.livemode, v.channel, v.status, v.agent_id, v.contact_id, v.assignee_id,
           v.lang, v.sentiment, v.sentiment_score, v.intent, v.metadata, v.resolution,
           v.message_count, v.unanswered_count, v.created_at, v.updated_at, v.closed_at,
           c.external_id AS contact_external_id, c.name AS contact_name
    FROM conversations v
    JOIN contacts c ON c.tenant_id = v.tenant_id AND c.livemode = v.livemode AND c.id = v.contact_id
"""


async def insert(
    conn: Connection,
    scope: TenantScope,
    conversation_id: str,
    channel: str,
    agent_id: str,
    contact_id: str,
    metadata: dict[str, Any],
) -> None:
    await conn.execute(
        """
        INSERT INTO conversations (tenant_id, livemode, id, channel, status, agent_id, contact_id, metadata)
        VALUES ($1, $2, $3, $4, 'open', $5, $6, $7)
        """,
        scope.tenant_id,
        scope.livemode,
        conversation_id,
        channel,
        agent_id,
        contact_id,
        metadata,
    )


async def get(conn: Connection, scope: TenantScope, conversation_id: str, *, lock: bool = False) -> Record | None:
    row: Record | None = await conn.fetchrow(
        SELECT + " WHERE v.tenant_id = $1 AND v.livemode = $2 AND v.id = $3" + (" FOR UPDATE OF v" if lock else ""),
        scope.tenant_id,
        scope.livemode,
        conversation_id,
    )
    return row


async def update(conn: Connection, scope: TenantScope, conversation_id: str, changes: dict[str, Any]) -> None:
    """Set the given columns (names come from the service, never from the request)."""
    await update_row(conn, "conversations", scope, conversation_id, changes, returning="id")


async def release_assignee(conn: Connection, scope: TenantScope, member_id: str) -> list[str]:
    """Clear `member_id` as assignee; an `assigned` conversation becomes `handoff`. Returns those."""
    rows = await conn.fetch(
        """
        UPDATE conversations
        SET assignee_id = NULL, updated_at = clock_timestamp(),
            status = CASE WHEN status = 'assigned' THEN 'handoff' ELSE status END
        WHERE tenant_id = $1 AND livemode = $2 AND assignee_id = $3
        RETURNING id, status
        """,
        scope.tenant_id,
        scope.livemode,
        member_id,
    )
    return sorted(r["id"] for r in rows if r["status"] == "handoff")


async def count_message(conn: Connection, scope: TenantScope, conversation_id: str) -> None:
    await conn.execute(
        "UPDATE conversations SET message_count = message_count + 1, updated_at = clock_timestamp() "
        "WHERE tenant_id = $1 AND livemode = $2 AND id = $3",
        scope.tenant_id,
        scope.livemode,
        conversation_id,
    )


async def list_(conn: Connection, scope: TenantScope, params: ListParams, filters: dict[str, str]) -> list[Record]:
    args: list[Any] = [scope.tenant_id, scope.livemode]
    where = "v.tenant_id = $1 AND v.livemode = $2"
    for column, value in filters.items():
        args.append(value)
        where += f" AND v.{column} = ${len(args)}"
    page_where, tail = keyset_sql(params, args, "v")
    rows: list[Record] = await conn.fetch(f"{SELECT} WHERE {where}{page_where}{tail}", *args)
    return rows


def received_ctes() -> str:
    """CTEs `prior`, `mood` and `conversation` moving a conversation for a customer message, for
    composing the statement that stores it (messages.repository.receive).

    Parameters: $1 tenant_id, $2 livemode, $3 conversation id, $4 lang, $5 intent, $6 the
    message's sentiment score, $7 the mood's weight, $8 its threshold. `conversation` locks the
    row, counts the message, takes the next event sequence number, reopens a closed conversation,
    and moves language, intent and mood (the moving average of agent/mood.py). It returns the row
    after the change plus `previous_status`, `previous_sentiment`, `previous_score` and the agent's
    `handoff` rules; no row when there is no such conversation.
    """
    return """
        prior AS (
            SELECT id, status, sentiment, sentiment_score FROM conversations
            WHERE tenant_id = $1 AND livemode = $2 AND id = $3
            FOR UPDATE
        ), mood AS (
            SELECT CASE WHEN $6::real IS NULL THEN prior.sentiment_score
                        WHEN prior.sentiment_score IS NULL THEN $6::real
                        ELSE $7::real * $6::real + (1 - $7::real) * prior.sentiment_score END AS score
            FROM prior
        ), conversation AS (
            UPDATE conversations v
            SET message_count = v.message_count + 1,
                event_seq = v.event_seq + 1,
                status = CASE WHEN v.status = 'closed'
                              THEN CASE WHEN v.assignee_id IS NULL THEN 'open' ELSE 'assigned' END
                              ELSE v.status END,
                closed_at = CASE WHEN v.status = 'closed' THEN NULL ELSE v.closed_at END,
                resolution = CASE WHEN v.status = 'closed' THEN NULL ELSE v.resolution END,
                lang = COALESCE($4, v.lang),
                intent = COALESCE($5, v.intent),
                sentiment_score = mood.score,
                sentiment = CASE WHEN mood.score IS NULL THEN v.sentiment
                                 WHEN mood.score <= -$8::real THEN 'negative'
                                 WHEN mood.score >= $8::real THEN 'positive'
                                 ELSE 'neutral' END,
                updated_at = clock_timestamp()
            FROM prior, mood
            WHERE v.tenant_id = $1 AND v.livemode = $2 AND v.id = $3 AND v.id = prior.id
            RETURNING v.id, v.status, v.channel, v.agent_id, v.contact_id, v.assignee_id, v.sentiment,
                      v.sentiment_score, v.event_seq, prior.status AS previous_status,
                      prior.sentiment AS previous_sentiment, prior.sentiment_score AS previous_score,
                      (SELECT a.handoff FROM agents a
                       WHERE a.tenant_id = v.tenant_id AND a.livemode = v.livemode AND a.id = v.agent_id)
                          AS agent_handoff
        )"""
