"""Statements every tenant table's repository needs, written once.

Column names come from services (never from requests), so they are interpolated; every value
is a parameter. Tenant and mode lead every WHERE clause: the second wall next to RLS.
"""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope


async def update_row(
    conn: Connection,
    table: str,
    scope: TenantScope,
    key: str,
    changes: dict[str, Any],
    *,
    returning: str,
    key_column: str = "id",
) -> Record | None:
    """Set the given columns (and `updated_at`) of one row; None when there is no such row."""
    args: list[Any] = [scope.tenant_id, scope.livemode, key]
    sets = []
    for column, value in changes.items():
        args.append(value)
        sets.append(f"{column} = ${len(args)}")
    sets.append("updated_at = clock_timestamp()")
    row: Record | None = await conn.fetchrow(
        f"UPDATE {table} SET {', '.join(sets)} "
        f"WHERE tenant_id = $1 AND livemode = $2 AND {key_column} = $3 RETURNING {returning}",
        *args,
    )
    return row


async def get_row(
    conn: Connection,
    table: str,
    scope: TenantScope,
    key: str,
    *,
    columns: str,
    key_column: str = "id",
    lock: bool = False,
) -> Record | None:
    """One row by its key, optionally locked FOR UPDATE; None when there is no such row."""
    row: Record | None = await conn.fetchrow(
        f"SELECT {columns} FROM {table} WHERE tenant_id = $1 AND livemode = $2 AND {key_column} = $3"
        + (" FOR UPDATE" if lock else ""),
        scope.tenant_id,
        scope.livemode,
        key,
    )
    return row


async def delete_row(conn: Connection, table: str, scope: TenantScope, key: str, *, key_column: str = "id") -> bool:
    """Delete one row by its key; False when there was none."""
    deleted: str | None = await conn.fetchval(
        f"DELETE FROM {table} WHERE tenant_id = $1 AND livemode = $2 AND {key_column} = $3 RETURNING {key_column}",
        scope.tenant_id,
        scope.livemode,
        key,
    )
    return deleted is not None
