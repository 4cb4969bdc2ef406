"""A server with the delivery worker running, on short retry delays, and a loopback receiver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from skchat.config import Settings
from tests.conftest import Pg, ServerThread, Tenant, make_settings
from tests.webhooks.receiver import Receiver

# The contract's schedule, shortened for tests except its second step: "fails once, then the
# same webhook-id again after about 5 s" is tested in real time.
SCHEDULE = [0, 5, 0.3, 0.3, 0.3]


def worker_settings(pg: Pg, **overrides: Any) -> Settings:
    """A delivery worker on short delays: 2 s timeouts, 8 slots of which at most 4 per endpoint."""
    values: dict[str, Any] = {
        "webhook_retry_schedule_s": SCHEDULE,
        "webhook_timeout_s": 2.0,
        "webhook_poll_interval_s": 0.2,
        "webhook_concurrency": 8,
        "webhook_per_endpoint_concurrency": 4,
        **overrides,
    }
    return make_settings(pg, **values)


def subscribe(client: httpx.Client, tenant: Tenant, url: str, events: list[str] | None = None) -> dict:  # type: ignore[type-arg]
    """Create an endpoint for `url` (all event types unless `events`); return it as created."""
    r = client.post(
        "/chat/v1/webhook_endpoints", json={"url": url, "events": events or ["*"]}, headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    endpoint: dict = r.json()  # type: ignore[type-arg]
    assert endpoint["secret"].startswith("whsec_")
    return endpoint


@pytest.fixture(scope="module")
def webhook_server(pg: Pg) -> Iterator[ServerThread]:
    with ServerThread(worker_settings(pg), pg.owner_url, run_worker=True) as running:
        yield running


@pytest.fixture
def wclient(webhook_server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=webhook_server.base_url, timeout=30) as c:
        yield c


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()
