"""Retrieval: rank a tenant's articles and items for a customer's message, in any of its languages."""

from __future__ import annotations

from skchat.agent.retrieval.base import Retriever, RetrieverFactory
from skchat.agent.retrieval.dense import SharedE5
from skchat.agent.retrieval.hybrid import HybridFactory


def default_factory(*, dense: bool = True, sync_limit: int | None = 24) -> RetrieverFactory:
    """The offline default: BM25 with cross-script matching, fused with multilingual-e5 embeddings
    (see `hybrid.HybridFactory` for when the embeddings are computed in the background)."""
    return HybridFactory(SharedE5() if dense else None, sync_limit=sync_limit)


__all__ = ["Retriever", "RetrieverFactory", "default_factory"]
