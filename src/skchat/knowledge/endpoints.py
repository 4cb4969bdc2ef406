"""/knowledge: the articles the AI agent answers from, and search over them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from skchat.agents.schemas import LanguageTag
from skchat.kit.context import Ctx, require
from skchat.kit.pagination import ListParams, list_params_dependency
from skchat.kit.routes import api_router
from skchat.kit.schemas import Deleted
from skchat.knowledge import service
from skchat.knowledge.schemas import (
    Article,
    ArticleCreate,
    ArticleList,
    ArticleSearchResults,
    ArticleUpdate,
    SearchLimit,
    SearchQuery,
)

router = api_router("/knowledge", "Knowledge")

KnowledgeRead = Annotated[Ctx, Depends(require("knowledge:read"))]
KnowledgeWrite = Annotated[Ctx, Depends(require("knowledge:write"))]
Newest = Annotated[ListParams, Depends(list_params_dependency("desc"))]
LanguageFilter = Annotated[LanguageTag | None, Query(description="BCP 47 tag, e.g. `hi-Latn`.")]
PreferredLanguage = Annotated[
    LanguageTag | None,
    Query(description="The customer's language: articles in it rank higher (others are not excluded)."),
]


@router.post("/articles", status_code=201, response_model=Article)
async def create_article(ctx: KnowledgeWrite, body: ArticleCreate) -> dict[str, Any]:
    """Create a knowledge article; an `id` given is kept (409 if it is already in use)."""
    return await service.create(ctx.conn, ctx.principal.scope, body)


@router.get("/articles", response_model=ArticleList)
async def list_articles(
    ctx: KnowledgeRead,
    params: Newest,
    intent: Annotated[str | None, Query(max_length=64)] = None,
    lang: LanguageFilter = None,
) -> dict[str, Any]:
    """List knowledge articles, newest first; filters `intent`, `lang`."""
    given = {"intent": intent, "lang": lang}
    filters = {k: v for k, v in given.items() if v is not None}
    return await service.list_(ctx.conn, ctx.principal.scope, params, filters)


@router.get("/search", response_model=ArticleSearchResults)
async def search_knowledge(
    ctx: KnowledgeRead,
    q: SearchQuery,
    limit: SearchLimit = 10,
    lang: PreferredLanguage = None,
) -> dict[str, Any]:
    """Search knowledge articles: ranked results, best first, each with its score and the article."""
    return await service.search(ctx.conn, ctx.principal.scope, q, limit=limit, lang=lang)


@router.get("/articles/{article_id}", response_model=Article)
async def get_article(ctx: KnowledgeRead, article_id: str) -> dict[str, Any]:
    """Retrieve a knowledge article."""
    return await service.get(ctx.conn, ctx.principal.scope, article_id)


@router.patch("/articles/{article_id}", response_model=Article)
async def update_article(ctx: KnowledgeWrite, article_id: str, body: ArticleUpdate) -> dict[str, Any]:
    """Update a knowledge article; fields left out stay as they are."""
    return await service.update(ctx.conn, ctx.principal.scope, article_id, body)


@router.delete("/articles/{article_id}", response_model=Deleted)
async def delete_article(ctx: KnowledgeWrite, article_id: str) -> dict[str, Any]:
    """Delete a knowledge article."""
    return await service.delete(ctx.conn, ctx.principal.scope, article_id)
