"""The hosted chat model chosen by configuration (`SKCHAT_LLM_*`), or none for the offline default.

A misconfiguration (a hosted provider without a model name, or OpenAI's/Anthropic's public endpoint
without a key) fails at start-up with `ValueError` rather than at the first customer message.
"""

from __future__ import annotations

from skchat.agent.llm.anthropic import ANTHROPIC_BASE_URL, AnthropicChatModel
from skchat.agent.llm.openai_compat import OPENAI_BASE_URL, OpenAICompatChatModel
from skchat.agent.llm.replies import FallbackReplyGenerator, HostedReplyGenerator, ReplyGenerator
from skchat.agent.llm.transport import HttpChatModel
from skchat.config import Settings


def chat_model_from_settings(settings: Settings) -> HttpChatModel | None:
    """The configured hosted model (the caller closes it with `aclose()` at shutdown), or None when offline."""
    provider = settings.llm_provider
    if provider == "offline":
        return None
    if not settings.llm_model:
        raise ValueError(f"SKCHAT_LLM_MODEL must name a model when SKCHAT_LLM_PROVIDER={provider}")
    if settings.llm_base_url is None and settings.llm_api_key is None:
        raise ValueError(f"SKCHAT_LLM_API_KEY is required for {provider}'s public API")
    if provider == "openai":
        return OpenAICompatChatModel(
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            base_url=settings.llm_base_url or OPENAI_BASE_URL,
            # OpenAI's reasoning models reject `max_tokens`; most compatible servers know nothing else.
            max_tokens_field="max_completion_tokens" if settings.llm_base_url is None else "max_tokens",
        )
    return AnthropicChatModel(
        model=settings.llm_model, api_key=settings.llm_api_key, base_url=settings.llm_base_url or ANTHROPIC_BASE_URL
    )


def reply_generator_from_settings(settings: Settings, offline: ReplyGenerator) -> ReplyGenerator:
    """`offline` itself, or the configured hosted model with `offline` as its fallback."""
    model = chat_model_from_settings(settings)
    if model is None:
        return offline
    hosted = HostedReplyGenerator(model, provider=model.provider, timeout_s=settings.llm_timeout_s)
    # The adapter enforces the deadline itself; this outer one (with a grace) also covers prompt building.
    return FallbackReplyGenerator(hosted, offline, provider=model.provider, timeout_s=settings.llm_timeout_s + 1.0)
