"""Redirects are never followed: a 3xx is a failed attempt, and its Location gets nothing."""

from __future__ import annotations

import time
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Tenant
from tests.webhooks.conftest import subscribe
from tests.webhooks.receiver import Receiver, Reply


@pytest.mark.parametrize("status", [302, 307])
def test_redirect_is_a_failure_and_never_followed(
    wclient: httpx.Client, tenant: Tenant, receiver: Receiver, admin_sql: psycopg.Connection[Any], status: int
) -> None:
    target = f"/moved-{status}"
    receiver.respond = lambda r: (
        Reply(status=status, headers={"Location": receiver.url + target}, body=b"moved")
        if r.path == "/hook"
        else Reply()
    )
    endpoint_id = subscribe(wclient, tenant, receiver.url + "/hook", ["chat.conversation.created"])["id"]
    r = wclient.post("/chat/v1/conversations", json={}, headers=tenant.headers())
    assert r.status_code == 201, r.text
    (event,) = wclient.get(
        "/chat/v1/events",
        params={"conversation_id": r.json()["id"], "type": "chat.conversation.created"},
        headers=tenant.headers(),
    ).json()["data"]

    (request,) = receiver.wait_for(1, "/hook")
    assert request.headers["webhook-id"] == event["id"]
    deadline = time.monotonic() + 10
    attempts: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not attempts:
        attempts = wclient.get(f"/chat/v1/events/{event['id']}/deliveries", headers=tenant.headers()).json()["data"]
        time.sleep(0.05)
    (attempt,) = attempts
    assert attempt["endpoint_id"] == endpoint_id
    assert attempt["status_code"] == status
    assert attempt["error"] == f"HTTP {status}"
    assert attempt["response_body"] == "moved"
    # Counted as a failure: the delivery stays pending for a retry, not succeeded.
    state, tries = admin_sql.execute(
        "SELECT state, attempts FROM webhook_deliveries WHERE event_id = %s AND endpoint_id = %s",
        (event["id"], endpoint_id),
    ).fetchone() or (None, None)
    assert (state, tries) == ("pending", 1)
    time.sleep(0.5)
    assert receiver.requests(target) == []
    assert len(receiver.requests("/hook")) == 1  # the next try is on the schedule (~5 s), not a follow-up
