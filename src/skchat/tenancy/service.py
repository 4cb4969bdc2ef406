"""Creating a tenant: its row, a default agent and one key in each mode, in one transaction."""

from __future__ import annotations

from typing import Any

from skchat.agents import repository as agents
from skchat.agents.defaults import default_agent_fields
from skchat.api_keys.service import issue
from skchat.kit.db import Database, TenantScope, set_scope
from skchat.kit.ids import new_id
from skchat.kit.keys import SCOPES


async def create_tenant(db: Database, secret: bytes, name: str) -> dict[str, Any]:
    tenant_id = new_id("ten")
    created: dict[str, Any] = {"tenant_id": tenant_id, "name": name}
    async with db.pool.acquire() as conn, conn.transaction():
        # Inserting the tenant row is allowed by RLS only once the transaction names it.
        await set_scope(conn, TenantScope(tenant_id, False))
        await conn.execute("INSERT INTO tenants (id, name) VALUES ($1, $2)", tenant_id, name)
        for livemode in (False, True):
            scope = TenantScope(tenant_id, livemode)
            await set_scope(conn, scope)
            agent = await agents.insert(conn, scope, new_id("agt"), default_agent_fields(name), is_default=True)
            key = await issue(conn, scope, secret, f"Default {'live' if livemode else 'test'} key", SCOPES)
            mode = "live" if livemode else "test"
            created[f"{mode}_key"] = key["key"]
            created[f"{mode}_agent_id"] = agent["id"]
    created["agent_id"] = created["test_agent_id"]
    return created
