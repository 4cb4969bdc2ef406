"""SQL for events. Events are rows written in the caller's transaction, never 'sent' from here."""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope, one
from skchat.kit.pagination import ListParams, keyset_sql

COLUMNS = "id, type, conversation_id, sequence, data, created_at, livemode"
# LISTEN/NOTIFY channel the delivery workers wait on; NOTIFY is sent at commit.
DELIVERY_CHANNEL = "skchat_deliveries"


async def next_sequence(conn: Connection, scope: TenantScope, conversation_id: str) -> int:
    # The row lock taken here also orders concurrent writers to one conversation, so
    # sequence numbers follow commit order within a conversation.
    value: int = await conn.fetchval(
        "UPDATE conversations SET event_seq = event_seq + 1 "
        "WHERE tenant_id = $1 AND livemode = $2 AND id = $3 RETURNING event_seq",
        scope.tenant_id,
        scope.livemode,
        conversation_id,
    )
    return value


async def insert(
    conn: Connection,
    scope: TenantScope,
    event_id: str,
    type_: str,
    conversation_id: str | None,
    sequence: int | None,
    data: dict[str, Any],
) -> Record:
    """Insert the event and, in the same statement, one delivery per subscribed endpoint.

    A disabled endpoint's delivery is `held` rather than skipped, so nothing is lost: a
    recover sends it. When any delivery is due, NOTIFY wakes the workers at commit.
    """
    row = await one(
        conn,
        f"""
        WITH event AS (
            INSERT INTO events (tenant_id, livemode, id, type, conversation_id, sequence, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            RETURNING {COLUMNS}
        ), fanout AS (
            INSERT INTO webhook_deliveries (tenant_id, livemode, event_id, endpoint_id, state, event_created_at)
            SELECT w.tenant_id, w.livemode, $3, w.id,
                   CASE WHEN w.disabled THEN 'held' ELSE 'pending' END, (SELECT created_at FROM event)
            FROM webhook_endpoints w
            WHERE w.tenant_id = $1 AND w.livemode = $2 AND ($4 = ANY (w.events) OR '*' = ANY (w.events))
            RETURNING state
        )
        SELECT event.*,
               (SELECT count(*) FROM fanout WHERE state = 'pending') AS due,
               CASE WHEN EXISTS (SELECT 1 FROM fanout WHERE state = 'pending')
                    THEN pg_notify('{DELIVERY_CHANNEL}', '') END AS notified
        FROM event
        """,
        scope.tenant_id,
        scope.livemode,
        event_id,
        type_,
        conversation_id,
        sequence,
        data,
    )
    return row


async def get(conn: Connection, scope: TenantScope, event_id: str) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM events WHERE tenant_id = $1 AND livemode = $2 AND id = $3",
        scope.tenant_id,
        scope.livemode,
        event_id,
    )
    return row


async def list_(
    conn: Connection,
    scope: TenantScope,
    params: ListParams,
    *,
    type_: str | None = None,
    conversation_id: str | None = None,
) -> list[Record]:
    args: list[Any] = [scope.tenant_id, scope.livemode]
    where = "tenant_id = $1 AND livemode = $2"
    if type_ is not None:
        args.append(type_)
        where += f" AND type = ${len(args)}"
    if conversation_id is not None:
        args.append(conversation_id)
        where += f" AND conversation_id = ${len(args)}"
    page_where, tail = keyset_sql(params, args)
    rows: list[Record] = await conn.fetch(f"SELECT {COLUMNS} FROM events WHERE {where}{page_where}{tail}", *args)
    return rows
