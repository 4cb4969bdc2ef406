"""A demo-store corpus and retrievers over it, built once per session (the dense one embeds ~100 passages)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from skchat.agent.replies.demo import load_corpus
from skchat.agent.retrieval import default_factory
from skchat.agent.retrieval.hybrid import HybridFactory, HybridRetriever
from skchat.agent.types import Corpus

DEMO_STORE = Path(__file__).resolve().parents[3] / "examples" / "demo-store"


@pytest.fixture(scope="session")
def demo() -> Corpus:
    if not DEMO_STORE.exists():
        pytest.skip(f"demo store not found at {DEMO_STORE} (examples/demo-store in the repo)")
    return load_corpus(DEMO_STORE)


@pytest.fixture(scope="session")
def lexical(demo: Corpus) -> HybridRetriever:
    return HybridFactory().build(demo)


@pytest.fixture(scope="session")
def small_demo(demo: Corpus) -> Corpus:
    """The articles and the kurtas: enough for the dense tests, at a third of the embedding time."""
    return replace(demo, items=tuple(i for i in demo.items if i.category == "Kurtas"))


@pytest.fixture(scope="session")
def hybrid(small_demo: Corpus) -> HybridRetriever:
    retriever = default_factory(sync_limit=None).build(small_demo)
    assert isinstance(retriever, HybridRetriever)
    return retriever
