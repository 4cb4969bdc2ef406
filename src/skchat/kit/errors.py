"""Errors as exception classes that carry their status and stable `code`, rendered as problem+json.

Every error response of the API goes through `problem()`, so the shape is the same for a
validation failure, a missing route, a rate limit or a crash: RFC 9457 plus `code` and
`request_id`, never a stack trace.
"""

from __future__ import annotations

from typing import Any, ClassVar

import orjson
from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://docs.skchat.dev/errors/"


class ApiError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "invalid_request"
    title: ClassVar[str] = "Invalid request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.headers = headers or {}


class InvalidRequest(ApiError):
    pass


class ValidationFailed(ApiError):
    status = 422
    code = "validation_failed"
    title = "Validation failed"


class Unauthenticated(ApiError):
    status = 401
    code = "unauthenticated"
    title = "Unauthenticated"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="skchat"'})


class Forbidden(ApiError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(ApiError):
    status = 404
    code = "not_found"
    title = "Not found"


class MethodNotAllowed(ApiError):
    status = 405
    code = "method_not_allowed"
    title = "Method not allowed"


class Conflict(ApiError):
    status = 409
    code = "conflict"
    title = "Conflict"


class ConversationClosed(Conflict):
    code = "conversation_closed"
    title = "Conversation closed"


class IdempotencyKeyInUse(Conflict):
    code = "idempotency_key_in_use"
    title = "Idempotency key in use"


class IdempotencyKeyReused(ApiError):
    status = 422
    code = "idempotency_key_reused"
    title = "Idempotency key reused"


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class UnsupportedMediaType(ApiError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


class RateLimited(ApiError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"


class InternalError(ApiError):
    status = 500
    code = "internal_error"
    title = "Internal error"


class Unavailable(ApiError):
    status = 503
    code = "unavailable"
    title = "Service unavailable"


def problem_body(error: ApiError, request_id: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + error.code,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "code": error.code,
        "request_id": request_id,
    }
    if error.errors is not None:
        body["errors"] = error.errors
    return body


def problem(error: ApiError, request_id: str | None) -> Response:
    return Response(
        orjson.dumps(problem_body(error, request_id)),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=error.headers,
    )
