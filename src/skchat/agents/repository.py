"""SQL for agents (the AI agent's settings)."""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope, one
from skchat.kit.pagination import ListParams
from skchat.kit.rows import get_row, list_rows, update_row

COLUMNS = "id, livemode, name, greeting, languages, handoff, widget, is_default, created_at, updated_at"


async def insert(
    conn: Connection, scope: TenantScope, agent_id: str, fields: dict[str, Any], *, is_default: bool
) -> Record:
    row = await one(
        conn,
        f"""
        INSERT INTO agents (tenant_id, livemode, id, name, greeting, languages, handoff, widget, is_default)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        RETURNING {COLUMNS}
        """,
        scope.tenant_id,
        scope.livemode,
        agent_id,
        fields["name"],
        fields.get("greeting"),
        fields.get("languages", []),
        fields.get("handoff", {}),
        fields.get("widget", {}),
        is_default,
    )
    return row


async def get(conn: Connection, scope: TenantScope, agent_id: str, *, lock: bool = False) -> Record | None:
    return await get_row(conn, "agents", scope, agent_id, columns=COLUMNS, lock=lock)


async def get_default(conn: Connection, scope: TenantScope) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM agents WHERE tenant_id = $1 AND livemode = $2 AND is_default",
        scope.tenant_id,
        scope.livemode,
    )
    return row


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> list[Record]:
    return await list_rows(conn, "agents", scope, params, {}, columns=COLUMNS)


async def update(conn: Connection, scope: TenantScope, agent_id: str, changes: dict[str, Any]) -> Record | None:
    """Set the given columns (names come from the service, never from the request)."""
    return await update_row(conn, "agents", scope, agent_id, changes, returning=COLUMNS)
