"""Team members: the people who pick up handed-off conversations.

An email is unique within a tenant and mode and is compared in lower case, so `Asha@Shop.in`
and `asha@shop.in` are one member. Deleting a member is a hard delete. Their `assigned`
conversations go back to `handoff`, waiting for a person, each with `chat.handoff.requested`
(reason `api`), rather than staying `assigned` to nobody, where neither the AI nor a person would
answer; their closed conversations lose the assignee.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from skchat.conversations.handoff import release_assignee
from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.errors import Conflict, NotFound
from skchat.kit.ids import new_id
from skchat.kit.pagination import ListParams, page
from skchat.members import repository
from skchat.members.schemas import MemberCreate, MemberUpdate, render


def _taken(email: str) -> Conflict:
    return Conflict(f"A member with email {email} already exists.")


async def _get(conn: Connection, scope: TenantScope, member_id: str, *, lock: bool = False) -> Record:
    row = await repository.get(conn, scope, member_id, lock=lock)
    if row is None:
        raise NotFound(f"No member {member_id}.")
    return row


async def create(conn: Connection, scope: TenantScope, body: MemberCreate) -> dict[str, Any]:
    email = body.email.lower()
    row = await repository.insert(conn, scope, new_id("mem"), body.name, email, body.role)
    if row is None:
        raise _taken(email)
    return render(row)


async def get(conn: Connection, scope: TenantScope, member_id: str) -> dict[str, Any]:
    return render(await _get(conn, scope, member_id))


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> dict[str, Any]:
    return page(await repository.list_(conn, scope, params), params, render)


async def update(conn: Connection, scope: TenantScope, member_id: str, body: MemberUpdate) -> dict[str, Any]:
    row = await _get(conn, scope, member_id, lock=True)
    changes = body.model_dump(exclude_unset=True)
    if "email" in changes:
        changes["email"] = changes["email"].lower()
        if await repository.email_taken(conn, scope, changes["email"], other_than=member_id):
            raise _taken(changes["email"])
    changes = {k: v for k, v in changes.items() if v != row[k]}
    if not changes:
        return render(row)
    try:
        updated = await repository.update(conn, scope, member_id, changes)
    except asyncpg.UniqueViolationError as exc:  # a concurrent create took the email meanwhile
        raise _taken(changes["email"]) from exc
    assert updated is not None  # the row is locked
    return render(updated)


async def delete(conn: Connection, scope: TenantScope, member_id: str) -> dict[str, Any]:
    await _get(conn, scope, member_id, lock=True)  # 404 first; and no assignment to them meanwhile
    await release_assignee(conn, scope, member_id)
    deleted = await repository.delete(conn, scope, member_id)
    assert deleted  # the row is locked
    return {"id": member_id, "object": "member", "deleted": True}
