"""SQL for catalog items. Prices travel as decimal strings and are stored as NUMERIC."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.pagination import ListParams
from skchat.kit.rows import all_rows, delete_row, get_row, get_rows, list_rows, update_row

COLUMNS = "id, livemode, name, description, category, price, currency, in_stock, attributes, created_at, updated_at"


def _price(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


async def insert(conn: Connection, scope: TenantScope, item_id: str, fields: dict[str, Any]) -> Record | None:
    """The new item, or None when the id is taken (no error, so the transaction lives on)."""
    row: Record | None = await conn.fetchrow(
        f"""
        INSERT INTO catalog_items
            (tenant_id, livemode, id, name, description, category, price, currency, in_stock, attributes)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (tenant_id, livemode, id) DO NOTHING
        RETURNING {COLUMNS}
        """,
        scope.tenant_id,
        scope.livemode,
        item_id,
        fields["name"],
        fields["description"],
        fields["category"],
        _price(fields["price"]),
        fields["currency"],
        fields["in_stock"],
        fields["attributes"],
    )
    return row


async def get(conn: Connection, scope: TenantScope, item_id: str, *, lock: bool = False) -> Record | None:
    return await get_row(conn, "catalog_items", scope, item_id, columns=COLUMNS, lock=lock)


async def get_many(conn: Connection, scope: TenantScope, item_ids: Sequence[str]) -> list[Record]:
    return await get_rows(conn, "catalog_items", scope, item_ids, columns=COLUMNS)


async def list_(conn: Connection, scope: TenantScope, params: ListParams, filters: dict[str, Any]) -> list[Record]:
    return await list_rows(conn, "catalog_items", scope, params, filters, columns=COLUMNS)


async def all_(conn: Connection, scope: TenantScope) -> list[Record]:
    """Every item of the tenant and mode, oldest first (for the agent's corpus)."""
    return await all_rows(conn, "catalog_items", scope, columns=COLUMNS)


async def update(conn: Connection, scope: TenantScope, item_id: str, changes: dict[str, Any]) -> Record | None:
    """Set the given columns (names come from the service, never from the request)."""
    if "price" in changes:
        changes = {**changes, "price": _price(changes["price"])}
    return await update_row(conn, "catalog_items", scope, item_id, changes, returning=COLUMNS)


async def delete(conn: Connection, scope: TenantScope, item_id: str) -> bool:
    return await delete_row(conn, "catalog_items", scope, item_id)
