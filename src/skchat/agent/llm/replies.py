"""Replies written by a hosted model, and the fallback that keeps the agent answering when it fails.

`HostedReplyGenerator` raises `ChatModelError` on any failure (HTTP, timeout, an unusable or ungrounded
answer); `FallbackReplyGenerator` turns every such failure into the offline composer's draft, logs it
(provider, reason: never the key or the prompt) and counts it in `skchat_llm_fallbacks_total`.
A hosted provider's failure therefore costs quality, never the reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

import structlog
from prometheus_client import Counter

from skchat.agent.llm import prompt
from skchat.agent.llm.base import ChatModel, ChatModelError
from skchat.agent.types import Annotation, Corpus, Draft, Hit, Turn

log = structlog.get_logger("skchat.llm")

FALLBACKS = Counter(
    "skchat_llm_fallbacks_total", "Replies composed offline because the hosted model failed", ["provider", "reason"]
)


class ReplyGenerator(Protocol):
    """The same shape as `skchat.agent.services.ReplyGenerator` (structural: either name fits both)."""

    async def generate(
        self, message: str, annotation: Annotation, hits: Sequence[Hit], corpus: Corpus, history: Sequence[Turn]
    ) -> Draft: ...


class HostedReplyGenerator:
    def __init__(
        self,
        model: ChatModel,
        *,
        provider: str | None = None,
        timeout_s: float = 8.0,
        max_tokens: int = 500,
        max_turns: int = 6,
    ) -> None:
        self.model = model
        self.provider = provider or str(getattr(model, "provider", "hosted"))
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self.max_turns = max_turns

    async def generate(
        self, message: str, annotation: Annotation, hits: Sequence[Hit], corpus: Corpus, history: Sequence[Turn]
    ) -> Draft:
        system = prompt.system_prompt(corpus.store_name, annotation.lang, hits)
        messages = prompt.chat_messages(history, message, self.max_turns)
        text = await self.model.complete(system, messages, max_tokens=self.max_tokens, timeout_s=self.timeout_s)
        reply = prompt.parse_reply(text)
        sources = prompt.grounded_sources(reply.source_ids, hits)
        if len(sources) < len(set(reply.source_ids)):
            log.info(
                "dropped sources the model cited but was not given",
                provider=self.provider,
                cited=len(set(reply.source_ids)),
                kept=len(sources),
            )
        grounds = [prompt.source_text(hit) for hit in hits[: prompt.MAX_SOURCES]]
        grounds += [message, corpus.store_name, *(turn.text for turn in history)]
        invented = prompt.unsupported_numbers(reply.answer, grounds)
        if invented:
            raise prompt.invalid(f"{len(invented)} number(s) found in no source")
        return Draft(text=reply.answer, sources=sources, answered=reply.answered, lang=annotation.lang)

    async def aclose(self) -> None:
        """Close the model's HTTP session (at shutdown)."""
        close = getattr(self.model, "aclose", None)
        if close is not None:
            await close()


class FallbackReplyGenerator:
    """`primary`'s draft, or `fallback`'s when `primary` fails in any way (an exception or `timeout_s`)."""

    def __init__(
        self,
        primary: ReplyGenerator,
        fallback: ReplyGenerator,
        *,
        provider: str | None = None,
        timeout_s: float | None = None,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.provider = provider or str(getattr(primary, "provider", "hosted"))
        self.timeout_s = timeout_s

    async def generate(
        self, message: str, annotation: Annotation, hits: Sequence[Hit], corpus: Corpus, history: Sequence[Turn]
    ) -> Draft:
        try:
            async with asyncio.timeout(self.timeout_s):
                return await self.primary.generate(message, annotation, hits, corpus, history)
        except ChatModelError as exc:
            reason: str = exc.reason
            log.warning(
                "hosted model failed, replying offline",
                provider=self.provider,
                reason=reason,
                status=exc.status,
                error=str(exc)[:300],
            )
        except TimeoutError:
            reason = "timeout"
            log.warning("hosted model failed, replying offline", provider=self.provider, reason=reason)
        except Exception as exc:
            # A bug in the hosted path must not silence the agent either; the traceback shows no locals.
            reason = "error"
            log.warning(
                "hosted model failed, replying offline",
                provider=self.provider,
                reason=reason,
                error=type(exc).__name__,
                exc_info=True,
            )
        FALLBACKS.labels(self.provider, reason).inc()
        return await self.fallback.generate(message, annotation, hits, corpus, history)

    async def aclose(self) -> None:
        """Close the hosted side's HTTP session (at shutdown)."""
        close = getattr(self.primary, "aclose", None)
        if close is not None:
            await close()
