"""Both adapters' failure handling, over real HTTP against each vendor's fake: errors, the one retry, timeouts."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest

from skchat.agent.llm.anthropic import AnthropicChatModel
from skchat.agent.llm.base import ChatMessage, ChatModelError
from skchat.agent.llm.openai_compat import OpenAICompatChatModel
from skchat.agent.llm.transport import HttpChatModel, retry_after_s
from tests.agent.llm.conftest import API_KEY
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.chat_server import FakeChatServer
from tests.fakes.openai_server import FakeOpenAI

T = TypeVar("T")
HELLO = [ChatMessage("user", "hello")]


@pytest.fixture(params=["openai", "anthropic"])
def pair(request: pytest.FixtureRequest) -> Iterator[tuple[FakeChatServer, HttpChatModel]]:
    fake: FakeChatServer
    model: HttpChatModel
    if request.param == "openai":
        fake = FakeOpenAI(api_key=API_KEY)
        model = OpenAICompatChatModel(model="gpt-test", api_key=API_KEY, base_url=f"{fake.url}/v1")
    else:
        fake = FakeAnthropic(api_key=API_KEY)
        model = AnthropicChatModel(model="claude-test", api_key=API_KEY, base_url=fake.url)
    try:
        yield fake, model
    finally:
        fake.close()


def run(model: HttpChatModel, call: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        try:
            return await call()
        finally:
            await model.aclose()

    return asyncio.run(main())


def fails(model: HttpChatModel, **kwargs: Any) -> ChatModelError:
    with pytest.raises(ChatModelError) as caught:
        run(model, lambda: model.complete("system", HELLO, **kwargs))
    return caught.value


def test_wrong_key_is_an_auth_error_without_retry(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, _ = pair
    model = type(pair[1])(model="m", api_key="sk-wrong-key-0000", base_url=pair[1].base_url)
    error = fails(model)
    assert error.reason == "auth"
    assert error.status == 401
    assert "sk-wrong-key-0000" not in str(error)
    assert len(fake.requests()) == 1


@pytest.mark.parametrize("status", [400, 404])
def test_client_errors_are_not_retried(pair: tuple[FakeChatServer, HttpChatModel], status: int) -> None:
    fake, model = pair
    fake.fail(status, "bad request here")
    error = fails(model)
    assert error.reason == "http_error"
    assert error.status == status
    assert "bad request here" in str(error)
    assert len(fake.requests()) == 1


def test_server_error_then_success_is_retried_once(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, model = pair
    fake.fail(500)
    fake.answer("second time lucky")
    assert run(model, lambda: model.complete("system", HELLO)) == "second time lucky"
    requests = fake.requests()
    assert len(requests) == 2
    assert requests[0].body == requests[1].body


def test_two_server_errors_fail_after_exactly_one_retry(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, model = pair
    fake.fail(500)
    fake.fail(503)
    fake.answer("never reached")
    error = fails(model)
    assert error.reason == "server_error"
    assert error.status == 503
    assert len(fake.requests()) == 2


def test_anthropic_overloaded_529_is_retried() -> None:
    fake = FakeAnthropic(api_key=API_KEY)
    try:
        model = AnthropicChatModel(model="claude-test", api_key=API_KEY, base_url=fake.url)
        fake.fail(529, "Overloaded")
        fake.answer("fine now")
        assert run(model, lambda: model.complete("", HELLO)) == "fine now"
        assert len(fake.requests()) == 2
    finally:
        fake.close()


def test_rate_limit_honours_a_short_retry_after(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, model = pair
    fake.fail(429, "slow down", retry_after="1")
    fake.answer("after the wait")
    started = time.monotonic()
    assert run(model, lambda: model.complete("system", HELLO, timeout_s=5)) == "after the wait"
    assert time.monotonic() - started >= 0.95
    assert len(fake.requests()) == 2


def test_rate_limit_with_a_long_retry_after_fails_at_once(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, model = pair
    fake.fail(429, "slow down", retry_after="30")
    fake.answer("never reached")
    started = time.monotonic()
    error = fails(model, timeout_s=5)
    assert time.monotonic() - started < 1.0
    assert error.reason == "rate_limited"
    assert len(fake.requests()) == 1


def test_retry_never_waits_past_the_deadline(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, model = pair
    fake.fail(503, retry_after="2")
    fake.answer("never reached")
    started = time.monotonic()
    error = fails(model, timeout_s=1.0)
    assert time.monotonic() - started < 0.5
    assert error.reason == "server_error"
    assert len(fake.requests()) == 1


def test_a_hanging_provider_times_out_within_the_timeout(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, model = pair
    fake.hang()
    started = time.monotonic()
    error = fails(model, timeout_s=0.5)
    elapsed = time.monotonic() - started
    assert error.reason == "timeout"
    assert 0.45 <= elapsed < 1.0
    assert len(fake.requests()) == 1


def test_body_that_is_not_json_is_malformed(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, model = pair
    fake.raw(b'{"id": "x", "choices": [', content_type="application/json")
    error = fails(model)
    assert error.reason == "malformed"
    assert len(fake.requests()) == 1


def test_json_without_an_answer_is_malformed(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, model = pair
    fake.raw(b'{"id": "x", "object": "something.else", "type": "other"}')
    assert fails(model).reason == "malformed"


def test_html_error_page_from_a_proxy_is_a_server_error(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, model = pair
    fake.raw(b"<html>502 Bad Gateway</html>", status=502, content_type="text/html")
    fake.raw(b"<html>502 Bad Gateway</html>", status=502, content_type="text/html")
    error = fails(model)
    assert error.reason == "server_error"
    assert error.status == 502
    assert len(fake.requests()) == 2


def test_refused_connection_is_a_connection_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = OpenAICompatChatModel(model="m", api_key=API_KEY, base_url=f"http://127.0.0.1:{port}/v1")
    error = fails(model)
    assert error.reason == "connection"
    assert API_KEY not in str(error)


def test_one_session_is_reused_across_calls(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, model = pair

    async def calls() -> list[str]:
        return [await model.complete("s", HELLO) for _ in range(3)]

    assert run(model, calls) == ["ok", "ok", "ok"]
    ports = {r.client_port for r in fake.requests()}
    assert len(fake.requests()) == 3
    assert len(ports) == 1  # one keep-alive connection: the session is shared, not one per call


def test_the_adapter_serves_again_on_a_new_event_loop(pair: tuple[FakeChatServer, HttpChatModel]) -> None:
    fake, model = pair
    assert run(model, lambda: model.complete("s", HELLO)) == "ok"  # closes its session at the end
    assert run(model, lambda: model.complete("s", HELLO)) == "ok"
    assert len(fake.requests()) == 2
    assert fake.requests()[0].client_port != fake.requests()[1].client_port


def test_retry_after_forms() -> None:
    assert retry_after_s({"retry-after": "1.5"}) == 1.5
    assert retry_after_s({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after_s({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after_s({"retry-after": "soon"}) is None
    assert retry_after_s({}) is None
