"""Each tool's happy path through a real MCP client, compared with what the REST API answers for the same."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Tenant
from tests.mcp.session import CONVERSATIONS, events_of, mcp_client, new_conversation, ok, tool_error


def new_member(client: httpx.Client, tenant: Tenant, name: str = "Meera") -> str:
    email = f"{name.lower()}-{secrets.token_hex(4)}@example.com"
    r = client.post("/chat/v1/members", json={"name": name, "email": email, "role": "agent"}, headers=tenant.headers())
    assert r.status_code == 201, r.text
    member_id: str = r.json()["id"]
    return member_id


def test_search_catalog_ranks_as_the_rest_search(client: httpx.Client, base_url: str, demo_tenant: Tenant) -> None:
    query = "cotton kurta"
    rest = client.get("/chat/v1/catalog/search", params={"q": query, "limit": 5}, headers=demo_tenant.headers())
    assert rest.status_code == 200, rest.text
    with mcp_client(base_url, demo_tenant.test_key) as session:
        found = ok(session.call_tool("search_catalog", {"query": query, "limit": 5}))
        default_limit = ok(session.call_tool("search_catalog", {"query": query}))
    assert found == rest.json()
    assert 1 <= len(found["data"]) <= 5 and found["object"] == "list"
    top = found["data"][0]
    assert top["object"] == "search_result" and top["item"]["object"] == "catalog_item"
    assert "kurta" in top["item"]["name"].lower() and top["item"]["livemode"] is False
    assert default_limit["data"][:5] == found["data"]


def test_search_knowledge_ranks_as_the_rest_search(client: httpx.Client, base_url: str, demo_tenant: Tenant) -> None:
    query = "Do you deliver to Chennai?"
    rest = client.get("/chat/v1/knowledge/search", params={"q": query, "limit": 3}, headers=demo_tenant.headers())
    assert rest.status_code == 200, rest.text
    with mcp_client(base_url, demo_tenant.test_key) as session:
        found = ok(session.call_tool("search_knowledge", {"query": query, "limit": 3}))
        in_hindi = ok(session.call_tool("search_knowledge", {"query": query, "limit": 3, "lang": "hi-Latn"}))
    assert found == rest.json()
    assert found["data"][0]["article"]["id"] == "kb_delivery_chennai"
    assert found["data"][0]["article"]["object"] == "knowledge_article"
    assert in_hindi["data"], in_hindi


def test_list_conversations_pages_and_filters_as_rest(client: httpx.Client, base_url: str, tenant: Tenant) -> None:
    made = [new_conversation(client, tenant, f"Question {i}")["id"] for i in range(3)]
    handed = client.post(f"{CONVERSATIONS}/{made[0]}/handoff", json={"reason": "VIP"}, headers=tenant.headers())
    assert handed.status_code == 200, handed.text
    rest_first = client.get(CONVERSATIONS, params={"limit": 2}, headers=tenant.headers()).json()
    with mcp_client(base_url, tenant.test_key) as session:
        first = ok(session.call_tool("list_conversations", {"limit": 2}))
        second = ok(session.call_tool("list_conversations", {"limit": 2, "cursor": first["next_cursor"]}))
        waiting = ok(session.call_tool("list_conversations", {"status": "handoff"}))
    assert first == rest_first
    assert [c["id"] for c in first["data"]] == [made[2], made[1]] and first["has_more"] is True
    assert [c["id"] for c in second["data"]] == [made[0]] and second["has_more"] is False
    assert second["next_cursor"] is None
    assert [c["id"] for c in waiting["data"]] == [made[0]] and waiting["data"][0]["status"] == "handoff"


def test_get_conversation_includes_its_messages(client: httpx.Client, base_url: str, tenant: Tenant) -> None:
    conversation = new_conversation(client, tenant, "Is the indigo kurta available in M?")
    cid = conversation["id"]
    reply = client.post(
        f"{CONVERSATIONS}/{cid}/messages", json={"role": "agent", "text": "Yes, 4 left."}, headers=tenant.headers()
    )
    assert reply.status_code == 201, reply.text
    rest = client.get(f"{CONVERSATIONS}/{cid}", headers=tenant.headers()).json()
    rest_messages = client.get(f"{CONVERSATIONS}/{cid}/messages", headers=tenant.headers()).json()["data"]
    with mcp_client(base_url, tenant.test_key) as session:
        got = ok(session.call_tool("get_conversation", {"conversation_id": cid}))
    messages = got.pop("messages")
    assert got.pop("messages_has_more") is False
    assert got == rest
    assert messages == rest_messages
    assert [(m["role"], m["text"]) for m in messages] == [
        ("customer", "Is the indigo kurta available in M?"),
        ("agent", "Yes, 4 left."),
    ]


def test_get_contact_is_the_rest_contact(client: httpx.Client, base_url: str, tenant: Tenant) -> None:
    contact = {"external_id": f"u-{secrets.token_hex(3)}", "name": "Asha", "email": "asha@example.com"}
    conversation = new_conversation(client, tenant, contact=contact)
    contact_id = conversation["contact"]["id"]
    rest = client.get(f"/chat/v1/contacts/{contact_id}", headers=tenant.headers()).json()
    with mcp_client(base_url, tenant.test_key) as session:
        got = ok(session.call_tool("get_contact", {"contact_id": contact_id}))
    assert got == rest
    assert got["name"] == "Asha" and got["email"] == "asha@example.com" and got["external_id"] == contact["external_id"]


def test_send_reply_posts_an_agent_message_and_emits_message_sent(
    client: httpx.Client, base_url: str, tenant: Tenant
) -> None:
    cid = new_conversation(client, tenant)["id"]
    with mcp_client(base_url, tenant.test_key) as session:
        message = ok(session.call_tool("send_reply", {"conversation_id": cid, "text": "Yes, in 5 colours."}))
    assert message["object"] == "message" and message["id"].startswith("msg_")
    assert message["role"] == "agent" and message["text"] == "Yes, in 5 colours."
    assert message["sender"] == {"type": "ai", "id": tenant.agent_id}
    listed = client.get(f"{CONVERSATIONS}/{cid}/messages", headers=tenant.headers()).json()["data"]
    assert listed[-1] == message
    sent = events_of(client, tenant, cid, "chat.message.sent")
    assert [e["message_id"] for e in sent] == [message["id"]]
    assert sent[0]["sender"] == {"type": "ai", "id": tenant.agent_id} and sent[0]["text"] == "Yes, in 5 colours."


def test_assign_conversation(client: httpx.Client, base_url: str, tenant: Tenant) -> None:
    cid = new_conversation(client, tenant)["id"]
    meera = new_member(client, tenant)
    with mcp_client(base_url, tenant.test_key) as session:
        assigned = ok(session.call_tool("assign_conversation", {"conversation_id": cid, "member_id": meera}))
        unknown = session.call_tool("assign_conversation", {"conversation_id": cid, "member_id": "mem_nobody"})
    assert assigned["status"] == "assigned" and assigned["assignee_id"] == meera and assigned["ai_active"] is False
    tool_error(unknown, "not_found")
    events = events_of(client, tenant, cid, "chat.conversation.assigned")
    assert [(e["member_id"], e["previous_member_id"]) for e in events] == [(meera, None)]
    assert client.get(f"{CONVERSATIONS}/{cid}", headers=tenant.headers()).json()["assignee_id"] == meera


def test_close_conversation_records_the_resolution_as_rest_does(
    client: httpx.Client, base_url: str, tenant: Tenant
) -> None:
    by_rest, by_mcp = new_conversation(client, tenant)["id"], new_conversation(client, tenant)["id"]
    resolution = {"outcome": "resolved", "note": "Sent the size chart."}
    closed_by_rest = client.post(
        f"{CONVERSATIONS}/{by_rest}/close", json={"resolution": resolution}, headers=tenant.headers()
    )
    assert closed_by_rest.status_code == 200, closed_by_rest.text
    with mcp_client(base_url, tenant.test_key) as session:
        closed = ok(session.call_tool("close_conversation", {"conversation_id": by_mcp, **resolution}))
        again = session.call_tool("close_conversation", {"conversation_id": by_mcp, "outcome": "spam"})
        reply = session.call_tool("send_reply", {"conversation_id": by_mcp, "text": "Anything else?"})
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    assert closed["resolution"] == closed_by_rest.json()["resolution"]
    assert closed["resolution"]["outcome"] == "resolved" and closed["resolution"]["note"] == "Sent the size chart."
    tool_error(again, "conversation_closed")
    tool_error(reply, "conversation_closed")
    rest_event = events_of(client, tenant, by_rest, "chat.conversation.closed")
    mcp_event = events_of(client, tenant, by_mcp, "chat.conversation.closed")
    assert len(rest_event) == len(mcp_event) == 1
    assert mcp_event[0]["resolution"] == rest_event[0]["resolution"] and mcp_event[0]["message_count"] == 1


@pytest.fixture
def other(make_tenant: Callable[[str], Tenant]) -> Tenant:
    return make_tenant("Other Store")


def test_another_tenants_ids_and_the_other_modes_ids_are_not_found(
    client: httpx.Client, base_url: str, tenant: Tenant, other: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    theirs = new_conversation(client, other, contact={"name": "Someone else"})
    live = client.post(CONVERSATIONS, json={"message": {"text": "Live hello"}}, headers=tenant.headers(live=True))
    assert live.status_code == 201, live.text
    member = new_member(client, tenant)
    with mcp_client(base_url, tenant.test_key) as session:
        for foreign in (theirs, live.json()):
            cid, contact_id = foreign["id"], foreign["contact"]["id"]
            calls: list[tuple[str, dict[str, Any]]] = [
                ("get_conversation", {"conversation_id": cid}),
                ("get_contact", {"contact_id": contact_id}),
                ("send_reply", {"conversation_id": cid, "text": "Hi from the wrong store"}),
                ("request_handoff", {"conversation_id": cid, "reason": "Take over"}),
                ("assign_conversation", {"conversation_id": cid, "member_id": member}),
                ("close_conversation", {"conversation_id": cid, "outcome": "spam"}),
            ]
            for name, arguments in calls:
                body = tool_error(session.call_tool(name, arguments), "not_found")
                assert body["status"] == 404, (name, body)
        listed = ok(session.call_tool("list_conversations", {"limit": 100}))
    assert not {c["id"] for c in listed["data"]} & {theirs["id"], live.json()["id"]}
    for foreign in (theirs, live.json()):
        row = admin_sql.execute(
            "SELECT status, message_count FROM conversations WHERE id = %s", [foreign["id"]]
        ).fetchone()
        assert row == ("open", 1)
