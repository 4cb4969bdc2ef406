"""Conversations through the real HTTP API: create, read, list, update."""

from __future__ import annotations

import httpx

from tests.conftest import Tenant


def test_create_with_first_message_returns_it_and_emits_both_events(client: httpx.Client, tenant: Tenant) -> None:
    body = {
        "contact": {"external_id": "u-42", "name": "Asha", "phone": "+919800000000"},
        "metadata": {"order": "A-1"},
        "message": {"text": "Do you deliver to Chennai?"},
    }
    r = client.post("/chat/v1/conversations", json=body, headers=tenant.headers())
    assert r.status_code == 201, r.text
    conv = r.json()
    assert conv["id"].startswith("cnv_")
    assert conv["object"] == "conversation"
    assert conv["livemode"] is False
    assert conv["status"] == "open" and conv["ai_active"] is True
    assert conv["agent_id"] == tenant.agent_id
    assert conv["contact"]["external_id"] == "u-42" and conv["contact"]["name"] == "Asha"
    assert conv["metadata"] == {"order": "A-1"}
    assert [m["text"] for m in conv["messages"]] == ["Do you deliver to Chennai?"]
    first = conv["messages"][0]
    assert first["role"] == "customer" and first["sender"]["type"] == "customer"
    # Annotated before the 201 (the offline NLU); this tenant has no intents yet, so none is named.
    assert first["lang"] == "en" and first["intent"] is None and first["sentiment"] == "neutral"
    assert -1 <= first["sentiment_score"] <= 1 and 0 <= first["confidence"] <= 1

    events = client.get(
        "/chat/v1/events", params={"conversation_id": conv["id"], "order": "asc"}, headers=tenant.headers()
    ).json()["data"]
    assert [e["type"] for e in events] == ["chat.conversation.created", "chat.message.received"]
    assert [e["sequence"] for e in events] == [1, 2]
    assert events[1]["message_id"] == first["id"]
    assert events[1]["text"] == "Do you deliver to Chennai?"


def test_same_external_id_reuses_the_contact(client: httpx.Client, tenant: Tenant) -> None:
    a = client.post("/chat/v1/conversations", json={"contact": {"external_id": "x"}}, headers=tenant.headers())
    b = client.post(
        "/chat/v1/conversations",
        json={"contact": {"external_id": "x", "name": "Ravi"}},
        headers=tenant.headers(),
    )
    assert a.status_code == b.status_code == 201
    assert a.json()["contact"]["id"] == b.json()["contact"]["id"]
    assert b.json()["contact"]["name"] == "Ravi"


def test_get_and_patch_metadata_merges(client: httpx.Client, tenant: Tenant) -> None:
    conv = client.post("/chat/v1/conversations", json={"metadata": {"a": "1", "b": 2}}, headers=tenant.headers()).json()
    r = client.patch(
        f"/chat/v1/conversations/{conv['id']}",
        json={"metadata": {"b": None, "c": True}},
        headers=tenant.headers(),
    )
    assert r.status_code == 200, r.text
    assert r.json()["metadata"] == {"a": "1", "c": True}
    assert client.get(f"/chat/v1/conversations/{conv['id']}", headers=tenant.headers()).json()["metadata"] == {
        "a": "1",
        "c": True,
    }
