"""The agent end to end, through the real API and worker: annotation, grounded replies, handoff,
silence after handoff, mood changes."""

from __future__ import annotations

import time
from typing import Any

import httpx
import orjson
import psycopg

from skchat.kit.ids import new_id
from tests.conftest import Tenant

CONVERSATIONS = "/chat/v1/conversations"


def start(client: httpx.Client, tenant: Tenant, text: str) -> dict[str, Any]:
    r = client.post(CONVERSATIONS, json={"message": {"text": text}}, headers=tenant.headers())
    assert r.status_code == 201, r.text
    conversation: dict[str, Any] = r.json()
    return conversation


def say(client: httpx.Client, tenant: Tenant, cid: str, text: str) -> dict[str, Any]:
    r = client.post(
        f"{CONVERSATIONS}/{cid}/messages", json={"role": "customer", "text": text}, headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    message: dict[str, Any] = r.json()
    return message


def agent_messages(client: httpx.Client, tenant: Tenant, cid: str) -> list[dict[str, Any]]:
    data = client.get(f"{CONVERSATIONS}/{cid}/messages?limit=100", headers=tenant.headers()).json()["data"]
    return [m for m in data if m["role"] == "agent"]


def wait_for_replies(client: httpx.Client, tenant: Tenant, cid: str, count: int, timeout: float = 20) -> list[Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = agent_messages(client, tenant, cid)
        if len(replies) >= count:
            return replies
        time.sleep(0.1)
    raise AssertionError(f"expected {count} agent replies, got {agent_messages(client, tenant, cid)}")


def events(client: httpx.Client, tenant: Tenant, cid: str) -> list[dict[str, Any]]:
    r = client.get(
        "/chat/v1/events", params={"conversation_id": cid, "order": "asc", "limit": 100}, headers=tenant.headers()
    )
    data: list[dict[str, Any]] = r.json()["data"]
    return data


def test_a_question_is_annotated_at_once_and_answered_from_the_knowledge(aclient: httpx.Client, store: Tenant) -> None:
    conversation = start(aclient, store, "Do you deliver to Chennai?")
    first = conversation["messages"][0]
    assert (first["lang"], first["intent"], first["sentiment"]) == ("en", "delivery_area", "neutral")
    assert first["confidence"] > 0.3
    (reply,) = wait_for_replies(aclient, store, conversation["id"], 1)
    assert reply["sender"] == {"type": "ai", "id": conversation["agent_id"]}
    assert "Chennai" in reply["text"]
    assert reply["sources"] and all(s["type"] in {"article", "item"} for s in reply["sources"])
    sent = [e for e in events(aclient, store, conversation["id"]) if e["type"] == "chat.message.sent"]
    assert sent[0]["message_id"] == reply["id"] and sent[0]["sender"]["type"] == "ai"


def test_sources_are_real_articles_and_items_of_this_tenant_only(
    aclient: httpx.Client,
    store: Tenant,
    make_tenant,  # type: ignore[no-untyped-def]
) -> None:
    conversation = start(aclient, store, "What is the price of the cotton bedsheet?")
    (reply,) = wait_for_replies(aclient, store, conversation["id"], 1)
    assert reply["sources"]
    for source in reply["sources"]:
        path = "/chat/v1/knowledge/articles/" if source["type"] == "article" else "/chat/v1/catalog/items/"
        assert aclient.get(path + source["id"], headers=store.headers()).status_code == 200
    # Another tenant without knowledge: an honest answer with no sources at all.
    empty = make_tenant("Empty Shop")
    other = start(aclient, empty, "What is the price of the cotton bedsheet?")
    (honest,) = wait_for_replies(aclient, empty, other["id"], 1)
    assert honest["sources"] == []


def test_a_request_for_a_person_hands_off_in_any_language(aclient: httpx.Client, store: Tenant) -> None:
    conversation = start(aclient, store, "मुझे किसी इंसान से बात करनी है, बॉट नहीं चाहिए")
    now = aclient.get(f"{CONVERSATIONS}/{conversation['id']}", headers=store.headers()).json()
    assert now["status"] == "handoff" and now["ai_active"] is False
    handoffs = [e for e in events(aclient, store, conversation["id"]) if e["type"] == "chat.handoff.requested"]
    assert [h["reason"] for h in handoffs] == ["customer_request"]
    assert handoffs[0]["last_message_id"] == conversation["messages"][0]["id"]
    (notice,) = wait_for_replies(aclient, store, conversation["id"], 1)
    assert notice["lang"] == "hi" and notice["sources"] == []


def test_the_ai_stays_silent_after_a_handoff_even_for_jobs_queued_before(
    aclient: httpx.Client, store: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    conversation = start(aclient, store, "Do you deliver to Madurai?")
    wait_for_replies(aclient, store, conversation["id"], 1)
    r = aclient.post(f"{CONVERSATIONS}/{conversation['id']}/handoff", json={"reason": "VIP"}, headers=store.headers())
    assert r.status_code == 200
    say(aclient, store, conversation["id"], "And what about Coimbatore?")
    # A reply job queued before the handoff (as if the worker had been slow): the server drops it.
    message_id = say(aclient, store, conversation["id"], "hello?")["id"]
    admin_sql.execute(
        "INSERT INTO agent_jobs (tenant_id, livemode, id, conversation_id, message_id, kind) "
        "VALUES (%s, false, %s, %s, %s, 'reply')",
        [store.tenant_id, new_id("job"), conversation["id"], message_id],
    )
    admin_sql.execute("NOTIFY skchat_agent_jobs")
    time.sleep(2.0)
    assert len(agent_messages(aclient, store, conversation["id"])) == 1
    pending = admin_sql.execute(
        "SELECT count(*) FROM agent_jobs WHERE conversation_id = %s AND state = 'pending'", [conversation["id"]]
    ).fetchone()
    assert pending == (0,)
    # Handed back to the AI, it answers again.
    aclient.post(f"{CONVERSATIONS}/{conversation['id']}/close", json={}, headers=store.headers())
    aclient.post(f"{CONVERSATIONS}/{conversation['id']}/reopen", json={}, headers=store.headers())
    say(aclient, store, conversation["id"], "Do you deliver to Salem?")
    wait_for_replies(aclient, store, conversation["id"], 2)


def test_sentiment_changed_only_when_the_mood_label_changes(aclient: httpx.Client, store: Tenant) -> None:
    conversation = start(aclient, store, "Do you have cotton kurtas?")
    cid = conversation["id"]
    say(aclient, store, cid, "What sizes are there?")
    say(aclient, store, cid, "Thank you so much, you have been really helpful!")
    say(aclient, store, cid, "Great, lovely!")
    changes = [e for e in events(aclient, store, cid) if e["type"] == "chat.sentiment.changed"]
    assert [(c["from"], c["to"]) for c in changes] == [("neutral", "positive")]
    assert changes[0]["message_id"] and -1 <= changes[0]["score"] <= 1


def test_two_unanswerable_questions_in_a_row_hand_off_at_the_second(aclient: httpx.Client, store: Tenant) -> None:
    conversation = start(aclient, store, "Who won the cricket world cup in 1983?")
    cid = conversation["id"]
    (first,) = wait_for_replies(aclient, store, cid, 1)
    assert first["sources"] == []
    assert aclient.get(f"{CONVERSATIONS}/{cid}", headers=store.headers()).json()["status"] == "open"
    say(aclient, store, cid, "Can you recommend a good smartphone under 15000?")
    wait_for_replies(aclient, store, cid, 2)
    now = aclient.get(f"{CONVERSATIONS}/{cid}", headers=store.headers()).json()
    assert now["status"] == "handoff"
    reasons = [e["reason"] for e in events(aclient, store, cid) if e["type"] == "chat.handoff.requested"]
    assert reasons == ["repeated_unanswered"]


def test_the_received_event_carries_the_stored_message_in_the_contracts_field_order(
    aclient: httpx.Client, store: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    conversation = start(aclient, store, "Do you deliver to Erode?")
    message = say(aclient, store, conversation["id"], "This is taking far too long, I am very upset")
    assert message["intent"] is not None and message["sentiment_score"] is not None
    row = admin_sql.execute(
        "SELECT data::text, sequence FROM events WHERE type = 'chat.message.received' AND data->>'message_id' = %s",
        [message["id"]],
    ).fetchone()
    assert row is not None
    data = orjson.loads(row[0])
    assert list(data) == [
        "conversation_id", "message_id", "text", "intent", "lang", "sentiment", "sentiment_score", "channel"
    ]  # fmt: skip
    assert data == {
        "conversation_id": conversation["id"],
        "message_id": message["id"],
        "text": message["text"],
        "intent": message["intent"],
        "lang": message["lang"],
        "sentiment": message["sentiment"],
        "sentiment_score": message["sentiment_score"],
        "channel": "api",
    }
    assert row[1] == 3  # created (1), the first message (2), this one (3)


def test_a_stand_down_queues_one_handoff_notice_and_no_reply(
    aclient: httpx.Client, store: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    conversation = start(aclient, store, "I want to talk to a human agent please")
    jobs = admin_sql.execute("SELECT kind FROM agent_jobs WHERE conversation_id = %s", [conversation["id"]]).fetchall()
    assert jobs == [("handoff_notice",)]
    # Now a person owns the thread: a further message queues nothing.
    say(aclient, store, conversation["id"], "Hello?")
    count = admin_sql.execute("SELECT count(*) FROM agent_jobs WHERE conversation_id = %s", [conversation["id"]])
    assert count.fetchone() == (1,)
