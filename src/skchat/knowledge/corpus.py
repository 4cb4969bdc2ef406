"""A tenant's corpus (articles, items, intents) and its search index, cached per process.

The agent runtime and the search endpoints ask for the same thing:

    corpus, retriever = await shared_cache().get(conn, scope)
    hits = retriever.search("do you deliver to Chennai?", lang="en", kind="article", limit=5)

`conn` is any connection whose transaction has the tenant and mode set for row-level
security (a request's `ctx.conn`, a worker's scoped transaction). Each call costs one
primary-key lookup of `corpus_versions`, which a trigger bumps in the same transaction as
every write to articles, items, intents (and to the default agent's languages). When the
version differs from the cached one, the corpus is loaded again and the retriever rebuilt
(off the event loop); concurrent callers of one tenant wait for that single rebuild.

The retriever comes from `retriever_factory()`: the agent's own (`skchat.agent.retrieval.
default_factory()`) when it is installed, else the token-overlap fallback in
`knowledge/fallback.py`.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from skchat.agent.retrieval.base import Retriever, RetrieverFactory
from skchat.agent.types import Article, Corpus, Hit, IntentSpec, Item
from skchat.catalog import repository as catalog
from skchat.catalog.schemas import render as render_item
from skchat.intents import repository as intents
from skchat.kit.db import Connection, TenantScope
from skchat.knowledge import repository

Version = tuple[int, datetime] | None


async def load_corpus(conn: Connection, scope: TenantScope) -> Corpus:
    """Everything the tenant's agent may answer from, in this scope, as the agent's value types."""
    articles = tuple(
        Article(
            id=row["id"],
            title=row["title"],
            body=row["body"],
            intent=row["intent"],
            tags=tuple(row["tags"]),
            lang=row["lang"],
        )
        for row in await repository.all_(conn, scope)
    )
    items = []
    for row in await catalog.all_(conn, scope):
        item = render_item(row)
        items.append(
            Item(
                id=item["id"],
                name=item["name"],
                description=item["description"],
                category=item["category"],
                price=item["price"],
                currency=item["currency"],
                in_stock=item["in_stock"],
                attributes=item["attributes"],
            )
        )
    specs = tuple(
        IntentSpec(name=row["name"], description=row["description"], examples=tuple(row["examples"]))
        for row in await intents.all_(conn, scope)
    )
    profile = await repository.store_profile(conn, scope)
    languages = tuple(profile["languages"] or ()) if profile is not None else ()
    return Corpus(
        articles=articles,
        items=tuple(items),
        intents=specs,
        store_name=profile["name"] if profile is not None else "",
        languages=languages or ("en",),
    )


def retriever_factory() -> RetrieverFactory:
    """The agent's retriever when it is available, else the token-overlap fallback."""
    try:
        from skchat.agent.retrieval import default_factory  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        from skchat.knowledge.fallback import TokenOverlapFactory

        return TokenOverlapFactory()
    factory: RetrieverFactory = default_factory()
    return factory


@dataclass(slots=True)
class _Entry:
    version: Version
    corpus: Corpus
    retriever: Retriever
    checked_at: float = field(default_factory=time.monotonic)  # when the version was last confirmed


class CorpusCache:
    """Per-process cache of (corpus, retriever) by tenant and mode, rebuilt when the stored version moves.

    Bounded: the least recently used tenants are dropped beyond `max_entries`. Safe to share
    between event loops (the test server and a worker may run loops in threads of one process).
    """

    def __init__(self, factory: RetrieverFactory | None = None, *, max_entries: int = 512) -> None:
        self._factory = factory
        # Called (in a thread) with each newly built corpus: the agent warms the tenant's intent
        # model here, so it is built with the corpus rather than in a customer's request.
        self.on_build: Callable[[Corpus], None] | None = None
        self._max_entries = max_entries
        self._entries: OrderedDict[TenantScope, _Entry] = OrderedDict()
        self._locks: dict[tuple[int, TenantScope], asyncio.Lock] = {}
        self.builds = 0  # how many times a corpus was loaded and indexed (for tests and metrics)

    def factory(self) -> RetrieverFactory:
        if self._factory is None:
            self._factory = retriever_factory()
        return self._factory

    async def get(self, conn: Connection, scope: TenantScope, *, max_age_s: float = 0.0) -> tuple[Corpus, Retriever]:
        """The tenant's current corpus and a retriever over it: one cheap version check when cached.

        With `max_age_s`, an entry checked that recently is used without asking the database: the
        customer-message hot path accepts knowledge up to a second old to save a round trip.
        """
        entry = self._entries.get(scope)
        if entry is not None and max_age_s > 0 and time.monotonic() - entry.checked_at < max_age_s:
            return entry.corpus, entry.retriever
        version = await repository.corpus_version(conn, scope)
        entry = self._fresh(scope, version)
        if entry is None:
            lock = self._locks.setdefault((id(asyncio.get_running_loop()), scope), asyncio.Lock())
            async with lock:
                entry = self._fresh(scope, version)  # another caller may have rebuilt it meanwhile
                if entry is None:
                    entry = await self._build(conn, scope, version)
        return entry.corpus, entry.retriever

    def invalidate(self, scope: TenantScope | None = None) -> None:
        """Forget one tenant's (or every) cached corpus."""
        if scope is None:
            self._entries.clear()
        else:
            self._entries.pop(scope, None)

    def _fresh(self, scope: TenantScope, version: Version) -> _Entry | None:
        entry = self._entries.get(scope)
        if entry is None or entry.version != version:
            return None
        entry.checked_at = time.monotonic()
        self._entries.move_to_end(scope)
        return entry

    async def _build(self, conn: Connection, scope: TenantScope, version: Version) -> _Entry:
        corpus = await load_corpus(conn, scope)
        retriever = await asyncio.to_thread(self.factory().build, corpus)
        if self.on_build is not None:
            await asyncio.to_thread(self.on_build, corpus)
        entry = _Entry(version, corpus, retriever)
        self.builds += 1
        self._entries[scope] = entry
        self._entries.move_to_end(scope)
        while len(self._entries) > self._max_entries:
            evicted, _ = self._entries.popitem(last=False)
            self._locks = {k: v for k, v in self._locks.items() if k[1] != evicted}
        return entry


_shared = CorpusCache()


def shared_cache() -> CorpusCache:
    """The process's cache: the search endpoints and the agent runtime share it."""
    return _shared


# Below this the ranking is noise (embeddings find every text a little similar): an unrelated
# query answers an empty list rather than the least unrelated documents.
MIN_SEARCH_SCORE = 0.2


SEARCH_WAITS_FOR_INDEX_S = 60.0


async def ranked(
    conn: Connection,
    scope: TenantScope,
    query: str,
    *,
    kind: Literal["article", "item"],
    limit: int,
    lang: str | None = None,
) -> list[Hit]:
    """The search endpoints' results: the agent's own ranking, of one kind, above the noise floor.

    Right after a large import the index's dense half is still being embedded in the background
    (the agent answers lexically meanwhile); a search waits for it, bounded, so that it answers with
    the full ranking. `skchat import` ends with one search, so it leaves the agent fully ready.
    """
    _, retriever = await shared_cache().get(conn, scope)
    wait_ready = getattr(retriever, "wait_ready", None)
    if callable(wait_ready):
        # Polled, not waited for in a thread: the default executor's few threads also annotate
        # customers' messages, and searches waiting there would hold them up.
        deadline = time.monotonic() + SEARCH_WAITS_FOR_INDEX_S
        while not wait_ready(0) and time.monotonic() < deadline:  # noqa: ASYNC110 -- set by a plain thread
            await asyncio.sleep(0.05)
    return [
        h
        for h in retriever.search(query, lang=lang, kind=kind, limit=limit)
        if h.kind == kind and h.score >= MIN_SEARCH_SCORE
    ]
