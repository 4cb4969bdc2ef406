"""/contacts: read, correct, export and erase the customers' records."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from skchat.contacts import service
from skchat.contacts.schemas import Contact, ContactExport, ContactList, ContactUpdate
from skchat.kit.context import Ctx, require
from skchat.kit.pagination import ListParams, list_params_dependency
from skchat.kit.routes import api_router
from skchat.kit.schemas import Deleted

router = api_router("/contacts", "Contacts")

ContactsRead = Annotated[Ctx, Depends(require("contacts:read"))]
ContactsWrite = Annotated[Ctx, Depends(require("contacts:write"))]
Newest = Annotated[ListParams, Depends(list_params_dependency("desc"))]


@router.get("", response_model=ContactList)
async def list_contacts(ctx: ContactsRead, params: Newest) -> dict[str, Any]:
    """List contacts, newest first."""
    return await service.list_(ctx.conn, ctx.principal.scope, params)


# Declared before /{contact_id} so the more specific route is matched first.
@router.get("/{contact_id}/export", response_model=ContactExport)
async def export_contact(ctx: ContactsRead, contact_id: str) -> dict[str, Any]:
    """Export everything stored about a contact: the contact, its conversations with their messages, its events."""
    return await service.export(ctx.conn, ctx.principal.scope, contact_id)


@router.get("/{contact_id}", response_model=Contact)
async def get_contact(ctx: ContactsRead, contact_id: str) -> dict[str, Any]:
    """Retrieve a contact."""
    return await service.get(ctx.conn, ctx.principal.scope, contact_id)


@router.patch("/{contact_id}", response_model=Contact)
async def update_contact(ctx: ContactsWrite, contact_id: str, body: ContactUpdate) -> dict[str, Any]:
    """Correct a contact's details; metadata merges, and a null removes a key or clears a field."""
    return await service.update(ctx.conn, ctx.principal.scope, contact_id, body)


@router.delete("/{contact_id}", response_model=Deleted)
async def erase_contact(ctx: ContactsWrite, contact_id: str) -> dict[str, Any]:
    """Erase a contact's personal data and message texts, irreversibly."""
    return await service.erase(ctx.conn, ctx.principal.scope, contact_id)
