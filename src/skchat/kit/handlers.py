"""Exception handlers: every failure becomes problem+json with a stable code, never a stack trace."""

from __future__ import annotations

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from skchat.kit.context import ReplayResponse
from skchat.kit.errors import (
    ApiError,
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    UnsupportedMediaType,
    ValidationFailed,
    problem,
)


def _request_id(request: Request) -> str | None:
    state = request.scope.get("state", {}).get("skchat")
    return getattr(state, "request_id", None)


def _field(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return problem(exc, _request_id(request))


async def replay(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ReplayResponse)
    stored = exc.replay
    headers = {**stored.headers, "Idempotent-Replayed": "true"}
    headers.pop("content-length", None)
    return Response(stored.body, status_code=stored.status, headers=headers)


async def validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem(InvalidRequest("The request body is not valid JSON."), _request_id(request))
    content_type = request.headers.get("content-type", "")
    if request.method in {"POST", "PATCH", "PUT"} and content_type and "json" not in content_type:
        return problem(
            UnsupportedMediaType("Send the body as JSON with 'Content-Type: application/json'."),
            _request_id(request),
        )
    details = [{"field": _field(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))} for e in errors]
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:3])
    return problem(ValidationFailed(summary, errors=details), _request_id(request))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    error: ApiError
    if isinstance(exc.__cause__, ApiError):  # FastAPI wraps what failed while reading the body (e.g. 413)
        error = exc.__cause__
    elif exc.status_code == 404:
        error = NotFound(f"No route {request.method} {request.url.path}.")
    elif exc.status_code == 405:
        error = MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}.")
    else:
        error = ApiError(str(exc.detail))
        error.status = exc.status_code  # type: ignore[misc]
    return problem(error, _request_id(request))


async def data_error(request: Request, exc: Exception) -> Response:
    """A value PostgreSQL refuses to store (a NUL character, an out-of-range number) is bad input."""
    return problem(
        InvalidRequest("A value in the request cannot be stored (for example a NUL character)."),
        _request_id(request),
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(ReplayResponse, replay)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(asyncpg.DataError, data_error)
