"""SQL for contacts (the customers)."""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope, one
from skchat.kit.pagination import ListParams
from skchat.kit.rows import list_rows, update_row

COLUMNS = "id, livemode, external_id, name, phone, email, metadata, created_at, updated_at, erased_at"


async def upsert(
    conn: Connection,
    scope: TenantScope,
    contact_id: str,
    external_id: str | None,
    fields: dict[str, Any],
) -> Record:
    """Create the contact, or (same external_id) update the fields given and return it."""
    row = await one(
        conn,
        f"""
        INSERT INTO contacts AS c (tenant_id, livemode, id, external_id, name, phone, email)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (tenant_id, livemode, external_id) DO UPDATE
            SET name = COALESCE(EXCLUDED.name, c.name),
                phone = COALESCE(EXCLUDED.phone, c.phone),
                email = COALESCE(EXCLUDED.email, c.email),
                updated_at = CASE WHEN (EXCLUDED.name, EXCLUDED.phone, EXCLUDED.email)
                                       IS NOT DISTINCT FROM (NULL::text, NULL::text, NULL::text)
                                  THEN c.updated_at ELSE clock_timestamp() END
        RETURNING {COLUMNS}
        """,
        scope.tenant_id,
        scope.livemode,
        contact_id,
        external_id,
        fields.get("name"),
        fields.get("phone"),
        fields.get("email"),
    )
    return row


async def get(conn: Connection, scope: TenantScope, contact_id: str) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM contacts WHERE tenant_id = $1 AND livemode = $2 AND id = $3",
        scope.tenant_id,
        scope.livemode,
        contact_id,
    )
    return row


async def list_(conn: Connection, scope: TenantScope, params: ListParams) -> list[Record]:
    return await list_rows(conn, "contacts", scope, params, {}, columns=COLUMNS)


async def get_locked(conn: Connection, scope: TenantScope, contact_id: str) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM contacts WHERE tenant_id = $1 AND livemode = $2 AND id = $3 FOR UPDATE",
        scope.tenant_id,
        scope.livemode,
        contact_id,
    )
    return row


async def external_id_taken(conn: Connection, scope: TenantScope, external_id: str, *, other_than: str) -> bool:
    taken: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM contacts "
        "WHERE tenant_id = $1 AND livemode = $2 AND external_id = $3 AND id <> $4)",
        scope.tenant_id,
        scope.livemode,
        external_id,
        other_than,
    )
    return taken


async def update(conn: Connection, scope: TenantScope, contact_id: str, changes: dict[str, Any]) -> Record | None:
    """Set the given columns (names come from the service, never from the request)."""
    return await update_row(conn, "contacts", scope, contact_id, changes, returning=COLUMNS)


# Erasure. It reaches into messages and events because it is one act on everything stored
# about a contact; keeping its statements together makes it reviewable as a whole.


async def lock_conversations(conn: Connection, scope: TenantScope, contact_id: str) -> list[str]:
    """Lock the contact's conversations: posting a message or emitting an event locks them too,
    so a write in flight finishes before the erasure reads, and none slips in between."""
    rows = await conn.fetch(
        "SELECT id FROM conversations WHERE tenant_id = $1 AND livemode = $2 AND contact_id = $3 "
        "ORDER BY id FOR UPDATE",
        scope.tenant_id,
        scope.livemode,
        contact_id,
    )
    return [r["id"] for r in rows]


async def erase_personal_data(conn: Connection, scope: TenantScope, contact_id: str) -> Record:
    """Null every personal field; erased_at keeps the time of the first erasure."""
    return await one(
        conn,
        f"""
        UPDATE contacts
        SET external_id = NULL, name = NULL, phone = NULL, email = NULL, metadata = '{{}}',
            erased_at = COALESCE(erased_at, clock_timestamp()), updated_at = clock_timestamp()
        WHERE tenant_id = $1 AND livemode = $2 AND id = $3
        RETURNING {COLUMNS}
        """,
        scope.tenant_id,
        scope.livemode,
        contact_id,
    )


async def erase_message_texts(conn: Connection, scope: TenantScope, conversation_ids: list[str], marker: str) -> None:
    await conn.execute(
        "UPDATE messages SET text = $4 WHERE tenant_id = $1 AND livemode = $2 AND conversation_id = ANY($3::text[]) "
        "AND text <> $4",
        scope.tenant_id,
        scope.livemode,
        conversation_ids,
        marker,
    )


async def event_data(conn: Connection, scope: TenantScope, conversation_ids: list[str]) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        "SELECT id, data FROM events WHERE tenant_id = $1 AND livemode = $2 AND conversation_id = ANY($3::text[])",
        scope.tenant_id,
        scope.livemode,
        conversation_ids,
    )
    return rows


async def replace_event_data(conn: Connection, scope: TenantScope, replaced: list[tuple[str, dict[str, Any]]]) -> None:
    await conn.executemany(
        "UPDATE events SET data = $4 WHERE tenant_id = $1 AND livemode = $2 AND id = $3",
        [(scope.tenant_id, scope.livemode, event_id, data) for event_id, data in replaced],
    )
