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
