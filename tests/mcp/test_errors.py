"""Bad arguments, unknown tools and retried writes: clear tool errors, one write per key, a session that goes on."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import mcp_types as types
import psycopg
import pytest
from mcp import ClientSession, MCPError

from tests.conftest import Tenant
from tests.kit.problems import assert_problem
from tests.mcp.session import CONVERSATIONS, events_of, mcp_client, new_conversation, ok, tool_error


def agent_messages(admin: psycopg.Connection[Any], conversation_id: str) -> list[tuple[str, str]]:
    rows = admin.execute(
        "SELECT id, text FROM messages WHERE conversation_id = %s AND role = 'agent' ORDER BY created_at",
        [conversation_id],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def test_bad_arguments_are_tool_errors_and_the_session_goes_on(
    client: httpx.Client, base_url: str, tenant: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    cid = new_conversation(client, tenant)["id"]
    bad: list[tuple[str, dict[str, Any], str, str]] = [  # tool, arguments, code, the field blamed
        ("get_conversation", {}, "validation_failed", "conversation_id"),
        ("get_conversation", {"conversation_id": 42}, "validation_failed", "conversation_id"),
        ("get_conversation", {"conversation_id": cid, "expand": True}, "validation_failed", "expand"),
        ("list_conversations", {"limit": 0}, "validation_failed", "limit"),
        ("list_conversations", {"limit": 1000}, "validation_failed", "limit"),
        ("list_conversations", {"limit": "many"}, "validation_failed", "limit"),
        ("list_conversations", {"status": "pending"}, "validation_failed", "status"),
        ("list_conversations", {"cursor": "not-a-cursor"}, "invalid_request", ""),
        ("search_catalog", {"query": "   "}, "validation_failed", "query"),
        ("search_catalog", {"query": "kurta", "limit": 51}, "validation_failed", "limit"),
        ("search_knowledge", {"query": "delivery", "lang": "not a language"}, "validation_failed", "lang"),
        ("send_reply", {"conversation_id": cid, "text": ""}, "validation_failed", "text"),
        ("send_reply", {"conversation_id": cid, "text": "x" * 10_001}, "validation_failed", "text"),
        ("send_reply", {"conversation_id": cid, "text": "Hi", "role": "note"}, "validation_failed", "role"),
        ("send_reply", {"conversation_id": cid, "text": "nul \u0000 byte"}, "invalid_request", ""),
        ("send_reply", {"conversation_id": cid, "text": "Hi", "idempotency_key": "k\u00e9y"}, "invalid_request", ""),
        ("close_conversation", {"conversation_id": cid, "outcome": "done"}, "validation_failed", "outcome"),
        ("request_handoff", {"conversation_id": cid}, "validation_failed", "reason"),
    ]
    with mcp_client(base_url, tenant.test_key) as session:
        for name, arguments, code, field in bad:
            body = tool_error(session.call_tool(name, arguments), code)
            if field:
                assert field in [e["field"] for e in body["errors"]], (name, arguments, body)
                assert name in body["detail"]
            # The session is still usable after every refusal.
            assert ok(session.call_tool("get_conversation", {"conversation_id": cid}))["status"] == "open"
        # A tool that does not exist is the protocol's error, and the session survives that too.
        with pytest.raises(MCPError, match="Unknown tool"):
            session.call_tool("delete_everything", {})
        assert ok(session.call_tool("list_conversations", {"limit": 1}))["object"] == "list"
    assert agent_messages(admin_sql, cid) == []  # no bad call wrote anything


def test_send_reply_with_an_idempotency_key_writes_once(
    client: httpx.Client, base_url: str, tenant: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    cid = new_conversation(client, tenant)["id"]
    arguments = {"conversation_id": cid, "text": "Your parcel ships today.", "idempotency_key": "reply-001"}
    with mcp_client(base_url, tenant.test_key) as session:
        first = session.call_tool("send_reply", arguments)
        retried = session.call_tool("send_reply", arguments)
        changed = session.call_tool("send_reply", {**arguments, "text": "Something else"})
    message = ok(first)
    assert ok(retried) == message
    assert first.meta is None or not first.meta.get("skchat/idempotent_replayed")
    assert retried.meta is not None and retried.meta["skchat/idempotent_replayed"] is True
    assert tool_error(changed, "idempotency_key_reused")["status"] == 422
    assert agent_messages(admin_sql, cid) == [(message["id"], "Your parcel ships today.")]
    assert [e["message_id"] for e in events_of(client, tenant, cid, "chat.message.sent")] == [message["id"]]
    # Keys are one space per tenant and mode: the same key on a REST write is another request.
    rest = client.post(
        f"{CONVERSATIONS}/{cid}/messages",
        json={"role": "agent", "text": "Your parcel ships today."},
        headers=tenant.headers(**{"Idempotency-Key": "reply-001"}),
    )
    assert_problem(rest, 422, "idempotency_key_reused")


def test_concurrent_retries_with_one_key_make_one_write(
    client: httpx.Client, base_url: str, tenant: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    cid = new_conversation(client, tenant)["id"]
    arguments = {"conversation_id": cid, "text": "On its way!", "idempotency_key": "burst-7"}
    outcomes: list[types.CallToolResult] = []

    async def eight_at_once(session: ClientSession) -> None:
        async def call() -> None:
            outcomes.append(await session.call_tool("send_reply", arguments))

        async with anyio.create_task_group() as group:
            for _ in range(8):
                group.start_soon(call)

    with mcp_client(base_url, tenant.test_key) as session:
        session.run(eight_at_once)
    written = agent_messages(admin_sql, cid)
    assert len(written) == 1
    for outcome in outcomes:
        if outcome.is_error:
            tool_error(outcome, "idempotency_key_in_use")
        else:
            assert ok(outcome)["id"] == written[0][0]
    assert any(not o.is_error for o in outcomes)


def test_a_failed_call_releases_its_key(
    client: httpx.Client, base_url: str, tenant: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    cid = new_conversation(client, tenant)["id"]
    closed = client.post(f"{CONVERSATIONS}/{cid}/close", json={}, headers=tenant.headers())
    assert closed.status_code == 200, closed.text
    arguments = {"conversation_id": cid, "text": "Following up", "idempotency_key": "after-close"}
    with mcp_client(base_url, tenant.test_key) as session:
        tool_error(session.call_tool("send_reply", arguments), "conversation_closed")
        assert client.post(f"{CONVERSATIONS}/{cid}/reopen", headers=tenant.headers()).status_code == 200
        message = ok(session.call_tool("send_reply", arguments))
    assert agent_messages(admin_sql, cid) == [(message["id"], "Following up")]


def test_the_2026_protocol_revision_is_served_too(client: httpx.Client, base_url: str, tenant: Tenant) -> None:
    """The per-request envelope (server/discover, no initialize): same tools, same scopes, same answers."""
    cid = new_conversation(client, tenant)["id"]
    with mcp_client(base_url, tenant.test_key, modern=True) as session:
        assert session.protocol_version == "2026-07-28"
        assert len(session.list_tools()) == 9
        got = ok(session.call_tool("get_conversation", {"conversation_id": cid}))
        assert got["id"] == cid and len(got["messages"]) == 1
        tool_error(session.call_tool("get_conversation", {"conversation_id": "cnv_missing"}), "not_found")
