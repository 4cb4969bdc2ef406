"""SQL for events. Events are rows written in the caller's transaction, never 'sent' from here."""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope, one
from skchat.kit.pagination import ListParams, keyset_sql

COLUMNS = "id, type, conversation_id, sequence, data, created_at, livemode"


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
    row = await one(
        conn,
        f"""
        INSERT INTO events (tenant_id, livemode, id, type, conversation_id, sequence, data)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        RETURNING {COLUMNS}
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
