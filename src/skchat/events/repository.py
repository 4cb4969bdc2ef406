"""SQL for events. Events are rows written in the caller's transaction, never 'sent' from here."""

from __future__ import annotations

from typing import Any

from skchat.kit import notify
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


def event_ctes(
    tenant_id: str,
    livemode: str,
    id_: str,
    type_: str,
    conversation_id: str,
    sequence: str,
    data: str,
    *,
    source: str = "",
) -> str:
    """`event` and `fanout` CTEs inserting an event and its deliveries, for composing statements.

    Each argument is an SQL expression: a parameter ("$3"), a literal, or a column of `source`
    (a FROM list, e.g. other CTEs: no event is inserted when it has no row). One delivery per
    subscribed endpoint; a disabled endpoint's delivery is `held` rather than skipped, so nothing
    is lost (a recover sends it).
    """
    t, m, e, ty = tenant_id, livemode, id_, type_
    return f"""
        event AS (
            INSERT INTO events (tenant_id, livemode, id, type, conversation_id, sequence, data)
            SELECT {t}, {m}, {e}, {ty}, {conversation_id}, {sequence}, {data}{f" FROM {source}" if source else ""}
            RETURNING {COLUMNS}
        ), fanout AS (
            INSERT INTO webhook_deliveries (tenant_id, livemode, event_id, endpoint_id, state, event_created_at)
            SELECT w.tenant_id, w.livemode, event.id, w.id,
                   CASE WHEN w.disabled THEN 'held' ELSE 'pending' END, event.created_at
            FROM event, webhook_endpoints w
            WHERE w.tenant_id = {t} AND w.livemode = {m} AND ({ty} = ANY (w.events) OR '*' = ANY (w.events))
            RETURNING state
        )"""


# Selected beside the CTEs' result: whether deliveries are due, so the workers are woken after commit.
DELIVERIES_DUE = "EXISTS (SELECT 1 FROM fanout WHERE state = 'pending') AS deliveries_due"


async def wake_delivery_workers(conn: Connection, row: Record) -> None:
    if row["deliveries_due"]:
        await notify.on_commit(conn, DELIVERY_CHANNEL)


async def insert(
    conn: Connection,
    scope: TenantScope,
    event_id: str,
    type_: str,
    conversation_id: str | None,
    sequence: int | None,
    data: dict[str, Any],
) -> Record:
    """Insert the event and, in the same statement, one delivery per subscribed endpoint."""
    row = await one(
        conn,
        f"WITH {event_ctes('$1', '$2', '$3', '$4', '$5', '$6', '$7')} SELECT event.*, {DELIVERIES_DUE} FROM event",
        scope.tenant_id,
        scope.livemode,
        event_id,
        type_,
        conversation_id,
        sequence,
        data,
    )
    await wake_delivery_workers(conn, row)
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
