"""A fake of Anthropic's Messages API (`POST /v1/messages`), as Anthropic documents it."""

from __future__ import annotations

import uuid
from typing import Any

from tests.fakes.chat_server import FakeChatServer, Recorded, Response, parse_json

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


class FakeAnthropic(FakeChatServer):
    path = "/v1/messages"

    @property
    def base_url(self) -> str:
        return self.url

    def check(self, request: Recorded) -> Response | None:
        if self.api_key is not None and request.headers.get("x-api-key") != self.api_key:
            return self.json_response(401, self.error(401, "invalid x-api-key"))
        if not request.headers.get("anthropic-version"):
            return self.json_response(400, self.error(400, "anthropic-version: header is required"))
        body = parse_json(request)
        if not isinstance(body, dict):
            return self.json_response(400, self.error(400, "Request body is not valid JSON"))
        if not isinstance(body.get("model"), str):
            return self.json_response(400, self.error(400, "model: Field required"))
        if not isinstance(body.get("max_tokens"), int) or body["max_tokens"] < 1:
            return self.json_response(400, self.error(400, "max_tokens: Field required"))
        if "system" in body and not isinstance(body["system"], str | list):
            return self.json_response(400, self.error(400, "system: Input should be a valid string"))
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return self.json_response(400, self.error(400, "messages: at least one message is required"))
        for m in messages:
            if not isinstance(m, dict) or m.get("role") not in ("user", "assistant"):
                role = m.get("role") if isinstance(m, dict) else None
                return self.json_response(400, self.error(400, f"messages: Unexpected role {role!r}"))
            if not isinstance(m.get("content"), str | list):
                return self.json_response(400, self.error(400, "messages: content must be a string or a list"))
        if messages[0]["role"] != "user":
            return self.json_response(400, self.error(400, 'messages: first message must use the "user" role'))
        return None

    def success(self, body: Any, text: str, stop_reason: str = "end_turn", **_: Any) -> dict[str, Any]:
        input_tokens = len(str(body.get("system", "")).split()) + sum(
            len(str(m.get("content", "")).split()) for m in body["messages"]
        )
        return {
            "id": f"msg_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": text}],
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": len(text.split())},
        }

    def error(self, status: int, message: str | None) -> dict[str, Any]:
        kind = ERROR_TYPES.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": message or f"{kind} ({status})"}}
