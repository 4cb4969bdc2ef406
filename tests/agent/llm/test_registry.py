"""Choosing the hosted model by configuration alone (`SKCHAT_LLM_*`), end to end against the fakes."""

from __future__ import annotations

import asyncio

import pydantic
import pytest

from skchat.agent.llm.anthropic import AnthropicChatModel
from skchat.agent.llm.base import ChatMessage
from skchat.agent.llm.openai_compat import OpenAICompatChatModel
from skchat.agent.llm.registry import chat_model_from_settings, reply_generator_from_settings
from skchat.agent.llm.replies import FallbackReplyGenerator
from skchat.agent.llm.transport import HttpChatModel
from skchat.agent.types import Annotation, Corpus, Draft, Hit, Turn
from skchat.config import Settings
from tests.agent.llm.conftest import API_KEY
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.openai_server import FakeOpenAI


class Offline:
    async def generate(
        self, message: str, annotation: Annotation, hits: object, corpus: Corpus, history: object
    ) -> Draft:
        return Draft("offline", (), False, annotation.lang)


def settings_from_env(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name in ("PROVIDER", "BASE_URL", "API_KEY", "MODEL", "TIMEOUT_S"):
        monkeypatch.delenv(f"SKCHAT_LLM_{name}", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(f"SKCHAT_LLM_{name.upper()}", value)
    return Settings(_env_file=None)


def ask(model: HttpChatModel) -> str:
    async def main() -> str:
        try:
            return await model.complete("s", [ChatMessage("user", "hi")])
        finally:
            await model.aclose()

    return asyncio.run(main())


def test_offline_is_the_default_and_has_no_chat_model(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from_env(monkeypatch)
    assert settings.llm_provider == "offline"
    assert settings.llm_timeout_s == 8.0
    assert chat_model_from_settings(settings) is None
    offline = Offline()
    assert reply_generator_from_settings(settings, offline) is offline


def test_openai_compatible_server_from_env(monkeypatch: pytest.MonkeyPatch, openai_fake: FakeOpenAI) -> None:
    openai_fake.answer("from the fake")
    settings = settings_from_env(
        monkeypatch, provider="openai", base_url=openai_fake.base_url, api_key=API_KEY, model="qwen-test", timeout_s="3"
    )
    model = chat_model_from_settings(settings)
    assert isinstance(model, OpenAICompatChatModel)
    assert model.max_tokens_field == "max_tokens"  # a compatible server, not OpenAI's own
    assert ask(model) == "from the fake"
    request = openai_fake.requests()[0]
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.json["model"] == "qwen-test"

    generator = reply_generator_from_settings(settings, Offline())
    assert isinstance(generator, FallbackReplyGenerator)
    assert generator.provider == "openai"
    assert generator.timeout_s == 4.0


def test_openai_public_endpoint_uses_max_completion_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from_env(monkeypatch, provider="openai", api_key=API_KEY, model="gpt-test")
    model = chat_model_from_settings(settings)
    assert isinstance(model, OpenAICompatChatModel)
    assert model.url == "https://api.openai.com/v1/chat/completions"
    assert model.max_tokens_field == "max_completion_tokens"


def test_anthropic_from_env(monkeypatch: pytest.MonkeyPatch, anthropic_fake: FakeAnthropic) -> None:
    settings = settings_from_env(
        monkeypatch, provider="anthropic", base_url=anthropic_fake.base_url, api_key=API_KEY, model="claude-test"
    )
    model = chat_model_from_settings(settings)
    assert isinstance(model, AnthropicChatModel)
    assert ask(model) == "ok"
    assert anthropic_fake.requests()[0].headers["x-api-key"] == API_KEY
    public = chat_model_from_settings(settings_from_env(monkeypatch, provider="anthropic", api_key="k", model="c"))
    assert public is not None
    assert public.url == "https://api.anthropic.com/v1/messages"


def test_end_to_end_fallback_from_settings(monkeypatch: pytest.MonkeyPatch, openai_fake: FakeOpenAI) -> None:
    openai_fake.fail(401)
    settings = settings_from_env(
        monkeypatch, provider="openai", base_url=openai_fake.base_url, api_key=API_KEY, model="m"
    )
    generator = reply_generator_from_settings(settings, Offline())
    annotation = Annotation("en", None, 0.0, "neutral", 0.0)
    hits: list[Hit] = []
    turns: list[Turn] = []

    async def main() -> Draft:
        assert isinstance(generator, FallbackReplyGenerator)
        try:
            return await generator.generate("hello", annotation, hits, Corpus(), turns)
        finally:
            await generator.aclose()
            model = generator.primary.model  # type: ignore[attr-defined]
            assert model._own is None  # the session was closed

    assert asyncio.run(main()) == Draft("offline", (), False, "en")
    assert len(openai_fake.requests()) == 1


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"provider": "openai", "api_key": "k"}, "SKCHAT_LLM_MODEL"),
        ({"provider": "anthropic", "model": "c"}, "SKCHAT_LLM_API_KEY"),
        ({"provider": "openai", "model": "gpt-test"}, "SKCHAT_LLM_API_KEY"),
    ],
)
def test_misconfiguration_fails_at_start_up(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        chat_model_from_settings(settings_from_env(monkeypatch, **env))


def test_a_keyless_local_server_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from_env(monkeypatch, provider="openai", base_url="http://127.0.0.1:11434/v1", model="llama")
    assert isinstance(chat_model_from_settings(settings), OpenAICompatChatModel)


def test_unknown_provider_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(pydantic.ValidationError):
        settings_from_env(monkeypatch, provider="gemini")


def test_the_key_is_secret_in_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from_env(monkeypatch, provider="openai", api_key=API_KEY, model="m")
    assert API_KEY not in repr(settings)
    assert API_KEY not in str(settings.model_dump())
    assert settings.llm_api_key is not None and settings.llm_api_key.get_secret_value() == API_KEY
