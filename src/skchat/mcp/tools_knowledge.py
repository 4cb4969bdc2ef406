"""Tools over what the agent answers from: catalog search and knowledge search (scope knowledge:read)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from skchat.agents.schemas import LanguageTag
from skchat.catalog import service as catalog
from skchat.kit.schemas import Input
from skchat.knowledge import service as knowledge
from skchat.mcp.tools import ToolContext, ToolDef

Query = Annotated[
    str,
    Field(
        min_length=1,
        max_length=500,
        pattern=r"\S",
        description="What to look for, in the customer's words and any language, e.g. 'cotton kurta for summer'.",
    ),
]
Limit = Annotated[int, Field(ge=1, le=50, description="At most this many results, best first (1-50).")]


class SearchCatalogArguments(Input):
    query: Query
    limit: Limit = 10


class SearchKnowledgeArguments(Input):
    query: Query
    limit: Limit = 10
    lang: LanguageTag | None = Field(
        default=None,
        description="The customer's language as a BCP 47 tag, e.g. 'en', 'hi-Latn': articles in it rank higher "
        "(others are still returned).",
    )


async def search_catalog(ctx: ToolContext, args: SearchCatalogArguments) -> dict[str, Any]:
    return await catalog.search(ctx.conn, ctx.scope, args.query, limit=args.limit)


async def search_knowledge(ctx: ToolContext, args: SearchKnowledgeArguments) -> dict[str, Any]:
    return await knowledge.search(ctx.conn, ctx.scope, args.query, limit=args.limit, lang=args.lang)


TOOLS: list[ToolDef[Any]] = [
    ToolDef(
        name="search_catalog",
        title="Search the product catalog",
        description=(
            "Search the store's product catalog, ranked best first by the same retrieval the AI agent uses. Use it "
            "to answer questions about products, prices, sizes, colours and stock. Returns "
            '{"object": "list", "data": [{"object": "search_result", "score": 0.87, "item": {"id": "itm_…", '
            '"name", "description", "category", "price": "1299.00", "currency": "INR", "in_stock": true, '
            '"attributes": {…}}}]}; an empty data list means nothing matched.'
        ),
        scope="knowledge:read",
        arguments=SearchCatalogArguments,
        run=search_catalog,
        read_only=True,
    ),
    ToolDef(
        name="search_knowledge",
        title="Search the knowledge base",
        description=(
            "Search the store's knowledge articles (policies, delivery, returns, payments, FAQs), ranked best first "
            "by the same retrieval the AI agent uses. Quote facts from the article body, not from memory. Returns "
            '{"object": "list", "data": [{"object": "search_result", "score": 0.91, "article": {"id", "title", '
            '"body", "intent", "tags", "lang"}}]}; an empty data list means nothing matched.'
        ),
        scope="knowledge:read",
        arguments=SearchKnowledgeArguments,
        run=search_knowledge,
        read_only=True,
    ),
]
