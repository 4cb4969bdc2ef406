"""Signed, at-least-once webhook delivery through the real worker to a real receiver on loopback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import httpx
from standardwebhooks import Webhook

from tests.conftest import Tenant
from tests.webhooks.conftest import subscribe
from tests.webhooks.receiver import Receiver, Reply


def open_conversation(client: httpx.Client, tenant: Tenant, text: str = "Do you deliver to Chennai?") -> str:
    r = client.post("/chat/v1/conversations", json={"message": {"text": text}}, headers=tenant.headers())
    assert r.status_code == 201, r.text
    cid: str = r.json()["id"]
    return cid


def independent_signature(secret: str, headers: dict[str, str], body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def test_every_delivery_verifies_with_the_reference_library_and_by_hand(
    wclient: httpx.Client, tenant: Tenant, receiver: Receiver
) -> None:
    endpoint = subscribe(
        wclient, tenant, receiver.url + "/hook", ["chat.conversation.created", "chat.message.received"]
    )
    cid = open_conversation(wclient, tenant)
    got = receiver.wait_for(2, "/hook")
    for request in got:
        payload = Webhook(endpoint["secret"]).verify(request.body, request.headers)
        assert payload["id"] == request.headers["webhook-id"]
        ours = [s.split(",", 1)[1] for s in request.headers["webhook-signature"].split(" ")]
        assert independent_signature(endpoint["secret"], request.headers, request.body) in ours
        assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    bodies = sorted((json.loads(r.body) for r in got), key=lambda b: b["sequence"])
    assert [b["type"] for b in bodies] == ["chat.conversation.created", "chat.message.received"]
    assert all(b["conversation_id"] == cid for b in bodies)
    # The webhook body is the event as the API shows it.
    api = wclient.get(f"/chat/v1/events/{bodies[1]['id']}", headers=tenant.headers()).json()
    assert api == bodies[1]


def test_rotation_window_signs_with_both_secrets(wclient: httpx.Client, tenant: Tenant, receiver: Receiver) -> None:
    endpoint = subscribe(wclient, tenant, receiver.url + "/rot", ["chat.conversation.created"])
    r = wclient.post(
        f"/chat/v1/webhook_endpoints/{endpoint['id']}/rotate_secret",
        json={"expire_previous_in_s": 3600},
        headers=tenant.headers(),
    )
    assert r.status_code == 200, r.text
    new_secret = r.json()["secret"]
    assert new_secret != endpoint["secret"]
    open_conversation(wclient, tenant)
    (request,) = receiver.wait_for(1, "/rot")
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(endpoint["secret"]).verify(request.body, request.headers)
    Webhook(new_secret).verify(request.body, request.headers)
    # With no overlap, only the new secret signs.
    wclient.post(
        f"/chat/v1/webhook_endpoints/{endpoint['id']}/rotate_secret",
        json={"expire_previous_in_s": 0},
        headers=tenant.headers(),
    )
    open_conversation(wclient, tenant)
    requests = receiver.wait_for(2, "/rot")
    assert len(requests[1].headers["webhook-signature"].split(" ")) == 1


def test_a_failure_is_retried_after_about_5_s_with_the_same_webhook_id(
    wclient: httpx.Client, tenant: Tenant, receiver: Receiver
) -> None:
    calls: dict[str, int] = {}

    def fail_first(request):  # type: ignore[no-untyped-def]
        n = calls[request.headers["webhook-id"]] = calls.get(request.headers["webhook-id"], 0) + 1
        return Reply(status=500, body=b"boom") if n == 1 else Reply()

    receiver.respond = fail_first
    subscribe(wclient, tenant, receiver.url + "/flaky", ["chat.conversation.created"])
    wclient.post("/chat/v1/conversations", json={}, headers=tenant.headers())
    first, second = receiver.wait_for(2, "/flaky", timeout=20)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    gap = second.at - first.at
    assert 4.0 <= gap <= 8.0, gap
    event_id = first.headers["webhook-id"]
    time.sleep(0.5)
    attempts = wclient.get(f"/chat/v1/events/{event_id}/deliveries", headers=tenant.headers()).json()["data"]
    assert [(a["attempt"], a["status_code"]) for a in attempts] == [(1, 500), (2, 200)]
    assert attempts[0]["error"] == "HTTP 500" and attempts[0]["response_body"] == "boom"
    assert all(a["id"].startswith("dlv_") and a["duration_ms"] >= 0 for a in attempts)


def test_a_receiver_down_while_events_happen_gets_them_all_when_back(wclient: httpx.Client, tenant: Tenant) -> None:
    down = Receiver()
    url, port = down.url + "/later", down.port
    down.close()  # nothing listens there now: every attempt is refused
    subscribe(wclient, tenant, url, ["chat.conversation.created"])
    ids = {wclient.post("/chat/v1/conversations", json={}, headers=tenant.headers()).json()["id"] for _ in range(10)}
    time.sleep(1.0)
    revived = Receiver(port)  # back up, on the same address; no manual step
    try:
        got = revived.wait_for(10, "/later", timeout=30)
        delivered = {json.loads(r.body)["conversation_id"] for r in got}
        assert delivered == ids
    finally:
        revived.close()


def test_410_disables_the_endpoint_and_holds_what_is_pending(
    wclient: httpx.Client, tenant: Tenant, receiver: Receiver
) -> None:
    receiver.respond = lambda r: Reply(status=410)
    endpoint = subscribe(wclient, tenant, receiver.url + "/gone", ["chat.conversation.created"])
    wclient.post("/chat/v1/conversations", json={}, headers=tenant.headers())
    receiver.wait_for(1, "/gone")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = wclient.get(f"/chat/v1/webhook_endpoints/{endpoint['id']}", headers=tenant.headers()).json()
        if state["disabled"]:
            break
        time.sleep(0.1)
    assert state["disabled"] is True and state["disabled_reason"] == "gone"
    wclient.post("/chat/v1/conversations", json={}, headers=tenant.headers())
    time.sleep(1.0)
    assert len(receiver.requests("/gone")) == 1  # nothing more is sent to a disabled endpoint
    # Recover re-enables it and sends what was held.
    receiver.respond = lambda r: Reply()
    r = wclient.post(
        f"/chat/v1/webhook_endpoints/{endpoint['id']}/recover",
        json={"since": "2000-01-01T00:00:00Z"},
        headers=tenant.headers(),
    )
    assert r.status_code == 202, r.text
    assert r.json()["redelivering"] == 2
    receiver.wait_for(3, "/gone")


def test_filtered_endpoint_receives_only_its_types(wclient: httpx.Client, tenant: Tenant, receiver: Receiver) -> None:
    subscribe(wclient, tenant, receiver.url + "/only-received", ["chat.message.received"])
    subscribe(wclient, tenant, receiver.url + "/all", ["*"])
    open_conversation(wclient, tenant)
    receiver.wait_for(2, "/all")
    time.sleep(0.5)
    only = receiver.requests("/only-received")
    assert [json.loads(r.body)["type"] for r in only] == ["chat.message.received"]


def test_a_black_holed_endpoint_does_not_delay_a_healthy_one(
    wclient: httpx.Client, tenant: Tenant, receiver: Receiver
) -> None:
    receiver.respond = lambda r: Reply(delay_s=30) if r.path == "/hole" else Reply()
    subscribe(wclient, tenant, receiver.url + "/hole", ["chat.conversation.created"])
    subscribe(wclient, tenant, receiver.url + "/healthy", ["chat.conversation.created"])
    # The module's worker has 8 slots, at most 4 per endpoint: without that limit the hole's
    # backlog would take every slot and healthy deliveries would wait for its 2 s timeouts.
    started = time.time()
    for _ in range(16):
        wclient.post("/chat/v1/conversations", json={}, headers=tenant.headers())
    healthy = receiver.wait_for(16, "/healthy", timeout=10)
    assert max(r.at for r in healthy) - started < 1.5
