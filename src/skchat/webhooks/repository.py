"""SQL for webhook endpoints, the delivery queue and the attempts log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from skchat.events.repository import DELIVERY_CHANNEL
from skchat.kit.db import Connection, Record, TenantScope, one
from skchat.kit.notify import on_commit
from skchat.kit.pagination import ListParams, keyset_sql
from skchat.kit.rows import delete_row, get_row, list_rows, update_row
from skchat.kit.sql import ASYNC_COMMIT

COLUMNS = (
    "id, livemode, url, events, description, disabled, disabled_reason, secret, previous_secret, "
    "previous_secret_expires_at, failing_since, created_at, updated_at"
)
ATTEMPT_COLUMNS = (
    "id, livemode, event_id, endpoint_id, attempt, status_code, duration_ms, error, response_body, created_at"
)


# --- endpoints -------------------------------------------------------------------------------


async def insert(
    conn: Connection,
    scope: TenantScope,
    endpoint_id: str,
    url: str,
    events: list[str],
    description: str | None,
    secret: str,
) -> Record:
    return await one(
        conn,
        f"""
        INSERT INTO webhook_endpoints (tenant_id, livemode, id, url, events, description, secret)
        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}
        """,
        scope.tenant_id,
        scope.livemode,
        endpoint_id,
        url,
        events,
        description,
        secret,
    )


async def get(conn: Connection, scope: TenantScope, endpoint_id: str, *, lock: bool = False) -> Record | None:
    return await get_row(conn, "webhook_endpoints", scope, endpoint_id, columns=COLUMNS, lock=lock)


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> list[Record]:
    return await list_rows(conn, "webhook_endpoints", scope, params, {}, columns=COLUMNS)


async def update(conn: Connection, scope: TenantScope, endpoint_id: str, changes: dict[str, Any]) -> Record:
    """Set the given columns (names come from the service, never from the request)."""
    row = await update_row(conn, "webhook_endpoints", scope, endpoint_id, changes, returning=COLUMNS)
    assert row is not None, endpoint_id  # callers hold the row locked
    return row


async def delete(conn: Connection, scope: TenantScope, endpoint_id: str) -> bool:
    return await delete_row(conn, "webhook_endpoints", scope, endpoint_id)


# --- the queue ---------------------------------------------------------------------------------


async def hold_pending(conn: Connection, scope: TenantScope, endpoint_id: str) -> None:
    await conn.execute(
        "UPDATE webhook_deliveries SET state = 'held', lease_until = NULL, updated_at = clock_timestamp() "
        "WHERE tenant_id = $1 AND livemode = $2 AND endpoint_id = $3 AND state = 'pending'",
        scope.tenant_id,
        scope.livemode,
        endpoint_id,
    )


async def release_held(conn: Connection, scope: TenantScope, endpoint_id: str) -> int:
    result: str = await conn.execute(
        """
        UPDATE webhook_deliveries
        SET state = 'pending', next_attempt_at = clock_timestamp(), lease_until = NULL, updated_at = clock_timestamp()
        WHERE tenant_id = $1 AND livemode = $2 AND endpoint_id = $3 AND state = 'held'
        """,
        scope.tenant_id,
        scope.livemode,
        endpoint_id,
    )
    return int(result.rsplit(" ", 1)[1])


async def recover(conn: Connection, scope: TenantScope, endpoint_id: str, since: datetime, until: datetime) -> int:
    """Make failed and held deliveries of events in [since, until) due now, with a fresh schedule."""
    result: str = await conn.execute(
        """
        UPDATE webhook_deliveries
        SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), lease_until = NULL,
            updated_at = clock_timestamp()
        WHERE tenant_id = $1 AND livemode = $2 AND endpoint_id = $3 AND state IN ('failed', 'held')
          AND event_created_at >= $4 AND event_created_at < $5
        """,
        scope.tenant_id,
        scope.livemode,
        endpoint_id,
        since,
        until,
    )
    return int(result.rsplit(" ", 1)[1])


async def redeliver(
    conn: Connection, scope: TenantScope, event_id: str, event_created_at: datetime, endpoint_ids: Sequence[str]
) -> None:
    """Queue the event again for these endpoints now (creating the delivery if there was none)."""
    await conn.execute(
        """
        INSERT INTO webhook_deliveries (tenant_id, livemode, event_id, endpoint_id, state, event_created_at)
        SELECT $1, $2, $3, e, 'pending', $4 FROM unnest($5::text[]) AS e
        ON CONFLICT (tenant_id, livemode, event_id, endpoint_id) DO UPDATE
            SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), lease_until = NULL,
                updated_at = clock_timestamp()
        """,
        scope.tenant_id,
        scope.livemode,
        event_id,
        event_created_at,
        list(endpoint_ids),
    )


async def subscribed_endpoints(conn: Connection, scope: TenantScope, event_type: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT id FROM webhook_endpoints WHERE tenant_id = $1 AND livemode = $2 AND NOT disabled "
        "AND ($3 = ANY (events) OR '*' = ANY (events))",
        scope.tenant_id,
        scope.livemode,
        event_type,
    )
    return [r["id"] for r in rows]


async def notify(conn: Connection) -> None:
    """Wake the delivery workers once the caller's transaction commits."""
    await on_commit(conn, DELIVERY_CHANNEL)


async def list_attempts(conn: Connection, scope: TenantScope, event_id: str, params: ListParams) -> list[Record]:
    args: list[Any] = [scope.tenant_id, scope.livemode, event_id]
    page_where, tail = keyset_sql(params, args)
    rows: list[Record] = await conn.fetch(
        f"SELECT {ATTEMPT_COLUMNS} FROM delivery_attempts "
        f"WHERE tenant_id = $1 AND livemode = $2 AND event_id = $3{page_where}{tail}",
        *args,
    )
    return rows


# --- the dispatcher's side ---------------------------------------------------------------------

# The worker's own bookkeeping (leases, outcomes) commits without waiting for its WAL flush
# (kit.db.ASYNC_COMMIT): a PostgreSQL crash may lose its last fraction of a second, which only
# makes those deliveries due again (at-least-once; receivers dedupe on webhook-id). Events and
# their delivery rows are committed durably with the change that caused them. Measured: claims
# 25% faster in wall time.


async def claim(
    conn: Connection, limit: int, lease_s: float, per_endpoint: int, skip_endpoints: Sequence[str]
) -> list[Record]:
    """Lease due deliveries; each row carries what to send (the event, the endpoint's URL and
    secrets) and its `row_ctid`, by which `record_outcomes` settles it."""
    rows: list[Record] = await conn.fetch(
        f"SELECT c.* FROM skchat_claim_deliveries($1, $2, $3, $4) AS c, {ASYNC_COMMIT}",
        limit,
        lease_s,
        per_endpoint,
        list(skip_endpoints),
    )
    return rows


async def record_outcomes(
    conn: Connection,
    scope: TenantScope,
    settled: Sequence[tuple[Any, ...]],
    attempts: Sequence[tuple[Any, ...]],
    succeeded: Sequence[str],
    failed: Sequence[str],
    disable_after_s: float,
) -> tuple[int, list[str]]:
    """Settle the deliveries, log the attempts and mark endpoint health, in one statement; return how
    many were settled and the endpoints failing too long.

    settled: (row_ctid, event_id, endpoint_id, state, attempts, next_attempt_at or None), the
    lease released. A row is found by the ctid its claim returned, with its key and `pending`
    state re-checked: if it changed since (its endpoint disabled mid-flight, redelivered,
    claimed again after its lease ran out) the ctid no longer matches and the row is left as it
    is. `skchat_settle_deliveries` (migration 0007) does this as tid lookups, the one plan no stale
    statistics can turn into a scan of the backlog.

    attempts: (id, event_id, endpoint_id, attempt, status_code, duration_ms, error, response_body),
    inserted in one statement that also sets or clears `failing_since` and returns the `failed`
    endpoints failing for longer than `disable_after_s` (its own marks, made now, cannot qualify).
    """
    settle_columns = list(zip(*settled, strict=True)) if settled else [() for _ in range(6)]
    attempt_columns = list(zip(*attempts, strict=True)) if attempts else [() for _ in range(8)]
    row = await one(
        conn,
        f"""
        WITH settled AS (
            SELECT skchat_settle_deliveries($3::tid[], $4::text[], $5::text[], $6::text[], $7::integer[],
                                            $8::timestamptz[]) AS n
        ), logged AS (
            INSERT INTO delivery_attempts (tenant_id, livemode, id, event_id, endpoint_id, attempt, status_code,
                                           duration_ms, error, response_body)
            SELECT $1, $2, a.*
            FROM unnest($9::text[], $10::text[], $11::text[], $12::integer[], $13::integer[], $14::integer[],
                        $15::text[], $16::text[]) AS a
        ), healthy AS (
            UPDATE webhook_endpoints SET failing_since = NULL
            WHERE tenant_id = $1 AND livemode = $2 AND id = ANY ($17::text[]) AND failing_since IS NOT NULL
        ), failing AS (
            UPDATE webhook_endpoints SET failing_since = clock_timestamp()
            WHERE tenant_id = $1 AND livemode = $2 AND id = ANY ($18::text[]) AND failing_since IS NULL
        )
        SELECT (SELECT n FROM settled) AS settled, {ASYNC_COMMIT},
               ARRAY(SELECT id FROM webhook_endpoints
                     WHERE tenant_id = $1 AND livemode = $2 AND id = ANY ($18::text[]) AND NOT disabled
                       AND failing_since < clock_timestamp() - make_interval(secs => $19)
                     ORDER BY id) AS failing_too_long
        """,
        scope.tenant_id,
        scope.livemode,
        *(list(c) for c in settle_columns),
        *(list(c) for c in attempt_columns),
        list(succeeded),
        list(failed),
        disable_after_s,
    )
    return row["settled"], list(row["failing_too_long"])
