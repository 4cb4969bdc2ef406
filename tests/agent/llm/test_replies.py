"""Hosted replies over real HTTP against the vendors' fakes, and the fallback to the offline composer."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence

import pytest
import structlog
from prometheus_client import REGISTRY

from skchat.agent.llm.anthropic import AnthropicChatModel
from skchat.agent.llm.openai_compat import OpenAICompatChatModel
from skchat.agent.llm.replies import FallbackReplyGenerator, HostedReplyGenerator
from skchat.agent.llm.transport import HttpChatModel
from skchat.agent.types import Annotation, Article, Corpus, Draft, Hit, Item, Turn
from skchat.kit.logging import configure_logging
from tests.agent.llm.conftest import API_KEY
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.openai_server import FakeOpenAI

DELIVERY = Article(
    "kb_delivery_pune", "Delivery in Pune", "Orders to Pune arrive in 2-4 working days. Delivery is free.", "delivery"
)
SCARF = Item("itm_wool_scarf", "Wool scarf", "Soft merino scarf.", "Scarves", "899.00", attributes={"colors": ["grey"]})
HITS = (
    Hit("article", DELIVERY.id, 0.8, article=DELIVERY),
    Hit("item", SCARF.id, 0.6, item=SCARF),
)
CORPUS = Corpus(articles=(DELIVERY,), items=(SCARF,), store_name="Monsoon Loom")
ANNOTATION = Annotation(lang="hi-Latn", intent="delivery", confidence=0.9, sentiment="neutral", sentiment_score=0.0)
MESSAGE = "Pune mein delivery kitne din mein hogi?"
HISTORY = (Turn("customer", "namaste"), Turn("agent", "Namaste! Kaise madad karun?"))
OFFLINE = Draft("Offline answer.", (("article", DELIVERY.id),), True, "hi-Latn")


class StubOffline:
    """Stands in for the offline composer; records its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Annotation, Sequence[Hit], Corpus, Sequence[Turn]]] = []

    async def generate(
        self, message: str, annotation: Annotation, hits: Sequence[Hit], corpus: Corpus, history: Sequence[Turn]
    ) -> Draft:
        self.calls.append((message, annotation, hits, corpus, history))
        return OFFLINE


def fallbacks(provider: str, reason: str) -> float:
    return REGISTRY.get_sample_value("skchat_llm_fallbacks_total", {"provider": provider, "reason": reason}) or 0.0


def generate(model: HttpChatModel, generator: HostedReplyGenerator | FallbackReplyGenerator) -> Draft:
    async def main() -> Draft:
        try:
            return await generator.generate(MESSAGE, ANNOTATION, HITS, CORPUS, HISTORY)
        finally:
            await model.aclose()

    return asyncio.run(main())


def model_reply(answer: str, sources: list[str], answered: bool = True) -> str:
    return json.dumps({"answer": answer, "sources": sources, "answered": answered}, ensure_ascii=False)


def openai_model(fake: FakeOpenAI) -> OpenAICompatChatModel:
    return OpenAICompatChatModel(model="gpt-test", api_key=API_KEY, base_url=fake.base_url)


def test_hosted_reply_is_grounded_and_its_prompt_carries_the_sources(openai_fake: FakeOpenAI) -> None:
    openai_fake.answer(model_reply("Pune mein delivery 2-4 working days mein hoti hai, free.", [DELIVERY.id]))
    model = openai_model(openai_fake)

    draft = generate(model, HostedReplyGenerator(model, timeout_s=5))

    assert draft == Draft(
        "Pune mein delivery 2-4 working days mein hoti hai, free.", (("article", DELIVERY.id),), True, "hi-Latn"
    )
    body = openai_fake.requests()[0].json
    system = body["messages"][0]
    assert system["role"] == "system"
    assert "Monsoon Loom" in system["content"]
    assert "Orders to Pune arrive in 2-4 working days" in system["content"]
    assert "899.00 INR" in system["content"]
    assert "Hindi written in Latin letters" in system["content"]
    assert body["messages"][1:] == [
        {"role": "user", "content": "namaste"},
        {"role": "assistant", "content": "Namaste! Kaise madad karun?"},
        {"role": "user", "content": MESSAGE},
    ]


def test_sources_not_among_the_hits_are_dropped(openai_fake: FakeOpenAI) -> None:
    openai_fake.answer(
        "```json\n" + model_reply("Free delivery, 2-4 days.", ["kb_refund_policy", DELIVERY.id, SCARF.id]) + "\n```"
    )
    model = openai_model(openai_fake)
    draft = generate(model, HostedReplyGenerator(model, timeout_s=5))
    assert draft.sources == (("article", DELIVERY.id), ("item", SCARF.id))
    assert draft.text == "Free delivery, 2-4 days."


def test_an_honest_unanswered_reply_is_kept(openai_fake: FakeOpenAI) -> None:
    openai_fake.answer(model_reply("Maaf kijiye, iski jaankari mere paas nahi hai.", [], answered=False))
    model = openai_model(openai_fake)
    draft = generate(model, HostedReplyGenerator(model, timeout_s=5))
    assert draft == Draft("Maaf kijiye, iski jaankari mere paas nahi hai.", (), False, "hi-Latn")


def test_fallback_returns_the_hosted_draft_when_it_works(anthropic_fake: FakeAnthropic) -> None:
    anthropic_fake.answer(model_reply("Wool scarf ₹899 ka hai.", [SCARF.id]))
    model = AnthropicChatModel(model="claude-test", api_key=API_KEY, base_url=anthropic_fake.base_url)
    offline = StubOffline()
    before = sum(fallbacks("anthropic", r) for r in ("timeout", "auth", "invalid_output", "error"))

    draft = generate(model, FallbackReplyGenerator(HostedReplyGenerator(model, timeout_s=5), offline))

    assert draft == Draft("Wool scarf ₹899 ka hai.", (("item", SCARF.id),), True, "hi-Latn")
    assert offline.calls == []
    assert sum(fallbacks("anthropic", r) for r in ("timeout", "auth", "invalid_output", "error")) == before
    body = anthropic_fake.requests()[0].json
    assert "Monsoon Loom" in body["system"]
    assert body["messages"][-1] == {"role": "user", "content": MESSAGE}


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        (lambda fake: fake.fail(401, "Incorrect API key provided."), "auth"),
        (lambda fake: (fake.fail(500), fake.fail(500)), "server_error"),
        (lambda fake: fake.raw(b"{not json"), "malformed"),
        (lambda fake: fake.answer("Sure! Delivery takes a few days."), "invalid_output"),
        (
            lambda fake: fake.answer(model_reply("Delivery takes 7 days and costs ₹99.", [DELIVERY.id])),
            "invalid_output",
        ),
    ],
    ids=["401", "500-twice", "malformed-json", "not-our-format", "invented-numbers"],
)
def test_fallback_answers_offline_when_the_hosted_model_fails(
    openai_fake: FakeOpenAI, script: Callable[[FakeOpenAI], object], reason: str
) -> None:
    script(openai_fake)
    model = openai_model(openai_fake)
    offline = StubOffline()
    before = fallbacks("openai", reason)

    draft = generate(model, FallbackReplyGenerator(HostedReplyGenerator(model, timeout_s=5), offline))

    assert draft == OFFLINE
    assert offline.calls == [(MESSAGE, ANNOTATION, HITS, CORPUS, HISTORY)]
    assert fallbacks("openai", reason) == before + 1
    assert openai_fake.requests()  # the hosted model was really asked first


def test_fallback_answers_offline_within_the_timeout_when_the_provider_hangs(anthropic_fake: FakeAnthropic) -> None:
    anthropic_fake.hang()
    model = AnthropicChatModel(model="claude-test", api_key=API_KEY, base_url=anthropic_fake.base_url)
    offline = StubOffline()
    before = fallbacks("anthropic", "timeout")

    started = time.monotonic()
    draft = generate(model, FallbackReplyGenerator(HostedReplyGenerator(model, timeout_s=0.5), offline))

    assert draft == OFFLINE
    assert time.monotonic() - started < 1.0
    assert fallbacks("anthropic", "timeout") == before + 1


def test_the_outer_deadline_catches_a_primary_that_never_returns() -> None:
    class Stuck:
        provider = "stuck"

        async def generate(self, *_: object) -> Draft:
            await asyncio.sleep(30)
            raise AssertionError("unreachable")

    offline = StubOffline()
    before = fallbacks("stuck", "timeout")
    started = time.monotonic()
    draft = asyncio.run(
        FallbackReplyGenerator(Stuck(), offline, timeout_s=0.2).generate(MESSAGE, ANNOTATION, HITS, CORPUS, HISTORY)
    )
    assert draft == OFFLINE
    assert time.monotonic() - started < 1.0
    assert fallbacks("stuck", "timeout") == before + 1


def test_a_bug_in_the_hosted_path_still_gets_an_offline_reply() -> None:
    class Broken:
        async def generate(self, *_: object) -> Draft:
            raise KeyError("oops")

    offline = StubOffline()
    before = fallbacks("hosted", "error")
    draft = asyncio.run(FallbackReplyGenerator(Broken(), offline).generate(MESSAGE, ANNOTATION, HITS, CORPUS, HISTORY))
    assert draft == OFFLINE
    assert fallbacks("hosted", "error") == before + 1


def test_the_api_key_never_reaches_the_logs(openai_fake: FakeOpenAI) -> None:
    # Worst case: a provider (or a proxy) that echoes the key it was sent in its error messages.
    openai_fake.fail(500, f"upstream rejected key {API_KEY}")
    openai_fake.fail(500, f"upstream rejected key {API_KEY}")
    model = openai_model(openai_fake)
    offline = StubOffline()
    configure_logging("info", cache=False)  # servers of earlier tests leave it at "warning"

    with structlog.testing.capture_logs() as logs:
        draft = generate(model, FallbackReplyGenerator(HostedReplyGenerator(model, timeout_s=5), offline))

    assert draft == OFFLINE
    events = [entry["event"] for entry in logs]
    assert "hosted model failed, retrying once" in events
    assert "hosted model failed, replying offline" in events
    fallback = next(entry for entry in logs if entry["event"] == "hosted model failed, replying offline")
    assert fallback["log_level"] == "warning"
    assert fallback["provider"] == "openai"
    assert fallback["reason"] == "server_error"
    assert "upstream rejected key ***" in fallback["error"]
    assert API_KEY not in repr(logs)
    assert API_KEY[-8:] not in repr(logs)
