"""The retrieval interface: rank a tenant's articles and items for a query."""

from __future__ import annotations

from typing import Literal, Protocol

from skchat.agent.types import Corpus, Hit


class Retriever(Protocol):
    """Built once per corpus version and reused; `search` is CPU-bound and fast."""

    def search(
        self, query: str, *, lang: str | None = None, kind: Literal["article", "item"] | None = None, limit: int = 5
    ) -> list[Hit]: ...


class RetrieverFactory(Protocol):
    def build(self, corpus: Corpus) -> Retriever: ...
