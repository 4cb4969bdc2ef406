"""Shared with the retrieval tests: the demo-store corpus and its retrievers."""

from tests.agent.retrieval.conftest import demo, hybrid, lexical, small_demo

__all__ = ["demo", "hybrid", "lexical", "small_demo"]
