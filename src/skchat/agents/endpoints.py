"""/agents: the AI agent's settings (name, greeting, languages, handoff rules, widget).

Scopes: reading an agent needs `conversations:read` and changing one `conversations:write`.
The contract has no agents scope, and an agent's settings decide how conversations are
answered and handed off, so they go with the conversations they govern; a key that may
only read conversations can see, but not change, how they are handled.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from skchat.agents import service
from skchat.agents.schemas import Agent, AgentCreate, AgentList, AgentUpdate
from skchat.kit.context import Ctx, require
from skchat.kit.pagination import ListParams, list_params_dependency
from skchat.kit.routes import api_router

router = api_router("/agents", "Agents")

AgentsRead = Annotated[Ctx, Depends(require("conversations:read"))]
AgentsWrite = Annotated[Ctx, Depends(require("conversations:write"))]
Newest = Annotated[ListParams, Depends(list_params_dependency("desc"))]


@router.post("", status_code=201, response_model=Agent)
async def create_agent(ctx: AgentsWrite, body: AgentCreate) -> dict[str, Any]:
    """Create an agent; settings left out take their defaults."""
    return await service.create(ctx.conn, ctx.principal.scope, body)


@router.get("", response_model=AgentList)
async def list_agents(ctx: AgentsRead, params: Newest) -> dict[str, Any]:
    """List agents, newest first."""
    return await service.list_(ctx.conn, ctx.principal.scope, params)


@router.get("/{agent_id}", response_model=Agent)
async def get_agent(ctx: AgentsRead, agent_id: str) -> dict[str, Any]:
    """Retrieve an agent."""
    return await service.get(ctx.conn, ctx.principal.scope, agent_id)


@router.patch("/{agent_id}", response_model=Agent)
async def update_agent(ctx: AgentsWrite, agent_id: str, body: AgentUpdate) -> dict[str, Any]:
    """Update an agent; `handoff` and `widget` merge into the current settings."""
    return await service.update(ctx.conn, ctx.principal.scope, agent_id, body)
