"""A fake of OpenAI's chat completions API (`POST /v1/chat/completions`), as OpenAI documents it.

With `api_key=None` it requires no Authorization header, like a local vLLM or Ollama.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from tests.fakes.chat_server import FakeChatServer, Recorded, Response, parse_json

ERROR_TYPES = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "not_found"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("server_error", None),
}
ROLES = {"system", "developer", "user", "assistant", "tool"}


class FakeOpenAI(FakeChatServer):
    path = "/v1/chat/completions"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def check(self, request: Recorded) -> Response | None:
        if self.api_key is not None:
            auth = request.headers.get("authorization", "")
            if not auth.startswith("Bearer "):
                return self.json_response(401, self.error(401, "You didn't provide an API key."))
            if auth.removeprefix("Bearer ") != self.api_key:
                given = auth.removeprefix("Bearer ")
                return self.json_response(
                    401, self.error(401, f"Incorrect API key provided: {given[:3]}***{given[-4:]}.")
                )
        body = parse_json(request)
        if not isinstance(body, dict):
            return self.json_response(400, self.error(400, "We could not parse the JSON body of your request."))
        if not isinstance(body.get("model"), str):
            return self.json_response(400, self.error(400, "you must provide a model parameter"))
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return self.json_response(400, self.error(400, "'messages' must be a non-empty array"))
        for m in messages:
            if not isinstance(m, dict) or m.get("role") not in ROLES or not isinstance(m.get("content"), str | list):
                return self.json_response(400, self.error(400, f"Invalid message: {m!r}"))
        if "max_tokens" in body and "max_completion_tokens" in body:
            return self.json_response(400, self.error(400, "max_tokens and max_completion_tokens are exclusive"))
        return None

    def success(self, body: Any, text: str, finish_reason: str = "stop", **_: Any) -> dict[str, Any]:
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in body["messages"])
        completion_tokens = len(text.split())
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "system_fingerprint": "fp_fake",
        }

    def error(self, status: int, message: str | None) -> dict[str, Any]:
        kind, code = ERROR_TYPES.get(status, ("server_error" if status >= 500 else "invalid_request_error", None))
        return {
            "error": {
                "message": message or f"The server had an error while processing your request ({status}).",
                "type": kind,
                "param": None,
                "code": code,
            }
        }
