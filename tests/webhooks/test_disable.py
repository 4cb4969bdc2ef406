"""An endpoint failing continuously for longer than `webhook_disable_after_s` is disabled; nothing pending is lost."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Pg, ServerThread, Tenant
from tests.webhooks.conftest import subscribe, worker_settings
from tests.webhooks.receiver import Receiver, Reply

# Retries every ~0.3 s for several seconds: the endpoint is still pending when it has failed for over 1 s.
SCHEDULE = [0] + [0.3] * 30
DISABLE_AFTER_S = 1.0


@pytest.fixture(scope="module")
def disabling_server(pg: Pg) -> Iterator[ServerThread]:
    settings = worker_settings(
        pg, webhook_retry_schedule_s=SCHEDULE, webhook_disable_after_s=DISABLE_AFTER_S, webhook_poll_interval_s=0.1
    )
    with ServerThread(settings, pg.owner_url, run_worker=True) as running:
        yield running


@pytest.fixture
def dclient(disabling_server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=disabling_server.base_url, timeout=30) as c:
        yield c


def created_event(client: httpx.Client, tenant: Tenant) -> str:
    """Open a conversation; the id of its chat.conversation.created event."""
    r = client.post("/chat/v1/conversations", json={}, headers=tenant.headers())
    assert r.status_code == 201, r.text
    events = client.get(
        "/chat/v1/events",
        params={"conversation_id": r.json()["id"], "type": "chat.conversation.created"},
        headers=tenant.headers(),
    )
    assert events.status_code == 200, events.text
    (event,) = events.json()["data"]
    event_id: str = event["id"]
    return event_id


def delivery_states(admin_sql: psycopg.Connection[Any], endpoint_id: str) -> dict[str, str]:
    rows = admin_sql.execute(
        "SELECT event_id, state FROM webhook_deliveries WHERE endpoint_id = %s", (endpoint_id,)
    ).fetchall()
    return {event_id: state for event_id, state in rows}


def test_endpoint_failing_too_long_is_disabled_and_holds_everything_pending(
    dclient: httpx.Client, tenant: Tenant, receiver: Receiver, admin_sql: psycopg.Connection[Any]
) -> None:
    receiver.respond = lambda r: Reply(status=500, body=b"down")
    since = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    endpoint_id = subscribe(dclient, tenant, receiver.url + "/down", ["chat.conversation.created"])["id"]
    event_ids = [created_event(dclient, tenant) for _ in range(3)]

    deadline = time.monotonic() + 15
    endpoint: dict[str, Any] = {}
    while time.monotonic() < deadline:
        endpoint = dclient.get(f"/chat/v1/webhook_endpoints/{endpoint_id}", headers=tenant.headers()).json()
        if endpoint["disabled"]:
            break
        time.sleep(0.1)
    assert endpoint["disabled"] is True, endpoint
    assert endpoint["disabled_reason"] == "failing"
    first = min(req.at for req in receiver.requests("/down"))
    # Disabled only after failing for longer than the threshold, not on the first failure.
    assert time.time() - first >= DISABLE_AFTER_S

    # Nothing pending was dropped or given up on: every delivery is held.
    time.sleep(0.5)  # any attempt in flight at the moment of disabling is recorded by now
    assert delivery_states(admin_sql, endpoint_id) == {e: "held" for e in event_ids}
    sent_before = len(receiver.requests("/down"))
    for event_id in event_ids:
        attempts = dclient.get(f"/chat/v1/events/{event_id}/deliveries", headers=tenant.headers()).json()["data"]
        assert attempts, event_id
        assert all(a["endpoint_id"] == endpoint_id for a in attempts)
        assert all(a["status_code"] == 500 and a["error"] == "HTTP 500" for a in attempts)
        assert all(a["response_body"] == "down" for a in attempts)
    # Several attempts were made before it was disabled (the schedule was not simply spent).
    assert sent_before > len(event_ids)

    # A disabled endpoint receives nothing more; an event produced meanwhile is held too.
    later = created_event(dclient, tenant)
    time.sleep(1.0)
    assert len(receiver.requests("/down")) == sent_before
    assert delivery_states(admin_sql, endpoint_id) == {e: "held" for e in [*event_ids, later]}

    # recover re-enables the endpoint and re-sends every held delivery.
    receiver.respond = lambda r: Reply(status=204, body=b"")
    r = dclient.post(
        f"/chat/v1/webhook_endpoints/{endpoint_id}/recover", json={"since": since}, headers=tenant.headers()
    )
    assert r.status_code == 202, r.text
    assert r.json() == {"object": "recovery", "endpoint_id": endpoint_id, "redelivering": 4}
    got = receiver.wait_for(sent_before + 4, "/down")
    resent = {req.headers["webhook-id"] for req in got[sent_before:]}
    assert resent == {*event_ids, later}
    assert {json.loads(req.body)["id"] for req in got[sent_before:]} == resent

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and set(delivery_states(admin_sql, endpoint_id).values()) != {"succeeded"}:
        time.sleep(0.1)
    assert delivery_states(admin_sql, endpoint_id) == {e: "succeeded" for e in [*event_ids, later]}
    endpoint = dclient.get(f"/chat/v1/webhook_endpoints/{endpoint_id}", headers=tenant.headers()).json()
    assert endpoint["disabled"] is False
    assert endpoint["disabled_reason"] is None
    last = dclient.get(f"/chat/v1/events/{later}/deliveries", headers=tenant.headers()).json()["data"]
    assert [a["status_code"] for a in last] == [204]
