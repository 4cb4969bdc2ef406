"""LeanRoute answers exactly as FastAPI's own handler does, for good input and bad.

Two routes with the same endpoint, one `LeanRoute` and one plain `APIRoute`, on a real server:
every request below gets the same status, headers that matter and body from both.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import httpx
import pytest
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from skchat.kit import handlers
from skchat.kit.errors import Forbidden, Unauthenticated
from skchat.kit.lean import LeanRoute, _plan
from tests.conftest import _free_port


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid")
    city: str = Field(min_length=1)


class Order(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: str = Field(min_length=1, max_length=10)
    quantity: int = Field(ge=1)
    address: Address | None = None


class Placed(BaseModel):
    id: str
    shop: str
    item: str
    quantity: int
    caller: str


async def caller(request: Request) -> str:
    key = request.headers.get("x-key")
    if key is None:
        raise Unauthenticated("Send X-Key.")
    if key == "read-only":
        raise Forbidden("This key cannot order.")
    return key


Caller = Annotated[str, Depends(caller)]


async def place(who: Caller, shop_id: str, body: Order) -> dict[str, Any]:
    return {"id": "ord_1", "shop": shop_id, "item": body.item, "quantity": body.quantity, "caller": who}


async def show(who: Caller, shop_id: str) -> dict[str, Any]:
    return {"id": "ord_1", "shop": shop_id, "item": "tea", "quantity": 1, "caller": who}


def app() -> FastAPI:
    made = FastAPI()
    handlers.install(made)
    for prefix, route_class in (("/lean", LeanRoute), ("/fastapi", APIRoute)):
        router = APIRouter(prefix=prefix, route_class=route_class)
        router.add_api_route("/shops/{shop_id}/orders", place, methods=["POST"], status_code=201, response_model=Placed)
        router.add_api_route("/shops/{shop_id}/order", show, methods=["GET"], response_model=Placed)
        made.router.routes.extend(router.routes)
    return made


@contextmanager
def serving(made: FastAPI) -> Iterator[str]:
    """`made` on a loopback port, in a thread; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(made, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving(app()) as url:
        yield url


def test_the_simple_shape_is_handled_lean_and_the_plain_route_is_not() -> None:
    routes = {(r.path, tuple(r.methods)): r for r in app().routes if isinstance(r, APIRoute)}
    assert _plan(routes[("/lean/shops/{shop_id}/orders", ("POST",))]) is not None
    assert _plan(routes[("/lean/shops/{shop_id}/order", ("GET",))]) is not None


JSON = {"content-type": "application/json"}
KEY = {"x-key": "k1"}

CASES: dict[str, tuple[str, dict[str, str], bytes | None]] = {
    "ok": ("POST", {**KEY, **JSON}, b'{"item": "tea", "quantity": 2}'),
    "ok-nested": ("POST", {**KEY, **JSON}, b'{"item": "tea", "quantity": 2, "address": {"city": "Chennai"}}'),
    "ok-no-content-type": ("POST", KEY, b'{"item": "tea", "quantity": 2}'),
    "ok-json-suffix": ("POST", {**KEY, "content-type": "application/vnd.api+json"}, b'{"item": "t", "quantity": 1}'),
    "get": ("GET", KEY, None),
    "get-no-key": ("GET", {}, None),
    "no-key": ("POST", JSON, b'{"item": "tea", "quantity": 2}'),
    "forbidden": ("POST", {"x-key": "read-only", **JSON}, b'{"item": "tea", "quantity": 2}'),
    "no-key-and-bad-json": ("POST", JSON, b"{"),
    "no-key-and-bad-fields": ("POST", JSON, b'{"item": ""}'),
    "truncated": ("POST", {**KEY, **JSON}, b"{"),
    "trailing": ("POST", {**KEY, **JSON}, b'{"item": "tea"} x'),
    "not-utf8": ("POST", {**KEY, **JSON}, b"\xff\xfe{}"),
    "bad-utf8-in-a-string": ("POST", {**KEY, **JSON}, b'{"item": "\xff", "quantity": 1}'),
    "empty": ("POST", {**KEY, **JSON}, b""),
    "null": ("POST", {**KEY, **JSON}, b"null"),
    "list": ("POST", {**KEY, **JSON}, b"[]"),
    "string": ("POST", {**KEY, **JSON}, b'"tea"'),
    "wrong-types": ("POST", {**KEY, **JSON}, b'{"item": 7, "quantity": "many"}'),
    "missing-and-extra": ("POST", {**KEY, **JSON}, b'{"colour": "red"}'),
    "nested-error": ("POST", {**KEY, **JSON}, b'{"item": "tea", "quantity": 1, "address": {"city": ""}}'),
    "form": ("POST", {**KEY, "content-type": "application/x-www-form-urlencoded"}, b"item=tea&quantity=1"),
    "text": ("POST", {**KEY, "content-type": "text/plain"}, b'{"item": "tea", "quantity": 2}'),
}


@pytest.mark.parametrize("case", list(CASES))
def test_lean_and_fastapi_answer_alike(base_url: str, case: str) -> None:
    method, headers, body = CASES[case]
    path = "/shops/s1/orders" if method == "POST" else "/shops/s1/order"
    answers = []
    with httpx.Client(base_url=base_url) as client:
        for prefix in ("/lean", "/fastapi"):
            r = client.request(method, prefix + path, headers=headers, content=body)
            answers.append((r.status_code, r.headers.get("content-type"), r.content))
    assert answers[0] == answers[1]
    assert answers[0][0] < 500, answers[0]


def test_dependency_overrides_apply_to_both_alike() -> None:
    """Routes added flat (as kit/routes.mount does) have no overrides provider in FastAPI either."""
    made = app()

    async def someone(request: Request) -> str:
        return "override"

    made.dependency_overrides[caller] = someone
    with serving(made) as url:
        answers = [httpx.get(f"{url}{prefix}/shops/s1/order") for prefix in ("/lean", "/fastapi")]
    assert answers[0].status_code == answers[1].status_code
    assert answers[0].content == answers[1].content
