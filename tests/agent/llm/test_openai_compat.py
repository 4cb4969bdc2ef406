"""The OpenAI-compatible adapter's wire format, checked by a fake of the chat completions API."""

from __future__ import annotations

import asyncio

import pytest

from skchat.agent.llm.base import ChatMessage, ChatModelError
from skchat.agent.llm.openai_compat import OpenAICompatChatModel
from tests.agent.llm.conftest import API_KEY
from tests.fakes.openai_server import FakeOpenAI

CONVERSATION = [
    ChatMessage("user", "Do you ship to Madurai?"),
    ChatMessage("assistant", "Yes, in 3-5 days."),
    ChatMessage("user", "And the cost?"),
]


def complete(model: OpenAICompatChatModel, system: str = "Be helpful.", **kwargs: object) -> str:
    async def main() -> str:
        try:
            return await model.complete(system, CONVERSATION, **kwargs)  # type: ignore[arg-type]
        finally:
            await model.aclose()

    return asyncio.run(main())


def test_request_shape_and_answer(openai_fake: FakeOpenAI) -> None:
    openai_fake.answer("Shipping is free above 999.")
    model = OpenAICompatChatModel(model="gpt-test-mini", api_key=API_KEY, base_url=openai_fake.base_url)

    assert complete(model, max_tokens=123) == "Shipping is free above 999."

    [request] = openai_fake.requests()
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["content-type"] == "application/json"
    body = request.json
    assert body["model"] == "gpt-test-mini"
    assert body["messages"] == [
        {"role": "system", "content": "Be helpful."},
        {"role": "user", "content": "Do you ship to Madurai?"},
        {"role": "assistant", "content": "Yes, in 3-5 days."},
        {"role": "user", "content": "And the cost?"},
    ]
    assert body["max_tokens"] == 123
    assert "max_completion_tokens" not in body
    assert body["temperature"] == 0.2


def test_max_completion_tokens_and_no_temperature(openai_fake: FakeOpenAI) -> None:
    model = OpenAICompatChatModel(
        model="o-test",
        api_key=API_KEY,
        base_url=openai_fake.base_url + "/",
        max_tokens_field="max_completion_tokens",
        temperature=None,
    )
    assert complete(model, system="", max_tokens=50) == "ok"
    body = openai_fake.requests()[0].json
    assert body["max_completion_tokens"] == 50
    assert "max_tokens" not in body
    assert "temperature" not in body
    assert body["messages"][0]["role"] == "user"  # no empty system message


def test_keyless_compatible_server_gets_no_authorization_header() -> None:
    fake = FakeOpenAI(api_key=None)  # a local vLLM / Ollama
    try:
        model = OpenAICompatChatModel(model="llama3.2", base_url=fake.base_url)
        assert complete(model) == "ok"
        assert "authorization" not in fake.requests()[0].headers
    finally:
        fake.close()


def test_content_parts_are_joined(openai_fake: FakeOpenAI) -> None:
    openai_fake.raw(
        b'{"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": [{"index": 0,'
        b' "message": {"role": "assistant", "content": [{"type": "text", "text": "Hel"}, {"type": "text",'
        b' "text": "lo"}]}, "finish_reason": "stop"}], "usage": {}}'
    )
    model = OpenAICompatChatModel(model="m", api_key=API_KEY, base_url=openai_fake.base_url)
    assert complete(model) == "Hello"


def test_refusal_without_content_is_malformed(openai_fake: FakeOpenAI) -> None:
    openai_fake.raw(
        b'{"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": [{"index": 0,'
        b' "message": {"role": "assistant", "content": null, "refusal": "I cannot help."},'
        b' "finish_reason": "stop"}], "usage": {}}'
    )
    model = OpenAICompatChatModel(model="m", api_key=API_KEY, base_url=openai_fake.base_url)
    with pytest.raises(ChatModelError) as caught:
        complete(model)
    assert caught.value.reason == "malformed"
    assert "I cannot help" in str(caught.value)


def test_the_key_is_not_in_the_adapters_repr(openai_fake: FakeOpenAI) -> None:
    model = OpenAICompatChatModel(model="m", api_key=API_KEY, base_url=openai_fake.base_url)
    assert API_KEY not in repr(model)
    assert API_KEY not in repr(vars(model))
