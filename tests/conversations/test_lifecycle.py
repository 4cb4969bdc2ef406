"""The conversation lifecycle through the API: handoff, assign, close, reopen, and their events."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import psycopg
import pytest

from skchat.kit.ids import new_id
from tests.conftest import Tenant
from tests.kit.problems import assert_problem

CONVERSATIONS = "/chat/v1/conversations"


def member(client: httpx.Client, admin: psycopg.Connection[Any], tenant: Tenant, name: str = "Meera") -> str:
    """A team member: through /members when that API answers, else inserted as a row."""
    email = f"{name.lower()}-{secrets.token_hex(4)}@example.com"
    r = client.post("/chat/v1/members", json={"name": name, "email": email, "role": "agent"}, headers=tenant.headers())
    if r.status_code == 201:
        member_id: str = r.json()["id"]
        return member_id
    member_id = new_id("mem")
    admin.execute(
        "INSERT INTO members (tenant_id, livemode, id, name, email, role) VALUES (%s, false, %s, %s, %s, 'agent')",
        [tenant.tenant_id, member_id, name, email],
    )
    return member_id


def events_of(client: httpx.Client, tenant: Tenant, conversation_id: str) -> list[dict[str, Any]]:
    r = client.get(
        "/chat/v1/events",
        params={"conversation_id": conversation_id, "order": "asc", "limit": 100},
        headers=tenant.headers(),
    )
    assert r.status_code == 200
    data: list[dict[str, Any]] = r.json()["data"]
    return data


def action(client: httpx.Client, tenant: Tenant, conversation_id: str, name: str, body: Any = None) -> httpx.Response:
    return client.post(f"{CONVERSATIONS}/{conversation_id}/{name}", json=body, headers=tenant.headers())


@pytest.fixture
def conversation(client: httpx.Client, tenant: Tenant) -> dict[str, Any]:
    r = client.post(CONVERSATIONS, json={"message": {"text": "Where is my order?"}}, headers=tenant.headers())
    assert r.status_code == 201
    conv: dict[str, Any] = r.json()
    return conv


def test_full_lifecycle_and_its_events(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any], conversation: dict[str, Any]
) -> None:
    cid = conversation["id"]
    first_message_id = conversation["messages"][0]["id"]

    handed = action(client, tenant, cid, "handoff", {"reason": "VIP customer"})
    assert handed.status_code == 200, handed.text
    assert handed.json()["status"] == "handoff" and handed.json()["ai_active"] is False
    event = events_of(client, tenant, cid)[-1]
    assert event["type"] == "chat.handoff.requested"
    assert event["reason"] == "api" and event["detail"] == "VIP customer"
    assert event["last_message_id"] == first_message_id

    assert_problem(action(client, tenant, cid, "handoff", {"reason": "again"}), 409, "conflict")

    meera, ravi = member(client, admin_sql, tenant, "Meera"), member(client, admin_sql, tenant, "Ravi")
    assigned = action(client, tenant, cid, "assign", {"member_id": meera})
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["status"] == "assigned" and assigned.json()["assignee_id"] == meera
    assert assigned.json()["ai_active"] is False
    event = events_of(client, tenant, cid)[-1]
    assert event["type"] == "chat.conversation.assigned"
    assert event["member_id"] == meera and event["previous_member_id"] is None

    reassigned = action(client, tenant, cid, "assign", {"member_id": ravi})
    assert reassigned.status_code == 200 and reassigned.json()["assignee_id"] == ravi
    event = events_of(client, tenant, cid)[-1]
    assert event["member_id"] == ravi and event["previous_member_id"] == meera
    assert_problem(action(client, tenant, cid, "handoff", {}), 409, "conflict")

    reply = client.post(
        f"{CONVERSATIONS}/{cid}/messages",
        json={"role": "agent", "text": "On its way", "member_id": ravi},
        headers=tenant.headers(),
    )
    assert reply.status_code == 201
    resolution = {"outcome": "resolved", "resolved_by": "human", "note": "shipped", "tags": ["delivery"]}
    closed = action(client, tenant, cid, "close", {"resolution": resolution})
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["status"] == "closed" and body["ai_active"] is False
    assert body["closed_at"] is not None and body["closed_at"].endswith("Z")
    assert body["resolution"] == resolution
    event = events_of(client, tenant, cid)[-1]
    assert event["type"] == "chat.conversation.closed"
    assert event["resolution"] == resolution
    assert isinstance(event["duration_s"], int | float) and event["duration_s"] >= 0
    assert event["message_count"] == 2

    for bad in (
        {"role": "agent", "text": "one more thing", "member_id": ravi},
        {"role": "agent", "text": "from the bot"},
        {"role": "note", "text": "internal", "member_id": ravi},
    ):
        r = client.post(f"{CONVERSATIONS}/{cid}/messages", json=bad, headers=tenant.headers())
        assert_problem(r, 409, "conversation_closed")
    assert_problem(action(client, tenant, cid, "close", {}), 409, "conversation_closed")
    assert_problem(action(client, tenant, cid, "assign", {"member_id": meera}), 409, "conversation_closed")
    assert_problem(action(client, tenant, cid, "handoff", {}), 409, "conversation_closed")
    stored = admin_sql.execute("SELECT count(*) FROM messages WHERE conversation_id = %s", [cid]).fetchone()
    assert stored == (2,)

    # The customer writes again: back to the member who had it.
    again = client.post(
        f"{CONVERSATIONS}/{cid}/messages", json={"role": "customer", "text": "Thanks!"}, headers=tenant.headers()
    )
    assert again.status_code == 201
    now = client.get(f"{CONVERSATIONS}/{cid}", headers=tenant.headers()).json()
    assert now["status"] == "assigned" and now["assignee_id"] == ravi
    assert now["closed_at"] is None and now["resolution"] is None

    events = events_of(client, tenant, cid)
    assert [e["sequence"] for e in events] == list(range(1, len(events) + 1))
    assert [e["type"] for e in events] == [
        "chat.conversation.created",
        "chat.message.received",
        "chat.handoff.requested",
        "chat.conversation.assigned",
        "chat.conversation.assigned",
        "chat.message.sent",
        "chat.conversation.closed",
        "chat.message.received",
        "chat.sentiment.changed",  # "Thanks!" moves the mood from neutral to positive
    ]


def test_a_customer_message_reopens_an_unassigned_conversation_as_open(
    client: httpx.Client, tenant: Tenant, conversation: dict[str, Any]
) -> None:
    cid = conversation["id"]
    assert action(client, tenant, cid, "close", {}).json()["status"] == "closed"
    r = client.post(
        f"{CONVERSATIONS}/{cid}/messages", json={"role": "customer", "text": "hi"}, headers=tenant.headers()
    )
    assert r.status_code == 201
    now = client.get(f"{CONVERSATIONS}/{cid}", headers=tenant.headers()).json()
    assert now["status"] == "open" and now["ai_active"] is True and now["closed_at"] is None


def test_reopen(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any], conversation: dict[str, Any]
) -> None:
    cid = conversation["id"]
    assert_problem(action(client, tenant, cid, "reopen"), 409, "conflict")
    closed = action(client, tenant, cid, "close", {"resolution": {"outcome": "unresolved"}})
    assert closed.status_code == 200
    assert closed.json()["resolution"]["outcome"] == "unresolved"
    reopened = action(client, tenant, cid, "reopen")
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open" and reopened.json()["ai_active"] is True
    assert reopened.json()["closed_at"] is None and reopened.json()["resolution"] is None
    assert_problem(action(client, tenant, cid, "reopen"), 409, "conflict")

    meera = member(client, admin_sql, tenant)
    assert action(client, tenant, cid, "assign", {"member_id": meera}).status_code == 200
    assert action(client, tenant, cid, "close", {}).status_code == 200
    back = action(client, tenant, cid, "reopen")
    assert back.json()["status"] == "assigned" and back.json()["assignee_id"] == meera


def test_assign_from_open_and_unknown_members(
    client: httpx.Client, make_tenant: Any, admin_sql: psycopg.Connection[Any], tenant: Tenant
) -> None:
    cid = client.post(CONVERSATIONS, json={}, headers=tenant.headers()).json()["id"]
    assert_problem(action(client, tenant, cid, "assign", {"member_id": "mem_nobody"}), 404, "not_found")
    other = make_tenant("Other team")
    stranger = member(client, admin_sql, other)
    assert_problem(action(client, tenant, cid, "assign", {"member_id": stranger}), 404, "not_found")
    assert_problem(action(client, tenant, cid, "assign", {}), 422, "validation_failed")
    assert client.get(f"{CONVERSATIONS}/{cid}", headers=tenant.headers()).json()["status"] == "open"

    mine = member(client, admin_sql, tenant)
    r = action(client, tenant, cid, "assign", {"member_id": mine})
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    types = [e["type"] for e in events_of(client, tenant, cid)]
    assert types == ["chat.conversation.created", "chat.conversation.assigned"]


def test_handoff_without_a_reason_and_of_a_silent_conversation(client: httpx.Client, tenant: Tenant) -> None:
    cid = client.post(CONVERSATIONS, json={}, headers=tenant.headers()).json()["id"]
    r = client.post(f"{CONVERSATIONS}/{cid}/handoff", headers=tenant.headers())
    assert r.status_code == 200, r.text
    event = events_of(client, tenant, cid)[-1]
    assert event["type"] == "chat.handoff.requested"
    assert event["reason"] == "api" and event["detail"] is None and event["last_message_id"] is None


def test_close_validates_the_resolution(client: httpx.Client, tenant: Tenant) -> None:
    cid = client.post(CONVERSATIONS, json={}, headers=tenant.headers()).json()["id"]
    bad: dict[str, Any]
    for bad in (
        {"resolution": {"outcome": "fixed"}},
        {"resolution": {"outcome": "resolved", "resolved_by": "robot"}},
        {"resolution": {"outcome": "resolved", "colour": "red"}},
        {"resolution": {}},
    ):
        assert_problem(action(client, tenant, cid, "close", bad), 422, "validation_failed")
    assert client.get(f"{CONVERSATIONS}/{cid}", headers=tenant.headers()).json()["status"] == "open"


def test_lifecycle_actions_on_unknown_conversations_are_404(client: httpx.Client, tenant: Tenant) -> None:
    for name, body in (("handoff", {}), ("assign", {"member_id": "mem_x"}), ("close", {}), ("reopen", None)):
        assert_problem(action(client, tenant, "cnv_unknown", name, body), 404, "not_found")
