"""`LeanRoute`: FastAPI's routes, handled without its general dependency solver where they allow it.

FastAPI's request handling (dependency solving, parameter collection, exit stacks, telemetry
hooks) costs about 0.12 ms of CPU per request on the API's busiest route, a fifth of the
service's own work per customer message (bench/README.md). Most of the API's endpoints have one
simple shape, which needs none of that generality:

    async def endpoint(ctx: Annotated[Ctx, Depends(require(...))], <path params: str>, [body: Model])

For a route of exactly that shape, `LeanRoute` handles requests itself, in FastAPI's order and
with FastAPI's errors: read the body and parse it as JSON when it is JSON (`json_invalid` before
anything else), run the dependencies, validate the body (`missing`, field errors under
`("body", …)`), call the endpoint, validate and serialize the result with the route's own
response field. Any other shape (query parameters, headers, several bodies, sync endpoints)
keeps FastAPI's handler, and so does every request while `app.dependency_overrides` is set.
The route, its OpenAPI entry and its endpoint are FastAPI's either way: there is one definition
of each route. Not reproduced: FastAPI's own OpenTelemetry spans per operation (the service has
its own metrics and request logs).

This mirrors FastAPI 0.165 (pinned in pyproject.toml). tests/kit/test_lean.py sends the same
good and bad requests to a LeanRoute and a plain APIRoute of one endpoint on a real server and
requires identical answers, so an upgrade that changes FastAPI's answers fails there first.
"""

from __future__ import annotations

import email.message
import inspect
import json
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException
from fastapi._compat import ModelField, Undefined
from fastapi.datastructures import DefaultPlaceholder
from fastapi.exceptions import RequestValidationError, ResponseValidationError
from fastapi.routing import APIRoute
from fastapi.utils import is_body_allowed_for_status_code
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


@dataclass(frozen=True, slots=True)
class _Plan:
    dependencies: tuple[tuple[str, Callable[..., Awaitable[Any]], str], ...]  # (param, call, its request param)
    path_params: tuple[str, ...]
    body: ModelField | None
    strict_content_type: bool  # FastAPI's: a body without a Content-Type is not parsed as JSON


class LeanRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        general = super().get_route_handler()
        plan = _plan(self)
        return general if plan is None else _handler(self, plan, general)


def _plan(route: APIRoute) -> _Plan | None:
    """What a request needs, when the route has the simple shape; None when it does not."""
    d = route.dependant
    custom_output = (
        route.response_field is None
        or not isinstance(route.response_class, DefaultPlaceholder)
        or route.response_model_include is not None
        or route.response_model_exclude is not None
        or route.response_model_exclude_unset
        or route.response_model_exclude_defaults
        or route.response_model_exclude_none
        or not route.response_model_by_alias
        or not is_body_allowed_for_status_code(route.status_code)
    )
    if custom_output or d.query_params or d.header_params or d.cookie_params or len(d.body_params) > 1:
        return None
    if any(
        name is not None
        for name in (
            d.request_param_name,
            d.websocket_param_name,
            d.http_connection_param_name,
            d.response_param_name,
            d.background_tasks_param_name,
            d.security_scopes_param_name,
        )
    ):
        return None
    if not inspect.iscoroutinefunction(d.call):
        return None
    dependencies = []
    for sub in d.dependencies:
        leaf = not (sub.path_params or sub.query_params or sub.header_params or sub.cookie_params)
        if not (leaf and not sub.body_params and not sub.dependencies and sub.request_param_name and sub.name):
            return None
        if not inspect.iscoroutinefunction(sub.call):
            return None
        assert sub.call is not None
        dependencies.append((sub.name, sub.call, sub.request_param_name))
    if any(f.field_info.annotation is not str for f in d.path_params):
        return None
    body = None
    if d.body_params:
        (body,) = d.body_params
        model = body.field_info.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        if not body.field_info.is_required() or getattr(body.field_info, "embed", False):
            return None
    strict = route.strict_content_type
    strict_content_type = bool(strict.value if isinstance(strict, DefaultPlaceholder) else strict)
    return _Plan(tuple(dependencies), tuple(f.name for f in d.path_params), body, strict_content_type)


def _handler(route: APIRoute, plan: _Plan, general: Handler) -> Handler:
    endpoint = route.dependant.call
    overrides = route.dependency_overrides_provider
    assert endpoint is not None
    status_code = route.status_code or 200
    response_field = route.response_field
    assert response_field is not None  # _plan() checked

    async def handle(request: Request) -> Response:
        if overrides is not None and getattr(overrides, "dependency_overrides", None):
            return await general(request)
        raw = await _json_body(request, plan.strict_content_type) if plan.body is not None else Undefined
        values: dict[str, Any] = {}
        for name, call, request_param in plan.dependencies:
            values[name] = await call(**{request_param: request})
        for name in plan.path_params:
            values[name] = request.path_params[name]
        if plan.body is not None:
            values[plan.body.name] = _validated(plan.body, raw)
        result = await endpoint(**values)
        if isinstance(result, Response):
            return result
        value, errors = response_field.validate(result, {}, loc=("response",))
        if errors:
            raise ResponseValidationError(errors=errors, body=result)
        content = response_field.serialize_json(value)
        return Response(content, status_code=status_code, media_type="application/json")

    return handle


async def _json_body(request: Request, strict_content_type: bool) -> Any:
    """The body as FastAPI reads it: parsed JSON when it is JSON, the bytes when it is something
    else (the model then refuses it), Undefined when empty."""
    body = await request.body()
    if not body:
        return Undefined
    content_type = request.headers.get("content-type")
    if not content_type:
        if strict_content_type:
            return body
    else:
        message = email.message.Message()
        message["content-type"] = content_type
        subtype = message.get_content_subtype()
        if message.get_content_maintype() != "application" or not (subtype == "json" or subtype.endswith("+json")):
            return body
    try:
        return json.loads(body)
    except json.JSONDecodeError as e:
        error = {"type": "json_invalid", "loc": ("body", e.pos), "msg": "JSON decode error", "input": {}}
        raise RequestValidationError([{**error, "ctx": {"error": e.msg}}], body=e.doc) from e
    except Exception as e:  # e.g. bytes that are not UTF-8 inside a string: FastAPI's answer for these
        raise HTTPException(status_code=400, detail="There was an error parsing the body") from e


def _validated(field: ModelField, raw: Any) -> Any:
    """The body validated by its field, as FastAPI does (the same errors, under `("body", …)`)."""
    if raw is Undefined:
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}])
    value, errors = field.validate(raw, {}, loc=("body",))
    if errors:
        raise RequestValidationError(errors, body=raw)
    return value
