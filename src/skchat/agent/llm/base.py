"""The chat-model interface for hosted language models (OpenAI-compatible, Anthropic, …)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

# Why a call failed, as a small closed set: it labels the fallback counter, so it must stay low-cardinality.
FailureReason = Literal[
    "timeout",
    "connection",
    "auth",
    "rate_limited",
    "server_error",
    "http_error",
    "malformed",
    "invalid_output",
    "error",
]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Literal["user", "assistant"]
    content: str


class ChatModelError(Exception):
    """The provider failed (HTTP error, timeout, malformed answer): callers fall back offline.

    `reason` classifies the failure for metrics and logs; `status` is the HTTP status if there was one.
    The message never carries the API key (adapters redact it).
    """

    def __init__(self, message: str, *, reason: FailureReason = "error", status: int | None = None) -> None:
        super().__init__(message)
        self.reason: FailureReason = reason
        self.status = status


class ChatModel(Protocol):
    async def complete(
        self, system: str, messages: Sequence[ChatMessage], *, max_tokens: int = 400, timeout_s: float = 10.0
    ) -> str: ...
