"""Building the agent's providers from configuration: the one place that picks vendors.

* NLU: `SKCHAT_NLU_PROVIDER` (default `offline`: lingua + multilingual-e5-small + lexicons).
* Knowledge and retrieval: the per-process corpus cache over the tenant's articles, items and
  intents, with the hybrid BM25 + embedding retriever.
* Replies: the offline, extractive composer; with `SKCHAT_LLM_PROVIDER=openai|anthropic` a hosted
  model answers first, and any failure or timeout falls back to the offline composer.

Changing vendor is configuration only; nothing here touches the schema.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from skchat.agent.llm.registry import reply_generator_from_settings
from skchat.agent.nlu import get_nlu
from skchat.agent.replies.base import ReplyGenerator as Composer
from skchat.agent.replies.offline import OfflineReplyGenerator
from skchat.agent.services import AgentServices
from skchat.agent.types import Annotation, Corpus, Draft, Hit, Turn
from skchat.config import Settings
from skchat.knowledge.corpus import shared_cache


class OfflineReplies:
    """The synchronous offline composer behind the async `generate` the runtime calls."""

    def __init__(self, composer: Composer) -> None:
        self.composer = composer

    async def generate(
        self, message: str, annotation: Annotation, hits: Sequence[Hit], corpus: Corpus, history: Sequence[Turn]
    ) -> Draft:
        return await asyncio.to_thread(self.composer.compose, message, annotation, hits, corpus, history)


def build_agent_services(settings: Settings) -> AgentServices:
    offline = OfflineReplies(OfflineReplyGenerator())
    nlu = get_nlu(settings)
    corpus = shared_cache()
    warm_up = getattr(nlu, "warm", None)
    if callable(warm_up):
        # A tenant's intent model is built with its corpus, not in its first customer's request.
        corpus.on_build = lambda built: warm_up(built.intents)
    return AgentServices(nlu=nlu, corpus=corpus, replies=reply_generator_from_settings(settings, offline))


def warm(services: AgentServices) -> None:
    """Load models now (at start-up) rather than in the first customer's request."""
    warm_up = getattr(services.nlu, "warm", None)
    if callable(warm_up):
        warm_up()


async def close(services: AgentServices) -> None:
    """Release what the providers hold (the hosted model's HTTP session)."""
    aclose = getattr(services.replies, "aclose", None)
    if callable(aclose):
        await aclose()
