"""OpenAI-compatible chat completions: OpenAI itself, and servers that speak its API (vLLM, Ollama, gateways).

`POST {base_url}/chat/completions` with `Authorization: Bearer <key>`; `base_url` includes the version
prefix as OpenAI's own clients expect (`https://api.openai.com/v1`, `http://localhost:11434/v1`).
Without a key (a local vLLM or Ollama) no Authorization header is sent.

OpenAI now names the output cap `max_completion_tokens` (its reasoning models reject `max_tokens`), while
many compatible servers still know only `max_tokens`: the field is configurable, and the registry picks
`max_completion_tokens` for OpenAI's own endpoint and `max_tokens` for any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import aiohttp
from pydantic import SecretStr

from skchat.agent.llm.base import ChatMessage
from skchat.agent.llm.transport import HttpChatModel

OPENAI_BASE_URL = "https://api.openai.com/v1"


class OpenAICompatChatModel(HttpChatModel):
    provider = "openai"

    def __init__(
        self,
        *,
        model: str,
        api_key: str | SecretStr | None = None,
        base_url: str = OPENAI_BASE_URL,
        max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens",
        temperature: float | None = 0.2,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        super().__init__(base_url=base_url, model=model, api_key=api_key, temperature=temperature, session=session)
        self.max_tokens_field = max_tokens_field

    @property
    def url(self) -> str:
        return f"{self.base_url}/chat/completions"

    def headers(self, api_key: str | None) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        return headers

    def payload(self, system: str, messages: Sequence[ChatMessage], max_tokens: int) -> dict[str, Any]:
        wire: list[dict[str, str]] = [{"role": "system", "content": system}] if system else []
        wire += [{"role": m.role, "content": m.content} for m in messages]
        payload: dict[str, Any] = {"model": self.model, "messages": wire, self.max_tokens_field: max_tokens}
        if self.temperature is not None:
            payload["temperature"] = self.temperature
        return payload

    def text_of(self, body: Any) -> str:
        choices = body.get("choices") if isinstance(body, dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise self.malformed("no choices")
        message = choices[0].get("message")
        if not isinstance(message, dict):
            raise self.malformed("no message in the first choice")
        content = message.get("content")
        if isinstance(content, list):  # some compatible servers send content parts
            content = "".join(
                part.get("text", "") for part in content if isinstance(part, dict) and part.get("type") == "text"
            )
        if not isinstance(content, str) or not content.strip():
            refusal = message.get("refusal")
            raise self.malformed(f"refused: {str(refusal)[:200]}" if refusal else "no text content")
        return content
