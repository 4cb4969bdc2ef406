"""The Anthropic adapter's wire format, checked by a fake of the Messages API."""

from __future__ import annotations

import asyncio

import pytest

from skchat.agent.llm.anthropic import AnthropicChatModel
from skchat.agent.llm.base import ChatMessage, ChatModelError
from tests.agent.llm.conftest import API_KEY
from tests.fakes.anthropic_server import FakeAnthropic


def complete(model: AnthropicChatModel, system: str, messages: list[ChatMessage], **kwargs: object) -> str:
    async def main() -> str:
        try:
            return await model.complete(system, messages, **kwargs)  # type: ignore[arg-type]
        finally:
            await model.aclose()

    return asyncio.run(main())


def test_request_shape_and_answer(anthropic_fake: FakeAnthropic) -> None:
    anthropic_fake.answer("Yes, we deliver there.")
    model = AnthropicChatModel(model="claude-test", api_key=API_KEY, base_url=anthropic_fake.base_url)
    messages = [
        ChatMessage("user", "Hi"),
        ChatMessage("assistant", "Hello! How can I help?"),
        ChatMessage("user", "Do you deliver to Coimbatore?"),
        ChatMessage("user", "It's urgent."),
    ]

    assert complete(model, "Answer from the sources.", messages, max_tokens=321) == "Yes, we deliver there."

    [request] = anthropic_fake.requests()
    assert request.path == "/v1/messages"
    assert request.headers["x-api-key"] == API_KEY
    assert request.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in request.headers
    body = request.json
    assert body["model"] == "claude-test"
    assert body["max_tokens"] == 321
    assert body["system"] == "Answer from the sources."
    # No system role in `messages`; consecutive user turns merged so turns alternate.
    assert body["messages"] == [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello! How can I help?"},
        {"role": "user", "content": "Do you deliver to Coimbatore?\n\nIt's urgent."},
    ]


def test_text_blocks_are_joined_and_other_blocks_ignored(anthropic_fake: FakeAnthropic) -> None:
    anthropic_fake.raw(
        b'{"id": "msg_1", "type": "message", "role": "assistant", "model": "c", "content": ['
        b'{"type": "thinking", "thinking": "hmm", "signature": "x"}, {"type": "text", "text": "Part one, "},'
        b' {"type": "text", "text": "part two."}], "stop_reason": "end_turn", "stop_sequence": null,'
        b' "usage": {"input_tokens": 1, "output_tokens": 2}}'
    )
    model = AnthropicChatModel(model="c", api_key=API_KEY, base_url=anthropic_fake.base_url)
    assert complete(model, "s", [ChatMessage("user", "q")]) == "Part one, part two."


def test_an_answer_without_text_is_malformed(anthropic_fake: FakeAnthropic) -> None:
    anthropic_fake.raw(
        b'{"id": "msg_1", "type": "message", "role": "assistant", "model": "c", "content": [],'
        b' "stop_reason": "refusal", "stop_sequence": null, "usage": {"input_tokens": 1, "output_tokens": 0}}'
    )
    model = AnthropicChatModel(model="c", api_key=API_KEY, base_url=anthropic_fake.base_url)
    with pytest.raises(ChatModelError) as caught:
        complete(model, "s", [ChatMessage("user", "q")])
    assert caught.value.reason == "malformed"
    assert "refusal" in str(caught.value)


def test_error_body_detail_is_carried(anthropic_fake: FakeAnthropic) -> None:
    anthropic_fake.fail(400, "messages: text content blocks must be non-empty")
    model = AnthropicChatModel(model="c", api_key=API_KEY, base_url=anthropic_fake.base_url)
    with pytest.raises(ChatModelError) as caught:
        complete(model, "s", [ChatMessage("user", "q")])
    assert caught.value.status == 400
    assert "invalid_request_error: messages: text content blocks must be non-empty" in str(caught.value)
