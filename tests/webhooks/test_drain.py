"""A backlog drains by itself, batch after batch, without waiting for the worker's poll."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import Pg, ServerThread, Tenant
from tests.webhooks.conftest import subscribe, worker_settings
from tests.webhooks.receiver import Receiver

BACKLOG = 40


@pytest.fixture(scope="module")
def slow_polling_server(pg: Pg) -> Iterator[ServerThread]:
    # Fewer slots in all than two endpoint batches, so claims are cut short by the free slots as well
    # as by the endpoint's quota; and a poll so rare that only the worker's own claim triggers can
    # drain a backlog within the test.
    settings = worker_settings(
        pg, webhook_concurrency=3, webhook_per_endpoint_concurrency=2, webhook_poll_interval_s=120.0
    )
    with ServerThread(settings, pg.owner_url, run_worker=True) as running:
        yield running


def test_a_released_backlog_drains_without_polling(
    slow_polling_server: ServerThread, tenant: Tenant, receiver: Receiver
) -> None:
    with httpx.Client(base_url=slow_polling_server.base_url, timeout=30) as client:
        endpoint = subscribe(client, tenant, receiver.url + "/backlog", ["chat.conversation.created"])
        client.patch(  # its deliveries are held until it is enabled again
            f"/chat/v1/webhook_endpoints/{endpoint['id']}", json={"disabled": True}, headers=tenant.headers()
        ).raise_for_status()
        created = {
            client.post("/chat/v1/conversations", json={}, headers=tenant.headers()).json()["id"]
            for _ in range(BACKLOG)
        }
        assert receiver.requests("/backlog") == []

        client.patch(
            f"/chat/v1/webhook_endpoints/{endpoint['id']}", json={"disabled": False}, headers=tenant.headers()
        ).raise_for_status()
        got = receiver.wait_for(BACKLOG, "/backlog", timeout=20)

    delivered = [json.loads(request.body)["conversation_id"] for request in got]
    assert sorted(delivered) == sorted(created)  # each once
