"""/intents: the tenant's intent names with examples, which NLU classifies customer messages into."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Response

from skchat.intents import service
from skchat.intents.schemas import Intent, IntentDeleted, IntentList, IntentUpsert
from skchat.kit.context import Ctx, require
from skchat.kit.pagination import ListParams, list_params_dependency
from skchat.kit.routes import api_router

router = api_router("/intents", "Intents")

KnowledgeRead = Annotated[Ctx, Depends(require("knowledge:read"))]
KnowledgeWrite = Annotated[Ctx, Depends(require("knowledge:write"))]
Newest = Annotated[ListParams, Depends(list_params_dependency("desc"))]


@router.post(
    "",
    status_code=201,
    response_model=Intent,
    responses={200: {"model": Intent, "description": "Updated: an intent with this name already existed."}},
)
async def upsert_intent(ctx: KnowledgeWrite, body: IntentUpsert, response: Response) -> dict[str, Any]:
    """Create an intent, or update the one with this name (fields left out keep their value)."""
    intent, created = await service.upsert(ctx.conn, ctx.principal.scope, body)
    if not created:
        response.status_code = 200
    return intent


@router.get("", response_model=IntentList)
async def list_intents(ctx: KnowledgeRead, params: Newest) -> dict[str, Any]:
    """List intents, newest first (`order=asc` for the order they were defined in)."""
    return await service.list_(ctx.conn, ctx.principal.scope, params)


@router.get("/{name}", response_model=Intent)
async def get_intent(ctx: KnowledgeRead, name: str) -> dict[str, Any]:
    """Retrieve an intent by name."""
    return await service.get(ctx.conn, ctx.principal.scope, name)


@router.delete("/{name}", response_model=IntentDeleted)
async def delete_intent(ctx: KnowledgeWrite, name: str) -> dict[str, Any]:
    """Delete an intent; articles that name it keep the name."""
    return await service.delete(ctx.conn, ctx.principal.scope, name)
