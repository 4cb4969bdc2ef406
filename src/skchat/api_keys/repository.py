"""SQL for API keys. Only the keyed hash and the last four characters are stored."""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope, one
from skchat.kit.pagination import ListParams, keyset_sql

COLUMNS = "id, livemode, name, last4, scopes, created_at, revoked_at"


async def insert(
    conn: Connection,
    scope: TenantScope,
    key_id: str,
    name: str | None,
    key_hash: str,
    last4: str,
    scopes: list[str],
) -> Record:
    row = await one(
        conn,
        f"""
        INSERT INTO api_keys (tenant_id, livemode, id, name, key_hash, last4, scopes)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        RETURNING {COLUMNS}
        """,
        scope.tenant_id,
        scope.livemode,
        key_id,
        name,
        key_hash,
        last4,
        scopes,
    )
    return row


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> list[Record]:
    args: list[Any] = [scope.tenant_id, scope.livemode]
    page_where, tail = keyset_sql(params, args)
    rows: list[Record] = await conn.fetch(
        f"SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 AND livemode = $2 AND revoked_at IS NULL"
        f"{page_where}{tail}",
        *args,
    )
    return rows


async def revoke(conn: Connection, scope: TenantScope, key_id: str) -> bool:
    result: str = await conn.execute(
        "UPDATE api_keys SET revoked_at = clock_timestamp() "
        "WHERE tenant_id = $1 AND livemode = $2 AND id = $3 AND revoked_at IS NULL",
        scope.tenant_id,
        scope.livemode,
        key_id,
    )
    return result.endswith(" 1")
