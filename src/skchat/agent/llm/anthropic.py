"""Anthropic's Messages API: `POST {base_url}/v1/messages` with `x-api-key` and `anthropic-version: 2023-06-01`.

`base_url` excludes the version prefix, as Anthropic's own clients expect (`https://api.anthropic.com`).
The system prompt is the top-level `system` field (the API has no system role in `messages`), `max_tokens`
is required, and consecutive messages of one role are merged into one turn, as the API expects turns to
alternate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiohttp
from pydantic import SecretStr

from skchat.agent.llm.base import ChatMessage
from skchat.agent.llm.transport import HttpChatModel

ANTHROPIC_BASE_URL = "https://api.anthropic.com"
ANTHROPIC_VERSION = "2023-06-01"


class AnthropicChatModel(HttpChatModel):
    provider = "anthropic"

    def __init__(
        self,
        *,
        model: str,
        api_key: str | SecretStr | None = None,
        base_url: str = ANTHROPIC_BASE_URL,
        temperature: float | None = 0.2,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        super().__init__(base_url=base_url, model=model, api_key=api_key, temperature=temperature, session=session)

    @property
    def url(self) -> str:
        return f"{self.base_url}/v1/messages"

    def headers(self, api_key: str | None) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "anthropic-version": ANTHROPIC_VERSION,
        }
        if api_key:
            headers["x-api-key"] = api_key
        return headers

    def payload(self, system: str, messages: Sequence[ChatMessage], max_tokens: int) -> dict[str, Any]:
        turns: list[dict[str, str]] = []
        for m in messages:
            if turns and turns[-1]["role"] == m.role:
                turns[-1]["content"] += "\n\n" + m.content
            else:
                turns.append({"role": m.role, "content": m.content})
        payload: dict[str, Any] = {"model": self.model, "max_tokens": max_tokens, "messages": turns}
        if system:
            payload["system"] = system
        if self.temperature is not None:
            payload["temperature"] = self.temperature
        return payload

    def text_of(self, body: Any) -> str:
        if not isinstance(body, dict) or body.get("type") != "message":
            raise self.malformed("not a message")
        content = body.get("content")
        if not isinstance(content, list):
            raise self.malformed("no content blocks")
        text = "".join(
            block["text"]
            for block in content
            if isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str)
        )
        if not text.strip():
            raise self.malformed(f"no text content (stop_reason={body.get('stop_reason')!r})")
        return text
