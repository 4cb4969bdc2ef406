"""The agent's view of a tenant's knowledge: load_corpus and the per-process CorpusCache, on the real database."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from skchat.agent.types import Article, Corpus, IntentSpec, Item
from skchat.kit.db import Database, TenantScope
from skchat.knowledge.corpus import CorpusCache, load_corpus
from skchat.knowledge.fallback import TokenOverlapFactory
from tests.conftest import Pg, Tenant


class Rollback(Exception):
    pass


def run(pg: Pg, body: Any) -> Any:
    async def main() -> Any:
        db = Database(pg.owner_url, app_role=pg.app_role, min_size=1, max_size=2)
        await db.connect()
        try:
            return await body(db)
        finally:
            await db.close()

    return asyncio.run(main())


def test_load_corpus_gives_the_agents_types(pg: Pg, demo_tenant: Tenant) -> None:
    scope = TenantScope(demo_tenant.tenant_id, False)

    async def body(db: Database) -> tuple[Corpus, Corpus]:
        async with db.transaction(scope) as conn:
            test = await load_corpus(conn, scope)
        live = TenantScope(demo_tenant.tenant_id, True)
        async with db.transaction(live) as conn:
            return test, await load_corpus(conn, live)

    corpus, live = run(pg, body)
    assert len(corpus.articles) == 40 and len(corpus.items) == 54 and len(corpus.intents) == 15
    assert all(isinstance(a, Article) for a in corpus.articles)
    assert all(isinstance(i, Item) for i in corpus.items) and all(isinstance(i, IntentSpec) for i in corpus.intents)
    towel = next(i for i in corpus.items if i.id == "itm_towel_bath_cotton_white")
    assert towel.price == "449.00" and towel.currency == "INR" and towel.category == "Towels"
    assert set(towel.attributes) == {"sizes", "colors", "stock_by_size"}
    hindi = next(a for a in corpus.articles if a.id == "kb_refund_timeline_hi")
    assert hindi.lang == "hi" and hindi.intent == "return_refund" and isinstance(hindi.tags, tuple)
    assert corpus.store_name == "Kaveri Threads" and corpus.languages == ("en", "hi", "ta")
    assert live.articles == () and live.items == () and live.intents == () and live.languages == ("en",)


def test_the_cache_rebuilds_exactly_when_the_stored_corpus_changes(pg: Pg, demo_tenant: Tenant) -> None:
    scope = TenantScope(demo_tenant.tenant_id, False)
    cache = CorpusCache(TokenOverlapFactory())

    async def title(db: Database) -> str:
        async with db.transaction(scope) as conn:
            corpus, _ = await cache.get(conn, scope)
        return next(a.title for a in corpus.articles if a.id == "kb_cod_rules")

    async def body(db: Database) -> None:
        async with db.transaction(scope) as conn:
            _, first = await cache.get(conn, scope)
            _, again = await cache.get(conn, scope)
        assert again is first and cache.builds == 1
        original = await title(db)
        assert cache.builds == 1

        # A change seen inside a transaction that rolls back: the cache must not keep it afterwards.
        with pytest.raises(Rollback):
            async with db.transaction(scope) as conn:
                await conn.execute("UPDATE knowledge_articles SET title = 'Draft' WHERE id = 'kb_cod_rules'")
                corpus, _ = await cache.get(conn, scope)
                assert next(a.title for a in corpus.articles if a.id == "kb_cod_rules") == "Draft"
                raise Rollback
        assert await title(db) == original and cache.builds == 3

        # A committed change is seen by the next call, and only one rebuild follows.
        async with db.transaction(scope) as conn:
            await conn.execute("UPDATE knowledge_articles SET title = 'COD rules' WHERE id = 'kb_cod_rules'")
        assert await title(db) == "COD rules" and await title(db) == "COD rules"
        assert cache.builds == 4

        # The default agent's languages are part of the corpus too.
        async with db.transaction(scope) as conn:
            await conn.execute("UPDATE agents SET languages = '{en,ta}' WHERE is_default")
            corpus, _ = await cache.get(conn, scope)
        assert corpus.languages == ("en", "ta") and cache.builds == 5

    run(pg, body)


def test_concurrent_callers_share_one_rebuild(pg: Pg, demo_tenant: Tenant) -> None:
    scope = TenantScope(demo_tenant.tenant_id, False)
    cache = CorpusCache(TokenOverlapFactory())

    async def one(db: Database) -> Any:
        async with db.transaction(scope) as conn:
            return (await cache.get(conn, scope))[1]

    async def body(db: Database) -> list[Any]:
        return list(await asyncio.gather(*(one(db) for _ in range(2))))

    retrievers = run(pg, body)
    assert cache.builds == 1 and retrievers[0] is retrievers[1]
