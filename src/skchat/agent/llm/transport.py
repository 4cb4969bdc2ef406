"""What the hosted chat adapters share: one aiohttp session, one deadline per call, one quick retry.

The retry policy is deliberately small, because every caller has an offline fallback that answers at once:
- retry only on 429 and 5xx (Anthropic's 529 "overloaded" included), and only once;
- wait what the server asks (`retry-after-ms`, else `Retry-After` in seconds or as an HTTP date) when that is
  at most 2 s; a longer wait means "not soon", so the call fails and the caller falls back instead of waiting;
  without a hint, wait 0.2-0.4 s;
- never past the call's deadline: `timeout_s` bounds the whole call, the retry and the wait included.
Everything else (other 4xx, refused connections, a non-JSON body, an answer without text) fails at once.

The API key is kept as a `SecretStr` (so no repr shows it), is unwrapped only to build the request
headers, and is redacted from any provider text that ends up in an error message.
"""

from __future__ import annotations

import asyncio
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

import aiohttp
import orjson
import structlog
from pydantic import SecretStr

from skchat.agent.llm.base import ChatMessage, ChatModelError, FailureReason

log = structlog.get_logger("skchat.llm")

USER_AGENT = "SKChat-Agent/1.0"
MAX_RETRY_AFTER_S = 2.0
MAX_RESPONSE_BYTES = 4 * 1024 * 1024


def retry_after_s(headers: Mapping[str, str]) -> float | None:
    """The server's requested wait, in seconds, if it sent a readable one."""
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def failure_reason(status: int) -> FailureReason:
    if status in (401, 403):
        return "auth"
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "server_error"
    return "http_error"


def error_detail(body: Any) -> str:
    """The provider's own words from an error body: OpenAI `{"error": {...}}`, Anthropic `{"type": "error", ...}`,
    or the bare `{"error": "..."}` some OpenAI-compatible servers (Ollama) send."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str):
        return error
    if isinstance(error, dict):
        kind = error.get("type") or error.get("code")
        message = error.get("message")
        return ": ".join(str(part) for part in (kind, message) if part)
    return ""


class HttpChatModel(ABC):
    """A `ChatModel` over HTTP. Subclasses say where to POST, which headers, how to shape the request
    and how to read the answer; this class owns the session, the deadline, the retry and the errors.

    The session is created lazily on the running event loop and reused for every call on that loop
    (keep-alive to the provider). Pass `session` to share one across adapters; it is then not ours to close.
    """

    provider: ClassVar[str]

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | SecretStr | None = None,
        temperature: float | None = 0.2,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.temperature = temperature
        self._api_key = SecretStr(api_key) if isinstance(api_key, str) else api_key
        self._shared = session
        self._own: aiohttp.ClientSession | None = None
        self._own_loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, model={self.model!r})"

    @property
    @abstractmethod
    def url(self) -> str: ...

    @abstractmethod
    def headers(self, api_key: str | None) -> dict[str, str]: ...

    @abstractmethod
    def payload(self, system: str, messages: Sequence[ChatMessage], max_tokens: int) -> dict[str, Any]: ...

    @abstractmethod
    def text_of(self, body: Any) -> str:
        """The answer's text; raise `ChatModelError(reason="malformed")` when the body is not a usable answer."""

    async def complete(
        self, system: str, messages: Sequence[ChatMessage], *, max_tokens: int = 400, timeout_s: float = 10.0
    ) -> str:
        data = orjson.dumps(self.payload(system, messages, max_tokens))
        deadline = asyncio.get_running_loop().time() + timeout_s
        try:
            async with asyncio.timeout_at(deadline):
                return await self._call(data, deadline)
        except TimeoutError:
            raise ChatModelError(f"{self.provider} did not answer within {timeout_s:g} s", reason="timeout") from None

    async def aclose(self) -> None:
        if self._own is not None and not self._own.closed:
            await self._own.close()
        self._own = None

    async def _call(self, data: bytes, deadline: float) -> str:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            status, headers, raw = await self._post(data)
            if 200 <= status < 300:
                return self.text_of(self._decode(raw))
            error = self._http_error(status, raw)
            if attempt == 1 and (status == 429 or status >= 500):
                hinted = retry_after_s(headers)
                wait = hinted if hinted is not None else 0.2 + random.random() * 0.2
                if wait <= MAX_RETRY_AFTER_S and loop.time() + wait < deadline:
                    log.info("hosted model failed, retrying once", provider=self.provider, status=status, wait_s=wait)
                    await asyncio.sleep(wait)
                    continue
            raise error
        raise AssertionError("unreachable")

    async def _post(self, data: bytes) -> tuple[int, Mapping[str, str], bytes]:
        key = self._api_key.get_secret_value() if self._api_key is not None else None
        try:
            async with self._session().post(self.url, data=data, headers=self.headers(key)) as response:
                raw = b""
                async for chunk in response.content.iter_chunked(64 * 1024):
                    raw += chunk
                    if len(raw) > MAX_RESPONSE_BYTES:
                        raise ChatModelError(
                            f"{self.provider} answer exceeds {MAX_RESPONSE_BYTES} bytes", reason="malformed"
                        )
                return response.status, response.headers, raw
        except aiohttp.ClientError as exc:
            # `from None`: aiohttp's exceptions carry the request info, our Authorization header included.
            raise ChatModelError(
                f"{self.provider} request failed: {type(exc).__name__}: {self._redact(str(exc))}", reason="connection"
            ) from None

    def _session(self) -> aiohttp.ClientSession:
        if self._shared is not None:
            return self._shared
        loop = asyncio.get_running_loop()
        if self._own is None or self._own.closed or self._own_loop is not loop:
            # A session is bound to its loop; a new loop (a restarted worker, a test) needs a new one.
            self._own = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=32, ttl_dns_cache=60), headers={"User-Agent": USER_AGENT}
            )
            self._own_loop = loop
        return self._own

    def _decode(self, raw: bytes) -> Any:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise ChatModelError(f"{self.provider} answered with a body that is not JSON", reason="malformed") from None

    def _http_error(self, status: int, raw: bytes) -> ChatModelError:
        try:
            detail = error_detail(orjson.loads(raw))
        except orjson.JSONDecodeError:
            detail = ""
        detail = self._redact(detail)[:300] or "no error detail"
        return ChatModelError(
            f"{self.provider} answered HTTP {status}: {detail}", reason=failure_reason(status), status=status
        )

    def _redact(self, text: str) -> str:
        key = self._api_key.get_secret_value() if self._api_key is not None else ""
        return text.replace(key, "***") if key else text

    def malformed(self, what: str) -> ChatModelError:
        return ChatModelError(f"{self.provider} answer is malformed: {what}", reason="malformed")
