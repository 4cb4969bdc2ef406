"""SQL for knowledge articles, and the corpus version that tells a cache it is stale."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.pagination import ListParams
from skchat.kit.rows import all_rows, delete_row, get_row, get_rows, list_rows, update_row

COLUMNS = "id, livemode, title, body, intent, tags, lang, created_at, updated_at"


async def insert(conn: Connection, scope: TenantScope, article_id: str, fields: dict[str, Any]) -> Record | None:
    """The new article, or None when the id is taken (no error, so the transaction lives on)."""
    row: Record | None = await conn.fetchrow(
        f"""
        INSERT INTO knowledge_articles (tenant_id, livemode, id, title, body, intent, tags, lang)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (tenant_id, livemode, id) DO NOTHING
        RETURNING {COLUMNS}
        """,
        scope.tenant_id,
        scope.livemode,
        article_id,
        fields["title"],
        fields["body"],
        fields["intent"],
        fields["tags"],
        fields["lang"],
    )
    return row


async def get(conn: Connection, scope: TenantScope, article_id: str, *, lock: bool = False) -> Record | None:
    return await get_row(conn, "knowledge_articles", scope, article_id, columns=COLUMNS, lock=lock)


async def get_many(conn: Connection, scope: TenantScope, article_ids: Sequence[str]) -> list[Record]:
    return await get_rows(conn, "knowledge_articles", scope, article_ids, columns=COLUMNS)


async def list_(conn: Connection, scope: TenantScope, params: ListParams, filters: dict[str, str]) -> list[Record]:
    return await list_rows(conn, "knowledge_articles", scope, params, filters, columns=COLUMNS)


async def all_(conn: Connection, scope: TenantScope) -> list[Record]:
    """Every article of the tenant and mode, oldest first (for the agent's corpus)."""
    return await all_rows(conn, "knowledge_articles", scope, columns=COLUMNS)


async def update(conn: Connection, scope: TenantScope, article_id: str, changes: dict[str, Any]) -> Record | None:
    """Set the given columns (names come from the service, never from the request)."""
    return await update_row(conn, "knowledge_articles", scope, article_id, changes, returning=COLUMNS)


async def delete(conn: Connection, scope: TenantScope, article_id: str) -> bool:
    return await delete_row(conn, "knowledge_articles", scope, article_id)


async def corpus_version(conn: Connection, scope: TenantScope) -> tuple[int, datetime] | None:
    """The (version, changed_at) of the tenant's corpus: one primary-key lookup. None: never written."""
    row: Record | None = await conn.fetchrow(
        "SELECT version, changed_at FROM corpus_versions WHERE tenant_id = $1 AND livemode = $2",
        scope.tenant_id,
        scope.livemode,
    )
    return None if row is None else (row["version"], row["changed_at"])


async def store_profile(conn: Connection, scope: TenantScope) -> Record | None:
    """The tenant's name and its default agent's languages: what the corpus says about the store."""
    row: Record | None = await conn.fetchrow(
        """
        SELECT t.name, a.languages
        FROM tenants t
        LEFT JOIN agents a ON a.tenant_id = t.id AND a.livemode = $2 AND a.is_default
        WHERE t.id = $1
        """,
        scope.tenant_id,
        scope.livemode,
    )
    return row
