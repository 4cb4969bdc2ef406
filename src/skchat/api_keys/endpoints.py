"""/api_keys: create (the secret is shown once), list, revoke."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from skchat.api_keys import service
from skchat.api_keys.schemas import ApiKey, ApiKeyCreate, ApiKeyList
from skchat.kit.context import Ctx, require
from skchat.kit.pagination import ListParams, list_params_dependency
from skchat.kit.routes import api_router
from skchat.kit.schemas import Deleted

router = api_router("/api_keys", "API keys")

KeysManage = Annotated[Ctx, Depends(require("keys:manage"))]
Newest = Annotated[ListParams, Depends(list_params_dependency("desc"))]


@router.post("", status_code=201, response_model=ApiKey)
async def create_api_key(ctx: KeysManage, body: ApiKeyCreate) -> dict[str, Any]:
    """Create an API key of this key's mode; the secret `key` is in this answer only."""
    return await service.create(ctx.conn, ctx.principal.scope, ctx.runtime.key_secret, ctx.principal.scopes, body)


@router.get("", response_model=ApiKeyList, response_model_exclude_unset=True)
async def list_api_keys(ctx: KeysManage, params: Newest) -> dict[str, Any]:
    """List active API keys (never their secrets, only `last4`)."""
    return await service.list_(ctx.conn, ctx.principal.scope, params)


@router.delete("/{key_id}", response_model=Deleted)
async def revoke_api_key(ctx: KeysManage, key_id: str) -> dict[str, Any]:
    """Revoke an API key; it stops working at once."""
    return await service.revoke(ctx.conn, ctx.principal.scope, key_id)
