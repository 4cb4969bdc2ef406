"""Knowledge articles: the help texts the agent answers from.

An article created with an `id` keeps it (imports keep `kb_delivery_chennai`); creating one
with an id that already exists is a 409 `conflict`, so a POST never silently overwrites. A PATCH
that changes nothing writes nothing: `updated_at` and the corpus version stay as they were.
"""

from __future__ import annotations

from typing import Any

from skchat.kit.db import Connection, Record, TenantScope
from skchat.kit.errors import Conflict, NotFound
from skchat.kit.ids import new_id
from skchat.kit.pagination import ListParams, page
from skchat.knowledge import repository
from skchat.knowledge.corpus import ranked
from skchat.knowledge.schemas import ArticleCreate, ArticleUpdate, render


async def _get(conn: Connection, scope: TenantScope, article_id: str, *, lock: bool = False) -> Record:
    row = await repository.get(conn, scope, article_id, lock=lock)
    if row is None:
        raise NotFound(f"No knowledge article {article_id}.")
    return row


async def create(conn: Connection, scope: TenantScope, body: ArticleCreate) -> dict[str, Any]:
    article_id = body.id or new_id("art")
    row = await repository.insert(conn, scope, article_id, body.model_dump(exclude={"id"}))
    if row is None:
        raise Conflict(f"A knowledge article with id {article_id} already exists; PATCH it to change it.")
    return render(row)


async def get(conn: Connection, scope: TenantScope, article_id: str) -> dict[str, Any]:
    return render(await _get(conn, scope, article_id))


async def list_(conn: Connection, scope: TenantScope, params: ListParams, filters: dict[str, str]) -> dict[str, Any]:
    return page(await repository.list_(conn, scope, params, filters), params, render)


async def update(conn: Connection, scope: TenantScope, article_id: str, body: ArticleUpdate) -> dict[str, Any]:
    row = await _get(conn, scope, article_id, lock=True)
    current = render(row)
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v != current[k]}
    if not changes:
        return current
    updated = await repository.update(conn, scope, article_id, changes)
    assert updated is not None  # the row is locked
    return render(updated)


async def delete(conn: Connection, scope: TenantScope, article_id: str) -> dict[str, Any]:
    if not await repository.delete(conn, scope, article_id):
        raise NotFound(f"No knowledge article {article_id}.")
    return {"id": article_id, "object": "knowledge_article", "deleted": True}


async def search(
    conn: Connection, scope: TenantScope, query: str, *, limit: int, lang: str | None = None
) -> dict[str, Any]:
    """Articles ranked for the query by the tenant's retriever, best first (same ranking the agent uses)."""
    hits = await ranked(conn, scope, query, kind="article", limit=limit, lang=lang)
    rows = {row["id"]: row for row in await repository.get_many(conn, scope, [h.id for h in hits])}
    return {
        "object": "list",
        "data": [
            {"object": "search_result", "score": h.score, "article": render(rows[h.id])} for h in hits if h.id in rows
        ],
    }
