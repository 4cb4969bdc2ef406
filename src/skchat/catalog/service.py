"""Catalog items: the products the agent quotes prices, sizes and stock from.

As with articles: a given `id` is kept, an id already in use is a 409 `conflict`, and a PATCH
that changes nothing writes nothing. `attributes` in a PATCH replaces the item's attributes.
"""

from __future__ import annotations

from typing import Any

from skchat.catalog import repository
from skchat.catalog.schemas import ItemCreate, ItemUpdate, render
from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.errors import Conflict, NotFound
from skchat.kit.ids import new_id
from skchat.kit.pagination import ListParams, page
from skchat.knowledge.corpus import ranked


async def _get(conn: Connection, scope: TenantScope, item_id: str, *, lock: bool = False) -> Record:
    row = await repository.get(conn, scope, item_id, lock=lock)
    if row is None:
        raise NotFound(f"No catalog item {item_id}.")
    return row


async def create(conn: Connection, scope: TenantScope, body: ItemCreate) -> dict[str, Any]:
    item_id = body.id or new_id("itm")
    row = await repository.insert(conn, scope, item_id, body.model_dump(exclude={"id"}))
    if row is None:
        raise Conflict(f"A catalog item with id {item_id} already exists; PATCH it to change it.")
    return render(row)


async def get(conn: Connection, scope: TenantScope, item_id: str) -> dict[str, Any]:
    return render(await _get(conn, scope, item_id))


async def list_(conn: Connection, scope: TenantScope, params: ListParams, filters: dict[str, Any]) -> dict[str, Any]:
    return page(await repository.list_(conn, scope, params, filters), params, render)


async def update(conn: Connection, scope: TenantScope, item_id: str, body: ItemUpdate) -> dict[str, Any]:
    row = await _get(conn, scope, item_id, lock=True)
    current = render(row)
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v != current[k]}
    if not changes:
        return current
    updated = await repository.update(conn, scope, item_id, changes)
    assert updated is not None  # the row is locked
    return render(updated)


async def delete(conn: Connection, scope: TenantScope, item_id: str) -> dict[str, Any]:
    if not await repository.delete(conn, scope, item_id):
        raise NotFound(f"No catalog item {item_id}.")
    return {"id": item_id, "object": "catalog_item", "deleted": True}


async def search(conn: Connection, scope: TenantScope, query: str, *, limit: int) -> dict[str, Any]:
    """Items ranked for the query by the tenant's retriever, best first (same ranking the agent uses)."""
    hits = await ranked(conn, scope, query, kind="item", limit=limit)
    rows = {row["id"]: row for row in await repository.get_many(conn, scope, [h.id for h in hits])}
    return {
        "object": "list",
        "data": [
            {"object": "search_result", "score": h.score, "item": render(rows[h.id])} for h in hits if h.id in rows
        ],
    }
