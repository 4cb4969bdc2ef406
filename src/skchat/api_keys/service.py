"""Issuing and revoking API keys. A key can only mint keys of its own mode and its own scopes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from skchat.api_keys import repository
from skchat.api_keys.schemas import ApiKeyCreate, render
from skchat.kit.db import Connection, TenantScope
from skchat.kit.errors import Forbidden, NotFound
from skchat.kit.ids import new_id
from skchat.kit.keys import SCOPES, generate_key, hash_key
from skchat.kit.pagination import ListParams, page


async def issue(
    conn: Connection, scope: TenantScope, secret: bytes, name: str | None, scopes: Iterable[str]
) -> dict[str, Any]:
    """Create a key and return it with its secret, which is never retrievable again."""
    key = generate_key(scope.livemode)
    ordered = [s for s in SCOPES if s in set(scopes)]
    row = await repository.insert(conn, scope, new_id("key"), name, hash_key(secret, key), key[-4:], ordered)
    return render(row, key)


async def create(
    conn: Connection, scope: TenantScope, secret: bytes, creator_scopes: frozenset[str], body: ApiKeyCreate
) -> dict[str, Any]:
    wanted = set(body.scopes) if body.scopes else set(creator_scopes)
    beyond = sorted(wanted - creator_scopes)
    if beyond:
        raise Forbidden(f"A key cannot grant scopes it lacks itself: {', '.join(beyond)}.")
    return await issue(conn, scope, secret, body.name, wanted)


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> dict[str, Any]:
    return page(await repository.list_(conn, scope, params), params, render)


async def revoke(conn: Connection, scope: TenantScope, key_id: str) -> dict[str, Any]:
    if not await repository.revoke(conn, scope, key_id):
        raise NotFound(f"No API key {key_id}.")
    return {"id": key_id, "object": "api_key", "deleted": True}
