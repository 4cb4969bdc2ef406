"""/catalog: the items (products) the AI agent answers from, and search over them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from skchat.catalog import service
from skchat.catalog.schemas import Item, ItemCreate, ItemList, ItemSearchResults, ItemUpdate
from skchat.kit.context import Ctx, require
from skchat.kit.pagination import ListParams, list_params_dependency
from skchat.kit.routes import api_router
from skchat.kit.schemas import Deleted
from skchat.knowledge.schemas import SearchLimit, SearchQuery

router = api_router("/catalog", "Catalog")

KnowledgeRead = Annotated[Ctx, Depends(require("knowledge:read"))]
KnowledgeWrite = Annotated[Ctx, Depends(require("knowledge:write"))]
Newest = Annotated[ListParams, Depends(list_params_dependency("desc"))]


@router.post("/items", status_code=201, response_model=Item)
async def create_item(ctx: KnowledgeWrite, body: ItemCreate) -> dict[str, Any]:
    """Create a catalog item; an `id` given is kept (409 if it is already in use)."""
    return await service.create(ctx.conn, ctx.principal.scope, body)


@router.get("/items", response_model=ItemList)
async def list_items(
    ctx: KnowledgeRead,
    params: Newest,
    category: Annotated[str | None, Query(max_length=100)] = None,
    in_stock: Annotated[bool | None, Query()] = None,
) -> dict[str, Any]:
    """List catalog items, newest first; filters `category`, `in_stock`."""
    given = {"category": category, "in_stock": in_stock}
    filters = {k: v for k, v in given.items() if v is not None}
    return await service.list_(ctx.conn, ctx.principal.scope, params, filters)


@router.get("/search", response_model=ItemSearchResults)
async def search_catalog(ctx: KnowledgeRead, q: SearchQuery, limit: SearchLimit = 10) -> dict[str, Any]:
    """Search catalog items: ranked results, best first, each with its score and the item."""
    return await service.search(ctx.conn, ctx.principal.scope, q, limit=limit)


@router.get("/items/{item_id}", response_model=Item)
async def get_item(ctx: KnowledgeRead, item_id: str) -> dict[str, Any]:
    """Retrieve a catalog item."""
    return await service.get(ctx.conn, ctx.principal.scope, item_id)


@router.patch("/items/{item_id}", response_model=Item)
async def update_item(ctx: KnowledgeWrite, item_id: str, body: ItemUpdate) -> dict[str, Any]:
    """Update a catalog item; fields left out stay as they are, `attributes` is replaced whole."""
    return await service.update(ctx.conn, ctx.principal.scope, item_id, body)


@router.delete("/items/{item_id}", response_model=Deleted)
async def delete_item(ctx: KnowledgeWrite, item_id: str) -> dict[str, Any]:
    """Delete a catalog item."""
    return await service.delete(ctx.conn, ctx.principal.scope, item_id)
