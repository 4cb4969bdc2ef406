"""SQL for team members."""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.pagination import ListParams
from skchat.kit.rows import delete_row, get_row, list_rows, update_row

COLUMNS = "id, livemode, name, email, role, created_at, updated_at"


async def insert(
    conn: Connection, scope: TenantScope, member_id: str, name: str, email: str, role: str
) -> Record | None:
    """The new member, or None when the email is already taken (no error, so the transaction lives on)."""
    row: Record | None = await conn.fetchrow(
        f"""
        INSERT INTO members (tenant_id, livemode, id, name, email, role)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (tenant_id, livemode, email) DO NOTHING
        RETURNING {COLUMNS}
        """,
        scope.tenant_id,
        scope.livemode,
        member_id,
        name,
        email,
        role,
    )
    return row


async def get(conn: Connection, scope: TenantScope, member_id: str, *, lock: bool = False) -> Record | None:
    return await get_row(conn, "members", scope, member_id, columns=COLUMNS, lock=lock)


async def email_taken(conn: Connection, scope: TenantScope, email: str, *, other_than: str) -> bool:
    taken: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM members WHERE tenant_id = $1 AND livemode = $2 AND email = $3 AND id <> $4)",
        scope.tenant_id,
        scope.livemode,
        email,
        other_than,
    )
    return taken


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> list[Record]:
    return await list_rows(conn, "members", scope, params, {}, columns=COLUMNS)


async def update(conn: Connection, scope: TenantScope, member_id: str, changes: dict[str, Any]) -> Record | None:
    """Set the given columns (names come from the service, never from the request)."""
    return await update_row(conn, "members", scope, member_id, changes, returning=COLUMNS)


async def delete(conn: Connection, scope: TenantScope, member_id: str) -> bool:
    """Hard delete (the service first hands the member's conversations back: conversations.handoff)."""
    return await delete_row(conn, "members", scope, member_id)
