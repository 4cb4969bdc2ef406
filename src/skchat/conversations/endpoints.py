"""/conversations: create, read, list, update, and the lifecycle actions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Depends, Query

from skchat.conversations import service
from skchat.conversations.schemas import (
    AssignRequest,
    Channel,
    CloseRequest,
    Conversation,
    ConversationCreate,
    ConversationList,
    ConversationUpdate,
    HandoffRequest,
    Status,
)
from skchat.kit.context import Ctx, require
from skchat.kit.pagination import ListParams, list_params_dependency
from skchat.kit.routes import api_router

router = api_router("/conversations", "Conversations")

ConversationsRead = Annotated[Ctx, Depends(require("conversations:read"))]
ConversationsWrite = Annotated[Ctx, Depends(require("conversations:write"))]
HandoffWrite = Annotated[Ctx, Depends(require("handoff:write"))]
Newest = Annotated[ListParams, Depends(list_params_dependency("desc"))]


@router.post("", status_code=201, response_model=Conversation)
async def create_conversation(
    ctx: ConversationsWrite, body: Annotated[ConversationCreate, Body()] = ConversationCreate()
) -> dict[str, Any]:
    """Create a conversation, optionally with the customer's first message."""
    return await service.create(ctx.conn, ctx.principal.scope, body, ctx.runtime.agent)


@router.get("", response_model=ConversationList, response_model_exclude_unset=True)
async def list_conversations(
    ctx: ConversationsRead,
    params: Newest,
    status: Annotated[Status | None, Query()] = None,
    channel: Annotated[Channel | None, Query()] = None,
    assignee_id: Annotated[str | None, Query()] = None,
    contact_id: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    """List conversations, newest first."""
    given = {"status": status, "channel": channel, "assignee_id": assignee_id, "contact_id": contact_id}
    filters = {k: v for k, v in given.items() if v is not None}
    return await service.list_(ctx.conn, ctx.principal.scope, params, filters)


@router.get("/{conversation_id}", response_model=Conversation, response_model_exclude_unset=True)
async def get_conversation(ctx: ConversationsRead, conversation_id: str) -> dict[str, Any]:
    """Retrieve a conversation."""
    return await service.get(ctx.conn, ctx.principal.scope, conversation_id)


@router.patch("/{conversation_id}", response_model=Conversation, response_model_exclude_unset=True)
async def update_conversation(
    ctx: ConversationsWrite, conversation_id: str, body: ConversationUpdate
) -> dict[str, Any]:
    """Update a conversation's metadata or agent."""
    return await service.update(ctx.conn, ctx.principal.scope, conversation_id, body)


@router.post("/{conversation_id}/handoff", response_model=Conversation, response_model_exclude_unset=True)
async def hand_off_conversation(
    ctx: HandoffWrite, conversation_id: str, body: Annotated[HandoffRequest, Body()] = HandoffRequest()
) -> dict[str, Any]:
    """Make the AI agent stand down and wait for a human."""
    return await service.handoff(ctx.conn, ctx.principal.scope, conversation_id, body)


@router.post("/{conversation_id}/assign", response_model=Conversation, response_model_exclude_unset=True)
async def assign_conversation(ctx: ConversationsWrite, conversation_id: str, body: AssignRequest) -> dict[str, Any]:
    """Assign the conversation to a team member."""
    return await service.assign(ctx.conn, ctx.principal.scope, conversation_id, body)


@router.post("/{conversation_id}/close", response_model=Conversation, response_model_exclude_unset=True)
async def close_conversation(
    ctx: ConversationsWrite, conversation_id: str, body: Annotated[CloseRequest, Body()] = CloseRequest()
) -> dict[str, Any]:
    """Close the conversation, with its resolution."""
    return await service.close(ctx.conn, ctx.principal.scope, conversation_id, body)


@router.post("/{conversation_id}/reopen", response_model=Conversation, response_model_exclude_unset=True)
async def reopen_conversation(ctx: ConversationsWrite, conversation_id: str) -> dict[str, Any]:
    """Reopen a closed conversation."""
    return await service.reopen(ctx.conn, ctx.principal.scope, conversation_id)
