"""Tools over conversations: read them (conversations:read), reply, assign, close (conversations:write),
and hand off to a human (handoff:write). Each calls the service function its REST route calls."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from skchat.conversations import service as conversations
from skchat.conversations.schemas import AssignRequest, CloseRequest, HandoffRequest, Outcome, Resolution, Status
from skchat.kit.pagination import ListParams, decode_cursor
from skchat.kit.schemas import Input, Text
from skchat.mcp.tools import ConversationId, ToolContext, ToolDef, WriteArguments
from skchat.messages import service as messages
from skchat.messages.schemas import MessageCreate

# get_conversation's answer carries this many of the newest messages (one full page of the REST list).
MESSAGES_IN_CONVERSATION = 100


class ListConversationsArguments(Input):
    status: Status | None = Field(
        default=None,
        description="Only conversations in this state: open (the AI answers), handoff (waiting for a human), "
        "assigned (a team member owns it), closed. Leave out for all.",
    )
    limit: int = Field(default=20, ge=1, le=100, description="How many conversations per page, 1-100.")
    cursor: str | None = Field(
        default=None,
        max_length=1000,
        description="To get the next page: the next_cursor of the previous answer, exactly as given. "
        "Leave out for the first (newest) page.",
    )


class GetConversationArguments(Input):
    conversation_id: ConversationId


class SendReplyArguments(WriteArguments):
    conversation_id: ConversationId
    text: Text = Field(description="The reply, as the customer will read it (1-10000 characters).")


class RequestHandoffArguments(WriteArguments):
    conversation_id: ConversationId
    reason: str = Field(
        min_length=1,
        max_length=1000,
        description="Why a human should take over, in a sentence the team will read, e.g. "
        "'Customer wants a refund for a damaged parcel'.",
    )


class AssignConversationArguments(WriteArguments):
    conversation_id: ConversationId
    member_id: str = Field(
        min_length=1, max_length=255, description="The team member who takes the conversation over, `mem_…`."
    )


class CloseConversationArguments(WriteArguments):
    conversation_id: ConversationId
    outcome: Outcome = Field(
        description="resolved: the customer got what they needed; unresolved: they did not; spam; duplicate "
        "(another conversation covers it)."
    )
    note: str | None = Field(
        default=None, max_length=5000, description="A short summary for the team: what was asked and what was done."
    )
    resolved_by: Literal["ai", "human"] | None = Field(
        default=None, description="Who resolved it: ai (an automated agent, such as you) or human."
    )


async def list_conversations(ctx: ToolContext, args: ListConversationsArguments) -> dict[str, Any]:
    params = ListParams(args.limit, "desc", decode_cursor(args.cursor, "desc") if args.cursor else None)
    filters: dict[str, str] = {"status": args.status} if args.status is not None else {}
    return await conversations.list_(ctx.conn, ctx.scope, params, filters)


async def get_conversation(ctx: ToolContext, args: GetConversationArguments) -> dict[str, Any]:
    conversation = await conversations.get(ctx.conn, ctx.scope, args.conversation_id)
    newest = await messages.list_(
        ctx.conn, ctx.scope, args.conversation_id, ListParams(MESSAGES_IN_CONVERSATION, "desc", None)
    )
    conversation["messages"] = newest["data"][::-1]
    conversation["messages_has_more"] = newest["has_more"]
    return conversation


async def send_reply(ctx: ToolContext, args: SendReplyArguments) -> dict[str, Any]:
    body = MessageCreate(role="agent", text=args.text)
    return await messages.post(ctx.conn, ctx.scope, args.conversation_id, body, ctx.runtime.agent)


async def request_handoff(ctx: ToolContext, args: RequestHandoffArguments) -> dict[str, Any]:
    return await conversations.handoff(ctx.conn, ctx.scope, args.conversation_id, HandoffRequest(reason=args.reason))


async def assign_conversation(ctx: ToolContext, args: AssignConversationArguments) -> dict[str, Any]:
    body = AssignRequest(member_id=args.member_id)
    return await conversations.assign(ctx.conn, ctx.scope, args.conversation_id, body)


async def close_conversation(ctx: ToolContext, args: CloseConversationArguments) -> dict[str, Any]:
    resolution = Resolution(outcome=args.outcome, note=args.note, resolved_by=args.resolved_by)
    return await conversations.close(ctx.conn, ctx.scope, args.conversation_id, CloseRequest(resolution=resolution))


_CONVERSATION = (
    'the conversation object ({"id": "cnv_…", "object": "conversation", "status", "ai_active", "channel", '
    '"contact": {"id": "ctc_…", "name"}, "assignee_id", "lang", "sentiment", "intent", "metadata", "resolution", '
    '"created_at", …})'
)

READ_TOOLS: list[ToolDef[Any]] = [
    ToolDef(
        name="list_conversations",
        title="List conversations",
        description=(
            "List customer conversations, newest first, optionally only those in one status (e.g. handoff: waiting "
            'for a human). Returns {"object": "list", "data": [conversation, …], "has_more": bool, "next_cursor": '
            "str|null}; while has_more is true, call again with cursor=next_cursor for the next page. Each item is "
            f"{_CONVERSATION}."
        ),
        scope="conversations:read",
        arguments=ListConversationsArguments,
        run=list_conversations,
        read_only=True,
    ),
    ToolDef(
        name="get_conversation",
        title="Get a conversation with its messages",
        description=(
            f"Retrieve one conversation: {_CONVERSATION}, plus `messages`: its {MESSAGES_IN_CONVERSATION} most "
            "recent messages, oldest first, each {id, role: customer|agent|note, sender: {type: customer|ai|member, "
            "id}, text, intent, lang, sentiment, created_at}; `messages_has_more` is true when older messages were "
            "left out. Read it before replying."
        ),
        scope="conversations:read",
        arguments=GetConversationArguments,
        run=get_conversation,
        read_only=True,
    ),
]

WRITE_TOOLS: list[ToolDef[Any]] = [
    ToolDef(
        name="send_reply",
        title="Send a reply to the customer",
        description=(
            "Send a reply to the customer in a conversation, on its channel (API, web widget or WhatsApp), as the "
            "conversation's AI agent. The same as POST /chat/v1/conversations/{id}/messages with "
            '{"role": "agent", "text": …}: it emits chat.message.sent. Returns the message object. A closed '
            "conversation refuses replies (conversation_closed). Pass an idempotency_key to retry safely."
        ),
        scope="conversations:write",
        arguments=SendReplyArguments,
        run=send_reply,
        read_only=False,
        destructive=False,  # adds a message; changes nothing that exists
        idempotent=False,  # each call sends one more message (unless the idempotency_key repeats)
    ),
    ToolDef(
        name="request_handoff",
        title="Hand the conversation to a human",
        description=(
            "Make the AI agent stand down so a human team member takes over: status becomes handoff (ai_active "
            "false) and chat.handoff.requested is emitted with reason api and your reason as its detail, exactly as "
            "POST /chat/v1/conversations/{id}/handoff. Use it when the customer asks for a person, is upset, or "
            "needs something you cannot do. Only an open conversation can be handed off (else conflict, or "
            "conversation_closed). Returns the updated conversation."
        ),
        scope="handoff:write",
        arguments=RequestHandoffArguments,
        run=request_handoff,
        read_only=False,
        destructive=False,  # the conversation moves forward; nothing is lost, a human picks it up
        idempotent=True,  # a repeat finds it already handed off and changes nothing
    ),
    ToolDef(
        name="assign_conversation",
        title="Assign the conversation to a team member",
        description=(
            "Give the conversation to a team member (member_id, `mem_…`): status becomes assigned and "
            "chat.conversation.assigned is emitted, as POST /chat/v1/conversations/{id}/assign. Replaces any "
            "previous assignee. A closed conversation cannot be assigned (conversation_closed); an unknown member "
            "is not_found. Returns the updated conversation."
        ),
        scope="conversations:write",
        arguments=AssignConversationArguments,
        run=assign_conversation,
        read_only=False,
        destructive=True,  # replaces the previous assignee
        idempotent=False,  # each call emits chat.conversation.assigned again
    ),
    ToolDef(
        name="close_conversation",
        title="Close the conversation",
        description=(
            "Close the conversation with its outcome (and an optional note): status becomes closed, the resolution "
            "is recorded and chat.conversation.closed is emitted, as POST /chat/v1/conversations/{id}/close. A new "
            "customer message reopens it. Closing a closed conversation is refused (conversation_closed). Returns "
            "the updated conversation."
        ),
        scope="conversations:write",
        arguments=CloseConversationArguments,
        run=close_conversation,
        read_only=False,
        destructive=True,  # ends the conversation: the AI stops answering it
        idempotent=True,  # a repeat finds it closed and changes nothing
    ),
]
