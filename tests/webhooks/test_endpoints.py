"""The webhook endpoints API: subscribing, validation, SSRF rules, pausing, redelivery."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from skchat.webhooks.transport import BlockedAddress, PublicOnlyResolver, check_literal
from tests.conftest import Tenant
from tests.webhooks.receiver import Receiver


def create(client: httpx.Client, tenant: Tenant, body: dict, live: bool = False) -> httpx.Response:  # type: ignore[type-arg]
    return client.post("/chat/v1/webhook_endpoints", json=body, headers=tenant.headers(live=live))


def test_crud_and_the_secret_is_shown_only_at_creation(wclient: httpx.Client, tenant: Tenant) -> None:
    r = create(wclient, tenant, {"url": "http://127.0.0.1:9/x", "events": ["chat.message.sent"], "description": "d"})
    assert r.status_code == 201, r.text
    endpoint = r.json()
    assert endpoint["id"].startswith("whe_") and endpoint["object"] == "webhook_endpoint"
    assert endpoint["livemode"] is False and endpoint["disabled"] is False
    assert endpoint["events"] == ["chat.message.sent"] and endpoint["description"] == "d"
    path = f"/chat/v1/webhook_endpoints/{endpoint['id']}"
    got = wclient.get(path, headers=tenant.headers()).json()
    assert "secret" not in got
    listed = wclient.get("/chat/v1/webhook_endpoints", headers=tenant.headers()).json()
    assert [e["id"] for e in listed["data"]] == [endpoint["id"]]
    assert all("secret" not in e or e["secret"] is None for e in listed["data"])

    patched = wclient.patch(path, json={"events": ["*"], "disabled": True}, headers=tenant.headers()).json()
    assert patched["events"] == ["*"] and patched["disabled"] is True and patched["disabled_reason"] == "manual"
    resumed = wclient.patch(path, json={"disabled": False}, headers=tenant.headers()).json()
    assert resumed["disabled"] is False and resumed["disabled_reason"] is None

    deleted = wclient.delete(path, headers=tenant.headers())
    assert deleted.json() == {"id": endpoint["id"], "object": "webhook_endpoint", "deleted": True}
    assert wclient.get(path, headers=tenant.headers()).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://example.com/x", "events": ["*"]},
        {"url": "not a url", "events": ["*"]},
        {"url": "https://user:pw@example.com/x", "events": ["*"]},
        {"url": "https://example.com/x", "events": []},
        {"url": "https://example.com/x", "events": ["chat.nope"]},
        {"url": "https://example.com/x"},
        {"url": "https://example.com/x", "events": ["*"], "extra": 1},
    ],
)
def test_bad_endpoints_are_refused(wclient: httpx.Client, tenant: Tenant, body: dict) -> None:  # type: ignore[type-arg]
    r = create(wclient, tenant, body)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "validation_failed"
    assert wclient.get("/chat/v1/webhook_endpoints", headers=tenant.headers()).json()["data"] == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
        "http://192.168.0.10/x",
    ],
)
def test_live_mode_refuses_private_addresses_test_mode_allows_loopback(
    wclient: httpx.Client, tenant: Tenant, url: str
) -> None:
    live = create(wclient, tenant, {"url": url, "events": ["*"]}, live=True)
    assert live.status_code == 422, live.text
    assert "private" in live.json()["detail"]
    assert create(wclient, tenant, {"url": url, "events": ["*"]}).status_code == 201


def test_the_delivery_time_guard_blocks_private_addresses() -> None:
    with pytest.raises(BlockedAddress):
        check_literal("http://127.0.0.1:8080/x")
    with pytest.raises(BlockedAddress):
        check_literal("http://[::ffff:10.0.0.1]/x")
    check_literal("http://93.184.216.34/x")  # a public address passes

    async def resolve_localhost() -> None:
        resolver = PublicOnlyResolver()
        try:
            await resolver.resolve("localhost", 80)
        finally:
            await resolver.close()

    with pytest.raises(BlockedAddress):
        asyncio.run(resolve_localhost())


def test_webhooks_need_the_webhooks_manage_scope(wclient: httpx.Client, tenant: Tenant) -> None:
    key = wclient.post("/chat/v1/api_keys", json={"scopes": ["conversations:read"]}, headers=tenant.headers()).json()[
        "key"
    ]
    r = wclient.get("/chat/v1/webhook_endpoints", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


def test_other_tenant_and_other_mode_get_404(
    wclient: httpx.Client,
    tenant: Tenant,
    make_tenant,
    receiver: Receiver,  # type: ignore[no-untyped-def]
) -> None:
    endpoint = create(wclient, tenant, {"url": receiver.url, "events": ["*"]}).json()
    other = make_tenant("Other")
    path = f"/chat/v1/webhook_endpoints/{endpoint['id']}"
    assert wclient.get(path, headers=other.headers()).status_code == 404
    assert wclient.get(path, headers=tenant.headers(live=True)).status_code == 404
    assert wclient.post(path + "/rotate_secret", json={}, headers=other.headers()).status_code == 404


def test_redeliver_sends_an_event_again_and_deliveries_lists_the_attempts(
    wclient: httpx.Client, tenant: Tenant, receiver: Receiver
) -> None:
    endpoint = create(wclient, tenant, {"url": receiver.url + "/re", "events": ["chat.conversation.created"]}).json()
    wclient.post("/chat/v1/conversations", json={}, headers=tenant.headers())
    (first,) = receiver.wait_for(1, "/re")
    event_id = first.headers["webhook-id"]
    r = wclient.post(f"/chat/v1/events/{event_id}/redeliver", json={}, headers=tenant.headers())
    assert r.status_code == 202, r.text
    assert r.json() == {"object": "redelivery", "event_id": event_id, "endpoint_ids": [endpoint["id"]]}
    second = receiver.wait_for(2, "/re")[1]
    assert second.headers["webhook-id"] == event_id and second.body == first.body
    time.sleep(0.3)
    attempts = wclient.get(f"/chat/v1/events/{event_id}/deliveries", headers=tenant.headers()).json()
    assert [a["status_code"] for a in attempts["data"]] == [200, 200]
    assert wclient.post("/chat/v1/events/evt_nope/redeliver", json={}, headers=tenant.headers()).status_code == 404
    assert wclient.get("/chat/v1/events/evt_nope/deliveries", headers=tenant.headers()).status_code == 404


def test_metrics_count_attempts(wclient: httpx.Client, tenant: Tenant, receiver: Receiver) -> None:
    create(wclient, tenant, {"url": receiver.url + "/m", "events": ["chat.conversation.created"]})
    wclient.post("/chat/v1/conversations", json={}, headers=tenant.headers())
    receiver.wait_for(1, "/m")
    time.sleep(0.5)
    text = wclient.get("/metrics").text
    assert 'skchat_webhook_attempts_total{outcome="success"}' in text
    assert "skchat_webhook_delivery_latency_seconds_bucket" in text
    assert "skchat_webhook_queue_depth" in text
    body = json.loads(receiver.requests("/m")[0].body)
    assert body["type"] == "chat.conversation.created"
