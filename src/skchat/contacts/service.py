"""Contacts (the customers): reading and correcting them, exporting and erasing what we hold.

Erasure (`erase`) is irreversible and keeps only what is not personal: the contact's id,
its conversations with their counts, statuses and timestamps, and the events' shapes. It
nulls the contact's name, phone, email and external_id, empties its metadata and sets
`erased_at`; it replaces the `text` of every message in the contact's conversations (the
agent's and the team's included, since replies quote the customer) with the empty string,
which no real message can have (texts are 1-10,000 characters) and which `messages.text`,
NOT NULL, can hold; and in the stored events of those conversations it sets `text` to the
same empty string and the embedded contact's `external_id` and `name` to null. The
conversations' own metadata and resolution notes are the business's records and stay.
Erasing again is allowed and scrubs whatever was written since.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from skchat.contacts import repository
from skchat.contacts.schemas import ContactUpdate, render
from skchat.conversations import repository as conversations
from skchat.conversations.schemas import render as render_conversation
from skchat.events import repository as events
from skchat.events.schemas import render as render_event
from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.errors import Conflict, NotFound
from skchat.kit.pagination import Cursor, ListParams, page
from skchat.messages import repository as messages
from skchat.messages.schemas import render as render_message

ERASED_TEXT = ""
EXPORT_PAGE = 500


async def _get(conn: Connection, scope: TenantScope, contact_id: str, *, lock: bool = False) -> Record:
    row = await (repository.get_locked if lock else repository.get)(conn, scope, contact_id)
    if row is None:
        raise NotFound(f"No contact {contact_id}.")
    return row


def _taken(external_id: str) -> Conflict:
    return Conflict(f"Another contact already has external_id {external_id}.")


async def get(conn: Connection, scope: TenantScope, contact_id: str) -> dict[str, Any]:
    return render(await _get(conn, scope, contact_id))


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> dict[str, Any]:
    return page(await repository.list_(conn, scope, params), params, render)


async def update(conn: Connection, scope: TenantScope, contact_id: str, body: ContactUpdate) -> dict[str, Any]:
    row = await _get(conn, scope, contact_id, lock=True)
    if row["erased_at"] is not None:
        raise Conflict(f"Contact {contact_id} has been erased and cannot be changed.")
    changes = body.model_dump(exclude_unset=True, include={"external_id", "name", "phone", "email"})
    if body.metadata is not None:
        merged = {**row["metadata"], **body.metadata}
        changes["metadata"] = {k: v for k, v in merged.items() if v is not None}
    changes = {k: v for k, v in changes.items() if v != row[k]}
    external_id = changes.get("external_id")
    if external_id is not None and await repository.external_id_taken(conn, scope, external_id, other_than=contact_id):
        raise _taken(external_id)
    if not changes:
        return render(row)
    try:
        updated = await repository.update(conn, scope, contact_id, changes)
    except asyncpg.UniqueViolationError as exc:  # a concurrent create took the external_id meanwhile
        raise _taken(str(external_id)) from exc
    assert updated is not None  # the row is locked
    return render(updated)


def _erased_event(data: dict[str, Any]) -> dict[str, Any]:
    erased = dict(data)
    if "text" in erased:
        erased["text"] = ERASED_TEXT
    contact = erased.get("contact")
    if isinstance(contact, dict):
        erased["contact"] = {**contact, "external_id": None, "name": None}
    return erased


async def erase(conn: Connection, scope: TenantScope, contact_id: str) -> dict[str, Any]:
    """Erase the contact's personal data and message texts, irreversibly (see the module docstring)."""
    await _get(conn, scope, contact_id, lock=True)
    conversation_ids = await repository.lock_conversations(conn, scope, contact_id)
    await repository.erase_personal_data(conn, scope, contact_id)
    if conversation_ids:
        await repository.erase_message_texts(conn, scope, conversation_ids, ERASED_TEXT)
        replaced = []
        for event in await repository.event_data(conn, scope, conversation_ids):
            erased = _erased_event(event["data"])
            if erased != event["data"]:
                replaced.append((event["id"], erased))
        await repository.replace_event_data(conn, scope, replaced)
    return {"id": contact_id, "object": "contact", "deleted": True}


async def _everything(fetch: Callable[[ListParams], Awaitable[list[Record]]]) -> list[Record]:
    """Walk a keyset-paginated query to its end, oldest first."""
    rows: list[Record] = []
    params = ListParams(EXPORT_PAGE, "asc", None)
    while True:
        batch = await fetch(params)
        rows.extend(batch[:EXPORT_PAGE])
        if len(batch) <= EXPORT_PAGE:
            return rows
        last = batch[EXPORT_PAGE - 1]
        params = ListParams(EXPORT_PAGE, "asc", Cursor(last["created_at"], last["id"]))


async def export(conn: Connection, scope: TenantScope, contact_id: str) -> dict[str, Any]:
    """Everything stored about the contact, rendered exactly as the API renders each object."""
    contact = render(await _get(conn, scope, contact_id))
    threads = await _everything(lambda p: conversations.list_(conn, scope, p, {"contact_id": contact_id}))
    exported: list[dict[str, Any]] = []
    event_rows: list[Record] = []
    for thread in threads:
        thread_id: str = thread["id"]

        def thread_messages(p: ListParams, c: str = thread_id) -> Awaitable[list[Record]]:
            return messages.list_(conn, scope, c, p)

        def thread_events(p: ListParams, c: str = thread_id) -> Awaitable[list[Record]]:
            return events.list_(conn, scope, p, conversation_id=c)

        conversation = render_conversation(thread)
        conversation["messages"] = [render_message(m) for m in await _everything(thread_messages)]
        exported.append(conversation)
        event_rows += await _everything(thread_events)
    event_rows.sort(key=lambda e: (e["created_at"], e["id"]))
    return {
        "object": "contact_export",
        "contact": contact,
        "conversations": exported,
        "events": [render_event(e) for e in event_rows],
    }
