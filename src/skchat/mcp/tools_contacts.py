"""Tools over the customers' records (scope contacts:read)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from skchat.contacts import service as contacts
from skchat.kit.schemas import Input
from skchat.mcp.tools import ToolContext, ToolDef


class GetContactArguments(Input):
    contact_id: str = Field(
        min_length=1,
        max_length=255,
        description="The contact's id, `ctc_…` (a conversation's contact.id).",
    )


async def get_contact(ctx: ToolContext, args: GetContactArguments) -> dict[str, Any]:
    return await contacts.get(ctx.conn, ctx.scope, args.contact_id)


TOOLS: list[ToolDef[Any]] = [
    ToolDef(
        name="get_contact",
        title="Get a contact",
        description=(
            "Retrieve one customer's record: name, phone, email, external_id (your system's id for them), "
            "metadata and timestamps. The same object as GET /chat/v1/contacts/{id}."
        ),
        scope="contacts:read",
        arguments=GetContactArguments,
        run=get_contact,
        read_only=True,
    ),
]
