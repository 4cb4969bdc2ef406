"""Message request bodies, the message object, and how a row becomes one."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from skchat.kit.db import Record
from skchat.kit.schemas import Input, Text
from skchat.kit.timefmt import iso

Role = Literal["customer", "agent", "note"]


class MessageCreate(Input):
    role: Role = Field(description="customer: from the customer; agent: a reply to them; note: internal.")
    text: Text
    member_id: str | None = Field(
        default=None, description="The team member writing an agent reply or a note (required for notes)."
    )

    @model_validator(mode="after")
    def _member_rules(self) -> MessageCreate:
        if self.role == "note" and self.member_id is None:
            raise ValueError("member_id is required for a note")
        if self.role == "customer" and self.member_id is not None:
            raise ValueError("a customer message has no member_id")
        return self


class Sender(BaseModel):
    type: Literal["customer", "ai", "member"]
    id: str | None


class Source(BaseModel):
    type: Literal["article", "item"]
    id: str


class Message(BaseModel):
    id: str
    object: Literal["message"] = "message"
    livemode: bool
    conversation_id: str
    role: Role
    sender: Sender
    text: str
    intent: str | None
    lang: str | None
    sentiment: str | None
    sentiment_score: float | None
    confidence: float | None
    sources: list[Source]
    created_at: str


class MessageList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Message]
    has_more: bool
    next_cursor: str | None


def render(row: Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "object": "message",
        "livemode": row["livemode"],
        "conversation_id": row["conversation_id"],
        "role": row["role"],
        "sender": {"type": row["sender_type"], "id": row["sender_id"]},
        "text": row["text"],
        "intent": row["intent"],
        "lang": row["lang"],
        "sentiment": row["sentiment"],
        "sentiment_score": _score(row["sentiment_score"]),
        "confidence": _score(row["confidence"]),
        "sources": row["sources"],
        "created_at": iso(row["created_at"]),
    }


def _score(stored: float | None) -> float | None:
    """A `real` column read back (-0.413 comes back as -0.4129999876022339), as the 4 decimals stored."""
    return None if stored is None else round(stored, 4)
