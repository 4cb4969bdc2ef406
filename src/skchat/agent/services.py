"""The agent's providers, chosen by configuration once per process and shared by API and worker."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from skchat.agent.nlu.base import NLUProvider
from skchat.agent.retrieval.base import Retriever
from skchat.agent.types import Annotation, Corpus, Draft, Hit, IntentSpec, Turn
from skchat.kit.db import Connection, TenantScope


class CorpusSource(Protocol):
    """A tenant's knowledge, catalog and intents, with a retriever built over them (cached)."""

    async def get(
        self, conn: Connection, scope: TenantScope, *, max_age_s: float = 0.0
    ) -> tuple[Corpus, Retriever]: ...


class ReplyGenerator(Protocol):
    async def generate(
        self, message: str, annotation: Annotation, hits: Sequence[Hit], corpus: Corpus, history: Sequence[Turn]
    ) -> Draft: ...


@dataclass
class AgentServices:
    nlu: NLUProvider
    corpus: CorpusSource
    replies: ReplyGenerator

    async def annotate(self, text: str, intents: Sequence[IntentSpec]) -> Annotation:
        # CPU-bound: embedding a new text takes ~10 ms, so it runs in a thread and the event loop keeps
        # serving others. A text the provider calls quick (its embedding is cached: "hi", "thanks", a
        # quick-reply button) costs well under a millisecond, less than the thread hop itself.
        quick = getattr(self.nlu, "is_quick", None)
        if callable(quick) and quick(text):
            return self.nlu.annotate(text, intents)
        return await asyncio.to_thread(self.nlu.annotate, text, intents)
