"""The tenant's intents: the names NLU classifies customer messages into, with examples.

POST upserts by name: a new name is created (201); an existing one is updated (200) with the
fields the body gives, and fields left out keep their current value. An upsert that changes
nothing writes nothing (the intent's `updated_at` and the corpus version stay as they were).
"""

from __future__ import annotations

from typing import Any

from skchat.intents import repository
from skchat.intents.schemas import IntentUpsert, render
from skchat.kit.db import Connection, TenantScope
from skchat.kit.errors import Conflict, NotFound
from skchat.kit.pagination import ListParams, page


async def upsert(conn: Connection, scope: TenantScope, body: IntentUpsert) -> tuple[dict[str, Any], bool]:
    """The intent and whether it was created."""
    for _ in range(3):  # a concurrent delete between the conflict and the lock: try again
        created = await repository.insert(conn, scope, body.name, body.description, body.examples)
        if created is not None:
            return render(created), True
        row = await repository.get(conn, scope, body.name, lock=True)
        if row is not None:
            break
    else:
        raise Conflict(f"Intent {body.name} is being changed concurrently; retry.")
    given = body.model_dump(exclude_unset=True, include={"description", "examples"})
    changes = {k: v for k, v in given.items() if v != (list(row[k]) if k == "examples" else row[k])}
    if not changes:
        return render(row), False
    updated = await repository.update(conn, scope, body.name, changes)
    assert updated is not None  # the row is locked
    return render(updated), False


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> dict[str, Any]:
    return page(await repository.list_(conn, scope, params), params, render)


async def get(conn: Connection, scope: TenantScope, name: str) -> dict[str, Any]:
    row = await repository.get(conn, scope, name)
    if row is None:
        raise NotFound(f"No intent {name}.")
    return render(row)


async def delete(conn: Connection, scope: TenantScope, name: str) -> dict[str, Any]:
    if not await repository.delete(conn, scope, name):
        raise NotFound(f"No intent {name}.")
    return {"name": name, "object": "intent", "deleted": True}
