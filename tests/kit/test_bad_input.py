"""Bad input (contract section 1): problem+json with a stable code, never a 500, and nothing stored."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Tenant
from tests.kit.problems import assert_problem, tenant_counts

CONVERSATIONS = "/chat/v1/conversations"
LIMIT = 256 * 1024


@pytest.fixture
def quiet_tenant(make_tenant: Callable[[str], Tenant]) -> Tenant:
    return make_tenant("Bad input")


@pytest.fixture
def conversation_id(client: httpx.Client, quiet_tenant: Tenant) -> str:
    r = client.post(CONVERSATIONS, json={"message": {"text": "hello"}}, headers=quiet_tenant.headers())
    assert r.status_code == 201
    cid: str = r.json()["id"]
    return cid


@pytest.fixture
def untouched(
    quiet_tenant: Tenant, conversation_id: str, admin_sql: psycopg.Connection[Any]
) -> Iterator[dict[str, int]]:
    """Every tenant table's row count before the test; asserted unchanged after it."""
    before = tenant_counts(admin_sql, quiet_tenant.tenant_id)
    assert before["conversations"] == 1 and before["messages"] == 1
    yield before
    assert tenant_counts(admin_sql, quiet_tenant.tenant_id) == before


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "raw",
    [b"{", b"{'a': 1}", b'{"metadata": }', b"\xff\xfe{}", b'{"a": 1} trailing', b"[" * 5000 + b"]" * 5000],
    ids=["truncated", "single-quotes", "missing-value", "not-utf8", "trailing", "deeply-nested"],
)
def test_malformed_json_is_400(
    client: httpx.Client, quiet_tenant: Tenant, untouched: dict[str, int], raw: bytes
) -> None:
    r = client.post(CONVERSATIONS, content=raw, headers={**quiet_tenant.headers(), **JSON})
    assert_problem(r, 400, "invalid_request")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": 7}, "channel"),
        ({"metadata": "x"}, "metadata"),
        ({"metadata": {"k": {"nested": True}}}, "metadata"),
        ({"contact": {"email": "not-an-email"}}, "contact.email"),
        ({"contact": {"phone": "call me"}}, "contact.phone"),
        ({"message": {"text": ""}}, "message.text"),
        ({"message": "hi"}, "message"),
        ({"colour": "red"}, "colour"),
        ({"contact": {"external_id": "x", "age": 3}}, "contact.age"),
        ([], "body"),
        ("a string", "body"),
    ],
)
def test_wrong_types_and_unknown_fields_are_422(
    client: httpx.Client, quiet_tenant: Tenant, untouched: dict[str, int], body: Any, field: str
) -> None:
    r = client.post(CONVERSATIONS, json=body, headers=quiet_tenant.headers())
    problem = assert_problem(r, 422, "validation_failed")
    assert problem["errors"], problem
    for error in problem["errors"]:
        assert set(error) == {"field", "message"} and isinstance(error["message"], str) and error["message"]
    assert field in [e["field"] for e in problem["errors"]], problem["errors"]


def test_too_large_body_with_content_length_is_413(
    client: httpx.Client, quiet_tenant: Tenant, untouched: dict[str, int], conversation_id: str
) -> None:
    big = b'{"role": "customer", "text": "' + b"x" * LIMIT + b'"}'
    r = client.post(
        f"{CONVERSATIONS}/{conversation_id}/messages", content=big, headers={**quiet_tenant.headers(), **JSON}
    )
    assert_problem(r, 413, "payload_too_large")


def test_too_large_streamed_body_is_413(
    client: httpx.Client, quiet_tenant: Tenant, untouched: dict[str, int], conversation_id: str
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"role": "customer", "text": "'
        for _ in range(40):
            yield b"x" * 8192
        yield b'"}'

    headers = {**quiet_tenant.headers(), **JSON, "Idempotency-Key": "streamed-too-large"}
    r = client.post(f"{CONVERSATIONS}/{conversation_id}/messages", content=chunks(), headers=headers)
    assert "content-length" not in r.request.headers
    assert_problem(r, 413, "payload_too_large")


def test_a_body_just_under_the_limit_is_accepted(client: httpx.Client, quiet_tenant: Tenant) -> None:
    metadata = {f"k{i}": "v" * 500 for i in range(50)}  # well under 256 KiB, the largest valid metadata
    r = client.post(CONVERSATIONS, json={"metadata": metadata}, headers=quiet_tenant.headers())
    assert r.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"message": {"text": "a\u0000b"}},
        {"contact": {"name": "nul\u0000name"}},
        {"contact": {"external_id": "\u0000"}},
        {"metadata": {"k": "v\u0000"}},
        {"metadata": {"k\u0000": "v"}},
        {"agent_id": "agt_\u0000"},
        {"metadata": {"big": 10**30}},
        {"message": {"text": "lone \ud800 surrogate"}},
    ],
    ids=["text", "name", "external-id", "metadata-value", "metadata-key", "agent-id", "huge-int", "surrogate"],
)
def test_unstorable_values_are_4xx_not_500(
    client: httpx.Client, quiet_tenant: Tenant, untouched: dict[str, int], body: dict[str, Any]
) -> None:
    import json

    raw = json.dumps(body).encode()
    r = client.post(CONVERSATIONS, content=raw, headers={**quiet_tenant.headers(), **JSON})
    assert 400 <= r.status_code < 500, r.text
    assert_problem(r, r.status_code, r.json()["code"])
    assert r.json()["code"] in {"invalid_request", "validation_failed"}


def test_nul_in_a_message_to_an_existing_conversation(
    client: httpx.Client, quiet_tenant: Tenant, untouched: dict[str, int], conversation_id: str
) -> None:
    r = client.post(
        f"{CONVERSATIONS}/{conversation_id}/messages",
        json={"role": "customer", "text": "x\u0000y"},
        headers=(quiet_tenant.headers() | {"Idempotency-Key": "nul-message"}),
    )
    assert_problem(r, 400, "invalid_request")


@pytest.mark.parametrize("path", ["/chat/v1/nope", "/chat/v2/conversations", "/", "/chat/v1/conversations/x/y/z"])
def test_unknown_route_is_404_problem(client: httpx.Client, quiet_tenant: Tenant, path: str) -> None:
    assert_problem(client.get(path, headers=quiet_tenant.headers()), 404, "not_found")
    assert_problem(client.get(path), 404, "not_found")


def test_wrong_method_is_405_problem(
    client: httpx.Client, quiet_tenant: Tenant, untouched: dict[str, int], conversation_id: str
) -> None:
    for method, path in (
        ("DELETE", CONVERSATIONS),
        ("PUT", f"{CONVERSATIONS}/{conversation_id}"),
        ("DELETE", f"{CONVERSATIONS}/{conversation_id}/messages"),
        ("GET", f"{CONVERSATIONS}/{conversation_id}/close"),
    ):
        r = client.request(method, path, headers=quiet_tenant.headers())
        assert_problem(r, 405, "method_not_allowed")


def test_non_json_content_type_is_refused(
    client: httpx.Client, quiet_tenant: Tenant, untouched: dict[str, int], conversation_id: str
) -> None:
    r = client.post(
        f"{CONVERSATIONS}/{conversation_id}/messages",
        content=b"role=customer&text=hi",
        headers={**quiet_tenant.headers(), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert 400 <= r.status_code < 500
    assert_problem(r, r.status_code, r.json()["code"])


@pytest.mark.parametrize(
    "params",
    [{"status": "pending"}, {"channel": "fax"}, {"limit": "1e3"}],
)
def test_bad_query_parameters_are_422(client: httpx.Client, quiet_tenant: Tenant, params: dict[str, str]) -> None:
    assert_problem(client.get(CONVERSATIONS, params=params, headers=quiet_tenant.headers()), 422, "validation_failed")


def test_odd_path_ids_are_404_or_400(client: httpx.Client, quiet_tenant: Tenant, untouched: dict[str, int]) -> None:
    for cid in ("cnv_%00", "%F0%9F%98%80", "x" * 2000, "'; DROP TABLE conversations; --"):
        r = client.get(f"{CONVERSATIONS}/{cid}", headers=quiet_tenant.headers())
        assert r.status_code in (400, 404), r.text
        assert_problem(r, r.status_code, "not_found" if r.status_code == 404 else "invalid_request")


def test_request_ids(client: httpx.Client, quiet_tenant: Tenant, conversation_id: str) -> None:
    responses = [
        client.get(CONVERSATIONS, headers=quiet_tenant.headers()),
        client.get("/chat/v1/nope"),
        client.get(CONVERSATIONS),
        client.post(CONVERSATIONS, content=b"{", headers={**quiet_tenant.headers(), **JSON}),
        client.post(CONVERSATIONS, content=b"x" * (LIMIT + 1), headers={**quiet_tenant.headers(), **JSON}),
        client.get("/healthz"),
    ]
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(i.startswith("req_") for i in ids) and len(set(ids)) == len(ids)
    for r in responses[1:5]:
        assert r.json()["request_id"] == r.headers["x-request-id"]

    mine = "client-trace-0001:abc.def"
    echoed = client.get(CONVERSATIONS, headers=(quiet_tenant.headers() | {"X-Request-Id": mine}))
    assert echoed.headers["x-request-id"] == mine
    failed = client.get(f"{CONVERSATIONS}/cnv_nope", headers=(quiet_tenant.headers() | {"X-Request-Id": mine}))
    assert failed.headers["x-request-id"] == mine and failed.json()["request_id"] == mine

    for bad in ("short", "has spaces in it", "x" * 129, "<script>alert(1)</script>", "ünïcödé-request"):
        auth = f"Bearer {quiet_tenant.test_key}".encode()
        r = client.get(CONVERSATIONS, headers=[(b"authorization", auth), (b"x-request-id", bad.encode())])
        assert r.headers["x-request-id"].startswith("req_") and r.headers["x-request-id"] != bad
