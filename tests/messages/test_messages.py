"""Messages through the real HTTP API: who may say what, which event each makes, and listing order."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Tenant
from tests.conversations.test_lifecycle import events_of, member
from tests.kit.problems import assert_problem

CONVERSATIONS = "/chat/v1/conversations"


@pytest.fixture
def conversation(client: httpx.Client, tenant: Tenant) -> dict[str, Any]:
    r = client.post(CONVERSATIONS, json={"contact": {"external_id": "msg-1"}}, headers=tenant.headers())
    assert r.status_code == 201
    conv: dict[str, Any] = r.json()
    return conv


def post(client: httpx.Client, tenant: Tenant, conversation_id: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(f"{CONVERSATIONS}/{conversation_id}/messages", json=body, headers=tenant.headers())


def test_customer_message(client: httpx.Client, tenant: Tenant, conversation: dict[str, Any]) -> None:
    cid = conversation["id"]
    r = post(client, tenant, cid, {"role": "customer", "text": "  Do you ship to Pune?  "})
    assert r.status_code == 201, r.text
    m = r.json()
    assert m["id"].startswith("msg_") and m["object"] == "message" and m["livemode"] is False
    assert m["conversation_id"] == cid and m["role"] == "customer"
    assert m["sender"] == {"type": "customer", "id": conversation["contact"]["id"]}
    assert m["text"] == "Do you ship to Pune?"
    assert m["sources"] == [] and m["created_at"].endswith("Z")
    assert set(m) >= {"intent", "lang", "sentiment", "sentiment_score", "confidence"}
    event = events_of(client, tenant, cid)[-1]
    assert event["type"] == "chat.message.received"
    assert event["message_id"] == m["id"] and event["text"] == m["text"] and event["channel"] == "api"


def test_agent_reply_from_a_member_is_sent_as_the_member(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any], conversation: dict[str, Any]
) -> None:
    cid = conversation["id"]
    meera = member(client, admin_sql, tenant)
    r = post(client, tenant, cid, {"role": "agent", "text": "Yes, in 2 days.", "member_id": meera})
    assert r.status_code == 201, r.text
    m = r.json()
    assert m["role"] == "agent" and m["sender"] == {"type": "member", "id": meera}
    event = events_of(client, tenant, cid)[-1]
    assert event["type"] == "chat.message.sent"
    assert event["message_id"] == m["id"] and event["role"] == "agent"
    assert event["sender"] == {"type": "member", "id": meera}
    assert event["text"] == "Yes, in 2 days." and event["sources"] == []


def test_agent_reply_without_a_member_speaks_for_the_agent(
    client: httpx.Client, tenant: Tenant, conversation: dict[str, Any]
) -> None:
    cid = conversation["id"]
    r = post(client, tenant, cid, {"role": "agent", "text": "Automated reply"})
    assert r.status_code == 201, r.text
    assert r.json()["sender"] == {"type": "ai", "id": conversation["agent_id"]}
    event = events_of(client, tenant, cid)[-1]
    assert event["type"] == "chat.message.sent" and event["sender"]["type"] == "ai"


def test_a_note_is_never_sent(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any], conversation: dict[str, Any]
) -> None:
    cid = conversation["id"]
    meera = member(client, admin_sql, tenant)
    before = events_of(client, tenant, cid)
    r = post(client, tenant, cid, {"role": "note", "text": "Customer is a reseller", "member_id": meera})
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "note" and r.json()["sender"] == {"type": "member", "id": meera}
    after = events_of(client, tenant, cid)
    assert after == before
    sent = client.get("/chat/v1/events", params={"type": "chat.message.sent"}, headers=tenant.headers()).json()
    assert sent["data"] == []


def test_member_rules(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any], conversation: dict[str, Any]
) -> None:
    cid = conversation["id"]
    meera = member(client, admin_sql, tenant)
    no_member = assert_problem(post(client, tenant, cid, {"role": "note", "text": "x"}), 422, "validation_failed")
    assert no_member["errors"] and "member_id" in no_member["detail"]
    assert_problem(
        post(client, tenant, cid, {"role": "customer", "text": "x", "member_id": meera}), 422, "validation_failed"
    )
    assert_problem(
        post(client, tenant, cid, {"role": "agent", "text": "x", "member_id": "mem_nobody"}), 404, "not_found"
    )
    assert_problem(
        post(client, tenant, cid, {"role": "note", "text": "x", "member_id": "mem_nobody"}), 404, "not_found"
    )
    stored = admin_sql.execute("SELECT count(*) FROM messages WHERE conversation_id = %s", [cid]).fetchone()
    assert stored == (0,)


@pytest.mark.parametrize(
    "body",
    [
        {"role": "bot", "text": "x"},
        {"role": "customer"},
        {"role": "customer", "text": ""},
        {"role": "customer", "text": "   "},
        {"role": "customer", "text": "x" * 10_001},
        {"role": "customer", "text": 42},
        {"text": "x"},
        {"role": "customer", "text": "x", "sender": "me"},
    ],
)
def test_invalid_messages_are_422(
    client: httpx.Client, tenant: Tenant, conversation: dict[str, Any], body: dict[str, Any]
) -> None:
    assert_problem(post(client, tenant, conversation["id"], body), 422, "validation_failed")


def test_list_is_oldest_first_and_pages(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any], conversation: dict[str, Any]
) -> None:
    cid = conversation["id"]
    meera = member(client, admin_sql, tenant)
    bodies = [
        {"role": "customer", "text": "one"},
        {"role": "agent", "text": "two"},
        {"role": "note", "text": "three", "member_id": meera},
        {"role": "customer", "text": "four"},
        {"role": "agent", "text": "five", "member_id": meera},
    ]
    ids = [post(client, tenant, cid, b).json()["id"] for b in bodies]
    listed = client.get(f"{CONVERSATIONS}/{cid}/messages", headers=tenant.headers()).json()
    assert [m["id"] for m in listed["data"]] == ids
    assert [m["text"] for m in listed["data"]] == ["one", "two", "three", "four", "five"]
    newest = client.get(f"{CONVERSATIONS}/{cid}/messages", params={"order": "desc"}, headers=tenant.headers()).json()
    assert [m["id"] for m in newest["data"]] == list(reversed(ids))

    walked: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        page = client.get(f"{CONVERSATIONS}/{cid}/messages", params=params, headers=tenant.headers()).json()
        walked += [m["id"] for m in page["data"]]
        if not page["has_more"]:
            break
        params["cursor"] = page["next_cursor"]
    assert walked == ids
    count = admin_sql.execute("SELECT message_count FROM conversations WHERE id = %s", [cid]).fetchone()
    assert count == (5,)


def test_messages_of_an_unknown_conversation_are_404(client: httpx.Client, tenant: Tenant) -> None:
    assert_problem(client.get(f"{CONVERSATIONS}/cnv_nope/messages", headers=tenant.headers()), 404, "not_found")
    assert_problem(post(client, tenant, "cnv_nope", {"role": "customer", "text": "x"}), 404, "not_found")
