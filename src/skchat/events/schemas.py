"""The event object: flat, with its subject's fields at the top level (contract section 4)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from skchat.kit.db import Record
from skchat.kit.timefmt import iso

EVENT_TYPES = (
    "chat.conversation.created",
    "chat.message.received",
    "chat.message.sent",
    "chat.sentiment.changed",
    "chat.handoff.requested",
    "chat.conversation.assigned",
    "chat.conversation.closed",
    "chat.wallet.low",
)
EventType = Literal[
    "chat.conversation.created",
    "chat.message.received",
    "chat.message.sent",
    "chat.sentiment.changed",
    "chat.handoff.requested",
    "chat.conversation.assigned",
    "chat.conversation.closed",
    "chat.wallet.low",
]


class Event(BaseModel):
    """An event as listed by the API and as delivered to webhooks (subject fields vary by type)."""

    model_config = ConfigDict(extra="allow")

    id: str
    object: Literal["event"] = "event"
    type: str
    created_at: str
    livemode: bool
    sequence: int | None = None


class EventList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Event]
    has_more: bool
    next_cursor: str | None


def render(row: Record) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["id"],
        "object": "event",
        "type": row["type"],
        "created_at": iso(row["created_at"]),
        "livemode": row["livemode"],
    }
    if row["sequence"] is not None:
        body["sequence"] = row["sequence"]
    body.update(row["data"])
    return body
