"""The AI agent's settings: creating agents and changing how they greet, speak and hand off.

Every tenant and mode starts with one default agent (made with the tenant); agents made here
are never the default. Nested settings merge in a PATCH: `{"handoff": {"max_unanswered": 3}}`
changes that rule and keeps the others.
"""

from __future__ import annotations

from typing import Any

from skchat.agents import repository
from skchat.agents.schemas import AgentCreate, AgentUpdate, handoff_rules, render, widget_settings
from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.errors import NotFound
from skchat.kit.ids import new_id
from skchat.kit.pagination import ListParams, page


async def _get(conn: Connection, scope: TenantScope, agent_id: str, *, lock: bool = False) -> Record:
    row = await repository.get(conn, scope, agent_id, lock=lock)
    if row is None:
        raise NotFound(f"No agent {agent_id}.")
    return row


async def create(conn: Connection, scope: TenantScope, body: AgentCreate) -> dict[str, Any]:
    fields = {
        "name": body.name,
        "greeting": body.greeting,
        "languages": body.languages,
        "handoff": handoff_rules(body.handoff.model_dump(exclude_unset=True)),
        "widget": widget_settings(body.widget.model_dump(exclude_unset=True), body.name),
    }
    return render(await repository.insert(conn, scope, new_id("agt"), fields, is_default=False))


async def get(conn: Connection, scope: TenantScope, agent_id: str) -> dict[str, Any]:
    return render(await _get(conn, scope, agent_id))


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> dict[str, Any]:
    return page(await repository.list_(conn, scope, params), params, render)


async def update(conn: Connection, scope: TenantScope, agent_id: str, body: AgentUpdate) -> dict[str, Any]:
    row = await _get(conn, scope, agent_id, lock=True)
    current = render(row)
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, include={"name", "greeting", "languages"})
    if body.handoff is not None:
        changes["handoff"] = {**current["handoff"], **body.handoff.model_dump(exclude_unset=True)}
    if body.widget is not None:
        changes["widget"] = {**current["widget"], **body.widget.model_dump(exclude_unset=True)}
    changes = {k: v for k, v in changes.items() if v != current[k]}
    if not changes:
        return current
    updated = await repository.update(conn, scope, agent_id, changes)
    assert updated is not None  # the row is locked
    return render(updated)
