"""SQL for contacts (the customers)."""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope, one
from skchat.kit.pagination import ListParams, keyset_sql

COLUMNS = "id, livemode, external_id, name, phone, email, metadata, created_at, updated_at, erased_at"


async def upsert(
    conn: Connection,
    scope: TenantScope,
    contact_id: str,
    external_id: str | None,
    fields: dict[str, Any],
) -> Record:
    """Create the contact, or (same external_id) update the fields given and return it."""
    row = await one(
        conn,
        f"""
        INSERT INTO contacts AS c (tenant_id, livemode, id, external_id, name, phone, email)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (tenant_id, livemode, external_id) DO UPDATE
            SET name = COALESCE(EXCLUDED.name, c.name),
                phone = COALESCE(EXCLUDED.phone, c.phone),
                email = COALESCE(EXCLUDED.email, c.email),
                updated_at = CASE WHEN (EXCLUDED.name, EXCLUDED.phone, EXCLUDED.email)
                                       IS NOT DISTINCT FROM (NULL::text, NULL::text, NULL::text)
                                  THEN c.updated_at ELSE clock_timestamp() END
        RETURNING {COLUMNS}
        """,
        scope.tenant_id,
        scope.livemode,
        contact_id,
        external_id,
        fields.get("name"),
        fields.get("phone"),
        fields.get("email"),
    )
    return row


async def get(conn: Connection, scope: TenantScope, contact_id: str) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM contacts WHERE tenant_id = $1 AND livemode = $2 AND id = $3",
        scope.tenant_id,
        scope.livemode,
        contact_id,
    )
    return row


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> list[Record]:
    args: list[Any] = [scope.tenant_id, scope.livemode]
    page_where, tail = keyset_sql(params, args)
    rows: list[Record] = await conn.fetch(
        f"SELECT {COLUMNS} FROM contacts WHERE tenant_id = $1 AND livemode = $2{page_where}{tail}", *args
    )
    return rows
