"""Statements every tenant table's repository needs, written once.

Column names come from services (never from requests), so they are interpolated; every value
is a parameter. Tenant and mode lead every WHERE clause: the second wall next to RLS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.pagination import ListParams, keyset_sql


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


async def get_rows(
    conn: Connection, table: str, scope: TenantScope, ids: Sequence[str], *, columns: str
) -> list[Record]:
    """The rows of these ids that exist, in no particular order."""
    rows: list[Record] = await conn.fetch(
        f"SELECT {columns} FROM {table} WHERE tenant_id = $1 AND livemode = $2 AND id = ANY($3::text[])",
        scope.tenant_id,
        scope.livemode,
        list(ids),
    )
    return rows


async def list_rows(
    conn: Connection,
    table: str,
    scope: TenantScope,
    params: ListParams,
    filters: Mapping[str, Any],
    *,
    columns: str,
) -> list[Record]:
    """One page of rows whose columns equal the filters, by the stable cursor of `params`."""
    args: list[Any] = [scope.tenant_id, scope.livemode]
    where = "tenant_id = $1 AND livemode = $2"
    for column, value in filters.items():
        args.append(value)
        where += f" AND {column} = ${len(args)}"
    page_where, tail = keyset_sql(params, args)
    rows: list[Record] = await conn.fetch(f"SELECT {columns} FROM {table} WHERE {where}{page_where}{tail}", *args)
    return rows


async def all_rows(conn: Connection, table: str, scope: TenantScope, *, columns: str) -> list[Record]:
    """Every row of the tenant and mode, oldest first."""
    rows: list[Record] = await conn.fetch(
        f"SELECT {columns} FROM {table} WHERE tenant_id = $1 AND livemode = $2 ORDER BY created_at, id",
        scope.tenant_id,
        scope.livemode,
    )
    return rows
