"""SQL for intents. An intent's key is its name; lists page on (created_at, name)."""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.pagination import ListParams, keyset_sql
from skchat.kit.rows import delete_row, get_row, update_row

COLUMNS = "name, livemode, description, examples, created_at, updated_at"


async def insert(
    conn: Connection, scope: TenantScope, name: str, description: str, examples: list[str]
) -> Record | None:
    """The new intent, or None when the name is taken (no error, so the transaction lives on)."""
    row: Record | None = await conn.fetchrow(
        f"""
        INSERT INTO intents (tenant_id, livemode, name, description, examples)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (tenant_id, livemode, name) DO NOTHING
        RETURNING {COLUMNS}
        """,
        scope.tenant_id,
        scope.livemode,
        name,
        description,
        examples,
    )
    return row


async def get(conn: Connection, scope: TenantScope, name: str, *, lock: bool = False) -> Record | None:
    return await get_row(conn, "intents", scope, name, columns=COLUMNS, key_column="name", lock=lock)


async def update(conn: Connection, scope: TenantScope, name: str, changes: dict[str, Any]) -> Record | None:
    """Set the given columns (names come from the service, never from the request)."""
    return await update_row(conn, "intents", scope, name, changes, returning=COLUMNS, key_column="name")


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> list[Record]:
    # The cursor helpers key on (created_at, id): the name plays the id.
    args: list[Any] = [scope.tenant_id, scope.livemode]
    page_where, tail = keyset_sql(params, args, "i")
    rows: list[Record] = await conn.fetch(
        f"SELECT i.* FROM (SELECT name AS id, {COLUMNS} FROM intents WHERE tenant_id = $1 AND livemode = $2) i"
        f" WHERE true{page_where}{tail}",
        *args,
    )
    return rows


async def all_(conn: Connection, scope: TenantScope) -> list[Record]:
    """Every intent of the tenant and mode, oldest first (for the agent's corpus)."""
    rows: list[Record] = await conn.fetch(
        f"SELECT {COLUMNS} FROM intents WHERE tenant_id = $1 AND livemode = $2 ORDER BY created_at, name",
        scope.tenant_id,
        scope.livemode,
    )
    return rows


async def delete(conn: Connection, scope: TenantScope, name: str) -> bool:
    return await delete_row(conn, "intents", scope, name, key_column="name")
