"""Who may use /mcp, and what they see: the REST API's keys and scopes decide which tools exist."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Pg, ServerThread, Tenant, make_settings
from tests.kit.problems import assert_problem
from tests.mcp.session import mcp_client, new_conversation, new_key, ok, tool_error

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "curl", "version": "1"}},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}

READ_TOOLS = {"search_catalog", "search_knowledge", "list_conversations", "get_conversation", "get_contact"}
ALL_TOOLS = READ_TOOLS | {"send_reply", "request_handoff", "assign_conversation", "close_conversation"}


def post_mcp(client: httpx.Client, authorization: str | None, message: dict[str, Any] = INITIALIZE) -> httpx.Response:
    headers = dict(MCP_HEADERS)
    if authorization is not None:
        headers["Authorization"] = authorization
    return client.post("/mcp", json=message, headers=headers)


@pytest.mark.parametrize(
    ("authorization", "invalid_token"),
    [
        (None, False),
        ("Basic dXNlcjpwYXNz", True),
        ("Bearer not-a-key", True),
        ("Bearer sk_test_" + "A" * 40, True),  # well-formed, but no such key
    ],
)
def test_no_key_or_a_bad_key_is_401_with_www_authenticate(
    client: httpx.Client, authorization: str | None, invalid_token: bool
) -> None:
    r = post_mcp(client, authorization)
    body = assert_problem(r, 401, "unauthenticated")
    challenge = r.headers["www-authenticate"]
    assert challenge.startswith("Bearer ") and 'realm="skchat"' in challenge
    assert ('error="invalid_token"' in challenge) is invalid_token
    assert "Bearer sk_" in body["detail"] or "revoked" in body["detail"]
    assert "mcp-session-id" not in r.headers


def test_plain_json_rpc_over_http_as_in_the_docs(client: httpx.Client, tenant: Tenant) -> None:
    """What docs/mcp.md shows with curl: stateless POSTs answered in JSON; GET has no stream to offer."""
    bearer = f"Bearer {tenant.test_key}"
    initialized = post_mcp(client, bearer)
    assert initialized.status_code == 200 and initialized.headers["content-type"] == "application/json"
    assert initialized.json()["result"]["serverInfo"]["name"] == "skchat"
    assert "mcp-session-id" not in initialized.headers  # stateless: any process can serve the next request
    listed = post_mcp(client, bearer, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
    assert len(listed.json()["result"]["tools"]) == 9
    call = {"name": "list_conversations", "arguments": {"limit": 1}}
    called = post_mcp(client, bearer, {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": call})
    assert called.status_code == 200 and called.json()["result"]["isError"] is False
    assert called.json()["result"]["structuredContent"]["object"] == "list"
    stream = client.get("/mcp", headers={**MCP_HEADERS, "Authorization": bearer}, timeout=5)
    assert stream.status_code == 405 and stream.headers["allow"] == "POST"
    assert client.get("/mcp", headers=MCP_HEADERS, timeout=5).status_code == 401


def test_a_body_over_the_limit_is_413_whether_its_length_is_declared_or_not(
    client: httpx.Client, tenant: Tenant
) -> None:
    call = {"name": "send_reply", "arguments": {"conversation_id": "cnv_x", "text": "x" * 300_000}}
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": call}).encode()
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {tenant.test_key}"}
    assert_problem(client.post("/mcp", content=body, headers=headers), 413, "payload_too_large")

    def chunked() -> Iterator[bytes]:  # no Content-Length: the limit is enforced while reading
        for start in range(0, len(body), 16_384):
            yield body[start : start + 16_384]

    assert_problem(client.post("/mcp", content=chunked(), headers=headers), 413, "payload_too_large")


@pytest.fixture(scope="module")
def limited(pg: Pg) -> Iterator[httpx.Client]:
    """A second server allowing each key a burst of 3, then one request a second."""
    settings = make_settings(pg, rate_limit_per_second=1, rate_limit_burst=3)
    with ServerThread(settings, pg.owner_url) as server, httpx.Client(base_url=server.base_url, timeout=30) as c:
        yield c


def test_mcp_requests_spend_the_keys_rest_rate_limit(limited: httpx.Client, tenant: Tenant) -> None:
    bearer = f"Bearer {tenant.test_key}"
    assert limited.get("/chat/v1/conversations", headers={"Authorization": bearer}).status_code == 200
    assert limited.get("/chat/v1/conversations", headers={"Authorization": bearer}).status_code == 200
    last = post_mcp(limited, bearer)
    assert last.status_code == 200 and last.headers["ratelimit-remaining"] == "0"
    refused = post_mcp(limited, bearer)
    assert_problem(refused, 429, "rate_limited")
    assert int(refused.headers["retry-after"]) >= 1
    assert_problem(limited.get("/chat/v1/conversations", headers={"Authorization": bearer}), 429, "rate_limited")


def test_a_revoked_key_is_refused_at_once(client: httpx.Client, tenant: Tenant) -> None:
    key = new_key(client, tenant, ["conversations:read"])
    assert post_mcp(client, f"Bearer {key}").status_code == 200
    listed = client.get("/chat/v1/api_keys", params={"limit": 100}, headers=tenant.headers()).json()["data"]
    key_id = next(k["id"] for k in listed if k["last4"] == key[-4:])
    assert client.delete(f"/chat/v1/api_keys/{key_id}", headers=tenant.headers()).status_code == 200
    assert_problem(post_mcp(client, f"Bearer {key}"), 401, "unauthenticated")


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        (["knowledge:read"], {"search_catalog", "search_knowledge"}),
        (["conversations:read"], {"list_conversations", "get_conversation"}),
        (["contacts:read"], {"get_contact"}),
        (["conversations:write"], {"send_reply", "assign_conversation", "close_conversation"}),
        (["handoff:write"], {"request_handoff"}),
        (["conversations:read", "handoff:write"], {"list_conversations", "get_conversation", "request_handoff"}),
        (["webhooks:manage", "members:manage", "wallet:read"], set()),
        ([], ALL_TOOLS),  # a key made without scopes has all of them
    ],
)
def test_tools_list_shows_exactly_what_the_scopes_allow(
    client: httpx.Client, base_url: str, tenant: Tenant, scopes: list[str], expected: set[str]
) -> None:
    key = new_key(client, tenant, scopes)
    with mcp_client(base_url, key) as session:
        listed = session.list_tools()
    assert {tool.name for tool in listed} == expected


def test_every_key_sees_the_same_definitions(client: httpx.Client, base_url: str, tenant: Tenant) -> None:
    with mcp_client(base_url, tenant.test_key) as session:
        everything = {t.name: t for t in session.list_tools()}
    with mcp_client(base_url, new_key(client, tenant, ["knowledge:read"])) as session:
        some = {t.name: t for t in session.list_tools()}
    assert set(everything) == ALL_TOOLS
    for name, tool in some.items():
        assert tool == everything[name]


def test_annotations_tell_the_truth(base_url: str, tenant: Tenant) -> None:
    with mcp_client(base_url, tenant.test_key) as session:
        tools = {t.name: t for t in session.list_tools()}
    expected = {  # (readOnly, destructive, idempotent)
        **dict.fromkeys(READ_TOOLS, (True, False, True)),
        "send_reply": (False, False, False),
        "request_handoff": (False, False, True),
        "assign_conversation": (False, True, False),
        "close_conversation": (False, True, True),
    }
    for name, (read_only, destructive, idempotent) in expected.items():
        hints = tools[name].annotations
        assert hints is not None, name
        assert (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint) == (
            read_only,
            destructive,
            idempotent,
        ), name
        assert hints.open_world_hint is False and hints.title == tools[name].title


def test_input_schemas_describe_every_argument(base_url: str, tenant: Tenant) -> None:
    with mcp_client(base_url, tenant.test_key) as session:
        tools = {t.name: t for t in session.list_tools()}
    expected_required = {
        "search_catalog": ["query"],
        "search_knowledge": ["query"],
        "list_conversations": None,
        "get_conversation": ["conversation_id"],
        "get_contact": ["contact_id"],
        "send_reply": ["conversation_id", "text"],
        "request_handoff": ["conversation_id", "reason"],
        "assign_conversation": ["conversation_id", "member_id"],
        "close_conversation": ["conversation_id", "outcome"],
    }
    for name, required in expected_required.items():
        schema: dict[str, Any] = tools[name].input_schema
        assert schema["type"] == "object" and schema["additionalProperties"] is False, name
        assert schema.get("required") == required, name
        for argument, prop in schema["properties"].items():
            assert len(prop.get("description", "")) >= 20, (name, argument)
            assert "type" in prop or "enum" in prop, (name, argument)  # no anyOf-with-null noise
        assert tools[name].description and len(tools[name].description or "") >= 80
        assert ("idempotency_key" in schema["properties"]) is (name not in READ_TOOLS), name
    assert tools["close_conversation"].input_schema["properties"]["outcome"]["enum"] == [
        "resolved",
        "unresolved",
        "spam",
        "duplicate",
    ]
    assert tools["list_conversations"].input_schema["properties"]["limit"]["maximum"] == 100


def test_a_read_only_key_cannot_call_a_write_tool(
    client: httpx.Client, base_url: str, tenant: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    conversation = new_conversation(client, tenant)
    cid = conversation["id"]
    key = new_key(client, tenant, ["conversations:read", "knowledge:read", "contacts:read"])
    with mcp_client(base_url, key) as session:
        assert not {t.name for t in session.list_tools()} & {"send_reply", "request_handoff"}
        refused = session.call_tool("send_reply", {"conversation_id": cid, "text": "Hello!"})
        body = tool_error(refused, "forbidden")
        assert "conversations:write" in body["detail"] and body["status"] == 403
        tool_error(session.call_tool("request_handoff", {"conversation_id": cid, "reason": "x"}), "forbidden")
        tool_error(session.call_tool("close_conversation", {"conversation_id": cid, "outcome": "spam"}), "forbidden")
        # The session goes on, and the reads still work.
        assert ok(session.call_tool("get_conversation", {"conversation_id": cid}))["status"] == "open"
    # Nothing was written.
    assert admin_sql.execute("SELECT role FROM messages WHERE conversation_id = %s", [cid]).fetchall() == [
        ("customer",)
    ]
    assert admin_sql.execute("SELECT status FROM conversations WHERE id = %s", [cid]).fetchall() == [("open",)]
