"""Conversation request bodies, the conversation object, and how a row becomes one."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, EmailStr, Field

from skchat.kit.db import Record
from skchat.kit.schemas import Input, Metadata, Name, Text
from skchat.kit.timefmt import iso

Channel = Literal["api", "widget", "whatsapp"]
Status = Literal["open", "handoff", "assigned", "closed"]
Outcome = Literal["resolved", "unresolved", "spam", "duplicate"]


class ContactIn(Input):
    external_id: str | None = Field(default=None, min_length=1, max_length=200)
    name: Name | None = None
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ()\-]{5,20}$")
    email: EmailStr | None = None


class FirstMessage(Input):
    text: Text


class ConversationCreate(Input):
    channel: Channel = "api"
    agent_id: str | None = None
    contact: ContactIn | None = None
    metadata: Metadata = Field(default_factory=dict)
    message: FirstMessage | None = None


class ConversationUpdate(Input):
    metadata: Metadata | None = Field(
        default=None, description="Merged into the existing metadata; a null value removes that key."
    )
    agent_id: str | None = None


class HandoffRequest(Input):
    reason: str | None = Field(default=None, max_length=1000, description="Why, in your words.")


class AssignRequest(Input):
    member_id: str


class Resolution(Input):
    outcome: Outcome
    resolved_by: Literal["ai", "human"] | None = None
    note: str | None = Field(default=None, max_length=5000)
    tags: list[Name] = Field(default_factory=list, max_length=20)


class CloseRequest(Input):
    resolution: Resolution | None = None


class ContactSummary(BaseModel):
    id: str
    external_id: str | None
    name: str | None


class Conversation(BaseModel):
    id: str
    object: Literal["conversation"] = "conversation"
    livemode: bool
    channel: Channel
    status: Status
    ai_active: bool
    agent_id: str
    contact: ContactSummary
    assignee_id: str | None
    lang: str | None
    sentiment: str | None
    intent: str | None
    metadata: dict[str, Any]
    resolution: dict[str, Any] | None
    created_at: str
    updated_at: str
    closed_at: str | None
    messages: list[dict[str, Any]] | None = Field(
        default=None, description="Only in the answer to create: the first message, when one was given."
    )


class ConversationList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Conversation]
    has_more: bool
    next_cursor: str | None


def render(row: Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "object": "conversation",
        "livemode": row["livemode"],
        "channel": row["channel"],
        "status": row["status"],
        "ai_active": row["status"] == "open",
        "agent_id": row["agent_id"],
        "contact": {
            "id": row["contact_id"],
            "external_id": row["contact_external_id"],
            "name": row["contact_name"],
        },
        "assignee_id": row["assignee_id"],
        "lang": row["lang"],
        "sentiment": row["sentiment"],
        "intent": row["intent"],
        "metadata": row["metadata"],
        "resolution": row["resolution"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        "closed_at": iso(row["closed_at"]),
    }
