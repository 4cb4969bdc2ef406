"""/conversations/{id}/messages: post and list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from skchat.kit.context import Ctx, require
from skchat.kit.pagination import ListParams, list_params_dependency
from skchat.kit.routes import api_router
from skchat.messages import service
from skchat.messages.schemas import Message, MessageCreate, MessageList

router = api_router("/conversations/{conversation_id}/messages", "Messages")

ConversationsRead = Annotated[Ctx, Depends(require("conversations:read"))]
ConversationsWrite = Annotated[Ctx, Depends(require("conversations:write"))]
Oldest = Annotated[ListParams, Depends(list_params_dependency("asc"))]


@router.post("", status_code=201, response_model=Message)
async def post_message(ctx: ConversationsWrite, conversation_id: str, body: MessageCreate) -> dict[str, Any]:
    """Post a customer message, a human agent reply, or an internal note."""
    return await service.post(ctx.conn, ctx.principal.scope, conversation_id, body, ctx.runtime.agent)


@router.get("", response_model=MessageList)
async def list_messages(ctx: ConversationsRead, conversation_id: str, params: Oldest) -> dict[str, Any]:
    """List a conversation's messages, oldest first."""
    return await service.list_(ctx.conn, ctx.principal.scope, conversation_id, params)
