"""The OpenAPI document: what FastAPI derives from the routes, plus what only the service as a whole knows.

FastAPI sees each endpoint alone; it cannot know that every authenticated route takes a bearer
key, answers errors as problem+json, or honours Idempotency-Key on writes, because those come
from `kit/` (the `require()` dependency, the middleware, the exception handlers). `install()`
adds them to the generated document in one place, reading each route's own `require(scope)`
dependency, so a new domain router is documented correctly without repeating anything.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from skchat.kit import context
from skchat.kit.context import WRITE_METHODS
from skchat.kit.errors import (
    TYPE_BASE,
    ApiError,
    Forbidden,
    IdempotencyKeyInUse,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Unauthenticated,
    UnsupportedMediaType,
    ValidationFailed,
    problem_body,
)

SECURITY_SCHEME = "bearerAuth"
PROBLEM = "Problem"
PROBLEM_JSON = "application/problem+json"
EXAMPLE_REQUEST_ID = "req_01JD3M5W8X7K2F9Q4T6V0B1C2N"

# Tag order and descriptions; a tag appears in the document only when some route uses it.
TAGS: dict[str, str] = {
    "Conversations": (
        "One thread with one customer on one channel. Its `status` moves between `open` (the AI agent "
        "answers), `handoff` (the AI stood down, waiting for a human), `assigned` (a team member owns it) "
        "and `closed`."
    ),
    "Messages": (
        "The messages of a conversation: customer messages (annotated with intent, language and sentiment), "
        "replies from the AI agent or a team member, and internal notes the customer never sees."
    ),
    "Contacts": "The customers: their profile, a full export of what is stored about them, and erasure.",
    "Members": "Team members: the people who take over conversations from the AI agent.",
    "Agents": "The AI agent's settings: name, greeting, languages, handoff rules and web widget.",
    "Knowledge": "Articles the agent answers from.",
    "Catalog": "Items the agent answers from.",
    "Intents": "The tenant's intent names, with examples.",
    "Webhooks": (
        "Webhook endpoints: URLs that receive events, signed per the Standard Webhooks specification, "
        "with retries, secret rotation and recovery of what failed."
    ),
    "Events": (
        "Everything that happened, stored in the same transaction as the change that caused it, "
        "and delivered to subscribed webhook endpoints."
    ),
    "Wallet": "Messaging credit for paid channels such as WhatsApp.",
    "API keys": "Secret keys for this API. A key sees one mode (test or live) and may do what its scopes allow.",
    "Operations": "Health and readiness probes: outside the base path, without authentication.",
}


@dataclass(frozen=True, slots=True)
class ErrorResponse:
    status: int
    name: str
    description: str
    example: ApiError


# The errors the shared plumbing can give any API route; which ones a route gets is decided in `_errors()`.
ERRORS: tuple[ErrorResponse, ...] = (
    ErrorResponse(
        400,
        "InvalidRequest",
        "The request is malformed: a body that is not JSON, a malformed cursor, a bad Idempotency-Key.",
        InvalidRequest("The request body is not valid JSON."),
    ),
    ErrorResponse(
        401,
        "Unauthenticated",
        "The API key is missing, malformed, or revoked.",
        Unauthenticated("Missing Authorization header; send 'Authorization: Bearer sk_…'."),
    ),
    ErrorResponse(
        403,
        "Forbidden",
        "The API key lacks the scope this operation needs.",
        Forbidden("This API key lacks the 'conversations:write' scope."),
    ),
    ErrorResponse(
        404,
        "NotFound",
        "An object named in the path or body does not exist in this key's tenant and mode "
        "(an id of the other mode, or of another tenant, answers exactly the same).",
        NotFound("No conversation cnv_01JD3M5W8X7K2F9Q4T6V0B1C2N."),
    ),
    ErrorResponse(
        409,
        "Conflict",
        "The object's current state forbids this change, or a request with the same Idempotency-Key is still running.",
        IdempotencyKeyInUse("A request with this Idempotency-Key is still in progress."),
    ),
    ErrorResponse(
        413,
        "PayloadTooLarge",
        "The request body is over the size limit (256 KiB unless configured otherwise).",
        PayloadTooLarge("The request body is larger than 256 KiB."),
    ),
    ErrorResponse(
        415,
        "UnsupportedMediaType",
        "The body was not sent as `application/json`.",
        UnsupportedMediaType("Send the body as JSON with 'Content-Type: application/json'."),
    ),
    ErrorResponse(
        422,
        "ValidationFailed",
        "The body or a parameter is invalid (`errors` names each field), or the Idempotency-Key was "
        "already used for a different request.",
        ValidationFailed(
            "message.text: String should have at least 1 character",
            errors=[{"field": "message.text", "message": "String should have at least 1 character"}],
        ),
    ),
    ErrorResponse(
        429,
        "RateLimited",
        "Too many requests for this API key; retry after `Retry-After` seconds.",
        RateLimited("Too many requests for this API key; retry after the Retry-After delay."),
    ),
)


def error_classes() -> Iterator[type[ApiError]]:
    """ApiError and every subclass, breadth first (the codes the service can answer with)."""
    queue: list[type[ApiError]] = [ApiError]
    while queue:
        cls = queue.pop(0)
        yield cls
        queue.extend(cls.__subclasses__())


def codes_by_status() -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for cls in error_classes():
        codes = found.setdefault(cls.status, [])
        if cls.code not in codes:
            codes.append(cls.code)
    return found


@dataclass(frozen=True, slots=True)
class RouteAuth:
    """How a route is authenticated: by `require(scope)`; `scope` None means any valid key."""

    scope: str | None


def _dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dep in dependant.dependencies:
        if dep.call is not None:
            yield dep.call
        yield from _dependency_calls(dep)


def route_auth(dependant: Dependant) -> RouteAuth | None:
    """The route's `require(scope)` dependency, if it has one, read from the closure it built."""
    for call in _dependency_calls(dependant):
        module = getattr(call, "__module__", None)
        qualname = getattr(call, "__qualname__", "")
        if module == context.__name__ and qualname.startswith(f"{context.require.__qualname__}.<locals>."):
            scope = inspect.getclosurevars(call).nonlocals.get("scope")
            return RouteAuth(scope if isinstance(scope, str) else None)
    return None


@dataclass(frozen=True, slots=True)
class RouteInfo:
    name: str
    auth: RouteAuth | None


def routes_by_operation(app: FastAPI) -> dict[tuple[str, str], RouteInfo]:
    """(method, path) -> what the document cannot say by itself, for every documented API route."""
    found: dict[tuple[str, str], RouteInfo] = {}
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        info = RouteInfo(route.name or "", route_auth(route.dependant))
        for method in route.methods or ():
            found[(method.lower(), route.path_format or "")] = info
    return found


def _header(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "schema": schema}


HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-Id": _header(
        "This request's id (`req_…`), also in error bodies. A well-formed incoming X-Request-Id is echoed.",
        {"type": "string"},
    ),
    "RateLimit-Limit": _header("The burst size of this key's token bucket.", {"type": "integer"}),
    "RateLimit-Remaining": _header("Requests this key may still make at once.", {"type": "integer"}),
    "RateLimit-Reset": _header("Seconds until this key's bucket is full again.", {"type": "integer"}),
    "Retry-After": _header("Seconds to wait before retrying.", {"type": "integer"}),
    "Idempotent-Replayed": _header(
        "`true` when this is the stored response to an earlier request with the same Idempotency-Key.",
        {"type": "string", "enum": ["true"]},
    ),
    "WWW-Authenticate": _header("The authentication scheme to use: `Bearer`.", {"type": "string"}),
}
RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def _headers(*names: str) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def problem_schema() -> dict[str, Any]:
    codes = [code for codes in codes_by_status().values() for code in codes]
    return {
        "type": "object",
        "title": PROBLEM,
        "description": (
            "Every error: `application/problem+json` (RFC 9457) with a stable `code`. Never a stack trace, never HTML."
        ),
        "required": ["type", "title", "status", "detail", "code", "request_id"],
        "properties": {
            "type": {"type": "string", "format": "uri", "description": f"`{TYPE_BASE}` followed by the `code`."},
            "title": {"type": "string", "description": "A short summary of the kind of error."},
            "status": {"type": "integer", "description": "The HTTP status code."},
            "detail": {"type": "string", "description": "What was wrong with this request, for a human."},
            "code": {
                "type": "string",
                "description": "Stable snake_case error code: branch on this, not on `title` or `detail`.",
                "examples": codes,
            },
            "request_id": {
                "type": ["string", "null"],
                "description": "The request's `X-Request-Id`; quote it when reporting a problem.",
            },
            "errors": {
                "type": "array",
                "description": "Only with `validation_failed`: one entry per invalid field.",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {
                        "field": {"type": "string", "description": "The field's dotted path, e.g. `contact.email`."},
                        "message": {"type": "string", "description": "What is wrong with it."},
                    },
                },
            },
        },
    }


def error_responses() -> dict[str, Any]:
    codes = codes_by_status()
    responses: dict[str, Any] = {}
    for error in ERRORS:
        names = ", ".join(f"`{code}`" for code in codes.get(error.status, [error.example.code]))
        headers = ["X-Request-Id"]
        if error.status == 401:
            headers.append("WWW-Authenticate")
        if error.status == 429:
            headers.extend([*RATE_LIMIT_HEADERS, "Retry-After"])
        responses[error.name] = {
            "description": f"{error.description} Codes: {names}.",
            "headers": _headers(*headers),
            "content": {
                PROBLEM_JSON: {
                    "schema": {"$ref": f"#/components/schemas/{PROBLEM}"},
                    "example": problem_body(error.example, EXAMPLE_REQUEST_ID),
                }
            },
        }
    return responses


IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Makes this write safe to retry: 1-255 printable ASCII characters, unique per intended write. "
        "For 24 hours, the same key with the same method, path and body returns the first response again "
        "(with `Idempotent-Replayed: true`) and writes nothing; with a different request it is a 422 "
        "`idempotency_key_reused`; while the first request still runs, a 409 `idempotency_key_in_use`. "
        "A request that failed is not stored, so its key can be retried."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
}


def _can_fail_validation(parameter: dict[str, Any]) -> bool:
    """A plain string path id cannot fail validation (an unknown one is a 404); anything else can."""
    if "$ref" in parameter:
        return False
    schema = {k: v for k, v in parameter.get("schema", {}).items() if k not in ("title", "description")}
    return not (parameter.get("in") == "path" and schema == {"type": "string"})


def _errors(method: str, path: str, operation: dict[str, Any], auth: RouteAuth | None) -> list[int]:
    """The error statuses the shared plumbing (and, for 404, the route's ids) can give this operation."""
    has_body = "requestBody" in operation
    write = method.upper() in WRITE_METHODS
    statuses: set[int] = set()
    if has_body or any(_can_fail_validation(p) for p in operation.get("parameters", [])):
        statuses.add(422)
    if has_body:
        statuses |= {400, 413, 415}
    if "{" in path or (write and has_body):
        statuses.add(404)
    if auth is not None:
        statuses |= {400, 401, 429}
        if auth.scope is not None:
            statuses.add(403)
        if write:
            statuses |= {409, 422}
    return sorted(statuses)


def _document_operation(
    schemas: dict[str, Any], method: str, path: str, operation: dict[str, Any], info: RouteInfo | None
) -> None:
    auth = info.auth if info is not None else None
    if info is not None and info.name:
        operation["operationId"] = info.name
    if "summary" in operation:
        operation["summary"] = re.sub(r"\bApi\b", "API", operation["summary"])
    responses: dict[str, Any] = operation.setdefault("responses", {})
    write = method.upper() in WRITE_METHODS
    success = ["X-Request-Id"]
    if auth is not None:
        operation["security"] = [{SECURITY_SCHEME: [auth.scope] if auth.scope else []}]
        success.extend(RATE_LIMIT_HEADERS)
        if write:
            success.append("Idempotent-Replayed")
            parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
            parameters.append({"$ref": "#/components/parameters/IdempotencyKey"})
    for status, response in responses.items():
        if status.startswith("2") and "$ref" not in response:
            response.setdefault("headers", {}).update(_headers(*success))
            if response.get("description") == "Successful Response":
                response["description"] = _success_description(schemas, status, response)
    if "HTTPValidationError" in repr(responses.get("422")):
        del responses["422"]  # FastAPI's own shape: replaced by problem+json below, where it applies
    for status, response in responses.items():
        if status.startswith(("4", "5")) and "$ref" not in response and "content" not in response:
            response["content"] = {PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{PROBLEM}"}}}
    names = {error.status: error.name for error in ERRORS}
    for error_status in _errors(method, path, operation, auth):
        # An endpoint's own, more specific description of an error (`responses=`) is kept.
        responses.setdefault(str(error_status), {"$ref": f"#/components/responses/{names[error_status]}"})
    operation["responses"] = dict(sorted(responses.items()))


def _success_description(schemas: dict[str, Any], status: str, response: dict[str, Any]) -> str:
    """Say what comes back instead of FastAPI's 'Successful Response'."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    name = str(schema.get("$ref", "")).rsplit("/", 1)[-1]
    target = schemas.get(name, {})
    data = target.get("properties", {}).get("data", {})
    item = str(data.get("items", {}).get("$ref", "")).rsplit("/", 1)[-1]
    if target.get("properties", {}).get("object", {}).get("const") == "list" and item:
        return f"A page of {item} objects."
    if name:
        return f"{'Created: the' if status == '201' else 'The'} {name} object."
    return "Created." if status == "201" else "OK."


def _drop_unreferenced(document: dict[str, Any], names: tuple[str, ...]) -> None:
    """Remove FastAPI's own validation-error schemas once no response uses them (problem+json replaced them)."""
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    for name in names:
        rest = {key: value for key, value in document.items() if key != "components"}
        rest["schemas"] = {key: value for key, value in schemas.items() if key != name}
        if name in schemas and f"'#/components/schemas/{name}'" not in repr(rest):
            del schemas[name]


def customise(app: FastAPI, generated: dict[str, Any]) -> dict[str, Any]:
    """The generated document, completed: security, errors, idempotency, headers, tags, servers."""
    document = copy.deepcopy(generated)
    base = app.openapi_url.rsplit("/", 1)[0] if app.openapi_url else ""
    document["info"]["description"] = (
        f"The REST API of SK Chat, under `{base}`. Authenticate with `Authorization: Bearer sk_test_…` "
        "(test mode) or `sk_live_…` (live mode). Writes accept `Idempotency-Key`; lists are cursor-paginated; "
        f"errors are `application/problem+json`. The readable reference is served at `{base}/reference`."
    )
    document["servers"] = [{"url": "/", "description": "The server this document was fetched from."}]
    routes = routes_by_operation(app)
    schemas = document.get("components", {}).get("schemas", {})
    used_tags: set[str] = set()
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            used_tags.update(operation.get("tags", []))
            _document_operation(schemas, method, path, operation, routes.get((method, path)))
    # Described tags in TAGS order, any other tag after them, and the operations probes last.
    last = [name for name in ("Operations",) if name in used_tags]
    ordered = [name for name in TAGS if name in used_tags and name not in last]
    ordered += sorted(used_tags - set(TAGS)) + last
    document["tags"] = [
        {"name": name, "description": TAGS[name]} if name in TAGS else {"name": name} for name in ordered
    ]
    components: dict[str, Any] = document.setdefault("components", {})
    components["securitySchemes"] = {
        SECURITY_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "sk_test_… or sk_live_…",
            "description": (
                "A secret API key, sent as `Authorization: Bearer sk_test_…` (test mode) or `sk_live_…` "
                "(live mode). The key's mode decides which data a request sees; its scopes (listed on each "
                "operation) decide what it may do."
            ),
        }
    }
    components.setdefault("schemas", {})[PROBLEM] = problem_schema()
    components["responses"] = error_responses()
    components["headers"] = HEADERS
    components["parameters"] = {"IdempotencyKey": IDEMPOTENCY_KEY_PARAMETER}
    _drop_unreferenced(document, ("HTTPValidationError", "ValidationError"))
    return document


def install(app: FastAPI) -> None:
    """Serve the completed document at app.openapi_url (FastAPI caches the generated one per route set)."""
    generate = app.openapi
    cache: dict[str, dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        generated = generate()
        if cache.get("generated") is not generated:
            cache["generated"] = generated
            cache["document"] = customise(app, generated)
        return cache["document"]

    app.openapi = openapi  # type: ignore[method-assign]
