"""SQL for team members."""

from __future__ import annotations

from skchat.kit.db import Connection, Record, TenantScope

COLUMNS = "id, livemode, name, email, role, created_at, updated_at"


async def get(conn: Connection, scope: TenantScope, member_id: str) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM members WHERE tenant_id = $1 AND livemode = $2 AND id = $3",
        scope.tenant_id,
        scope.livemode,
        member_id,
    )
    return row
