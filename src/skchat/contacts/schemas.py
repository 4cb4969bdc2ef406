"""Contact request bodies, the contact object, its export, and how a row becomes one."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from skchat.conversations.schemas import ContactIn, Conversation
from skchat.events.schemas import Event
from skchat.kit.db import Record
from skchat.kit.schemas import Metadata
from skchat.kit.timefmt import iso
from skchat.messages.schemas import Message


class ContactUpdate(ContactIn):
    """The same fields (and rules) as a conversation's `contact`; a null clears a field."""

    metadata: Metadata | None = Field(
        default=None, description="Merged into the existing metadata; a null value removes that key."
    )


class Contact(BaseModel):
    id: str
    object: Literal["contact"] = "contact"
    livemode: bool
    external_id: str | None
    name: str | None
    phone: str | None
    email: str | None
    metadata: dict[str, Any]
    created_at: str
    updated_at: str
    erased_at: str | None = Field(description="When the contact's personal data was erased, if it was.")


class ContactList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Contact]
    has_more: bool
    next_cursor: str | None


class ExportedConversation(Conversation):
    messages: list[Message]  # type: ignore[assignment]


class ContactExport(BaseModel):
    object: Literal["contact_export"] = "contact_export"
    contact: Contact
    conversations: list[ExportedConversation]
    events: list[Event]


def render(row: Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "object": "contact",
        "livemode": row["livemode"],
        "external_id": row["external_id"],
        "name": row["name"],
        "phone": row["phone"],
        "email": row["email"],
        "metadata": row["metadata"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        "erased_at": iso(row["erased_at"]),
    }
