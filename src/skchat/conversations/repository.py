"""SQL for conversations. Reads join the contact, since the object embeds its summary."""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.pagination import ListParams, keyset_sql

SELECT = """
    SELECT v.id, v.livemode, v.channel, v.status, v.agent_id, v.contact_id, v.assignee_id,
           v.lang, v.sentiment, v.sentiment_score, v.intent, v.metadata, v.resolution,
           v.message_count, v.created_at, v.updated_at, v.closed_at,
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
    args: list[Any] = [scope.tenant_id, scope.livemode, conversation_id]
    sets = []
    for column, value in changes.items():
        args.append(value)
        sets.append(f"{column} = ${len(args)}")
    sets.append("updated_at = clock_timestamp()")
    await conn.execute(
        f"UPDATE conversations SET {', '.join(sets)} WHERE tenant_id = $1 AND livemode = $2 AND id = $3",
        *args,
    )


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
