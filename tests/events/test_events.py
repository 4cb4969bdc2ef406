"""GET /events and /events/{id}: the stored events, filtered, and 404 for anything not the caller's."""

from __future__ import annotations

import httpx

from tests.conftest import Tenant
from tests.kit.problems import assert_problem

EVENTS = "/chat/v1/events"


def test_list_get_and_filter(client: httpx.Client, tenant: Tenant) -> None:
    one = client.post("/chat/v1/conversations", json={"message": {"text": "hi"}}, headers=tenant.headers()).json()
    two = client.post("/chat/v1/conversations", json={}, headers=tenant.headers()).json()

    listed = client.get(EVENTS, headers=tenant.headers())
    assert listed.status_code == 200
    body = listed.json()
    assert body["object"] == "list" and body["has_more"] is False and body["next_cursor"] is None
    types = [(e["type"], e["conversation_id"]) for e in body["data"]]
    assert types == [  # newest first
        ("chat.conversation.created", two["id"]),
        ("chat.message.received", one["id"]),
        ("chat.conversation.created", one["id"]),
    ]
    for event in body["data"]:
        assert event["id"].startswith("evt_") and event["object"] == "event"
        assert event["livemode"] is False and event["created_at"].endswith("Z")
        got = client.get(f"{EVENTS}/{event['id']}", headers=tenant.headers())
        assert got.status_code == 200 and got.json() == event

    created = client.get(EVENTS, params={"type": "chat.conversation.created"}, headers=tenant.headers()).json()
    assert [e["conversation_id"] for e in created["data"]] == [two["id"], one["id"]]
    of_one = client.get(EVENTS, params={"conversation_id": one["id"], "order": "asc"}, headers=tenant.headers())
    assert [e["type"] for e in of_one.json()["data"]] == ["chat.conversation.created", "chat.message.received"]
    both = client.get(
        EVENTS, params={"conversation_id": one["id"], "type": "chat.message.received"}, headers=tenant.headers()
    ).json()["data"]
    assert len(both) == 1 and both[0]["message_id"] == one["messages"][0]["id"]
    assert both[0]["text"] == "hi" and both[0]["channel"] == "api"
    none = client.get(EVENTS, params={"type": "chat.wallet.low"}, headers=tenant.headers()).json()
    assert none["data"] == []


def test_event_payload_is_flat_with_the_contract_fields(client: httpx.Client, tenant: Tenant) -> None:
    conv = client.post(
        "/chat/v1/conversations", json={"contact": {"external_id": "e-1", "name": "Asha"}}, headers=tenant.headers()
    ).json()
    event = client.get(EVENTS, params={"conversation_id": conv["id"]}, headers=tenant.headers()).json()["data"][0]
    assert event["type"] == "chat.conversation.created"
    assert event["channel"] == "api"
    assert event["contact"] == {"id": conv["contact"]["id"], "external_id": "e-1", "name": "Asha"}
    assert event["sequence"] == 1


def test_unknown_or_foreign_event_is_404(client: httpx.Client, tenant: Tenant) -> None:
    assert_problem(client.get(f"{EVENTS}/evt_01DOESNOTEXIST00000000000", headers=tenant.headers()), 404, "not_found")
    client.post("/chat/v1/conversations", json={}, headers=tenant.headers())
    event_id = client.get(EVENTS, headers=tenant.headers()).json()["data"][0]["id"]
    assert_problem(client.get(f"{EVENTS}/{event_id}", headers=tenant.headers(live=True)), 404, "not_found")


def test_bad_filters_are_422(client: httpx.Client, tenant: Tenant) -> None:
    body = assert_problem(
        client.get(EVENTS, params={"type": "chat.nonsense"}, headers=tenant.headers()), 422, "validation_failed"
    )
    assert body["errors"][0]["field"] == "type"
