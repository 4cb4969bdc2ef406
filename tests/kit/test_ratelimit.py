"""Per-key rate limits (contract section 1): 429 with Retry-After and RateLimit-* headers, per key."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Pg, ServerThread, Tenant, make_settings
from tests.kit.problems import assert_problem, count_rows

CONVERSATIONS = "/chat/v1/conversations"


@pytest.fixture(scope="module")
def limited(pg: Pg) -> Iterator[httpx.Client]:
    """A second server allowing each key a burst of 3, then one request a second."""
    settings = make_settings(pg, rate_limit_per_second=1, rate_limit_burst=3)
    with ServerThread(settings, pg.owner_url) as server, httpx.Client(base_url=server.base_url, timeout=30) as c:
        yield c


def test_the_fourth_quick_request_is_429(
    limited: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Rate limited")
    first = [limited.get(CONVERSATIONS, headers=tenant.headers()) for _ in range(3)]
    assert [r.status_code for r in first] == [200, 200, 200]
    assert [r.headers["ratelimit-limit"] for r in first] == ["3", "3", "3"]
    assert [int(r.headers["ratelimit-remaining"]) for r in first] == [2, 1, 0]
    assert all("retry-after" not in r.headers for r in first)

    refused = limited.get(CONVERSATIONS, headers=tenant.headers())
    assert_problem(refused, 429, "rate_limited")
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit-limit"] == "3"
    assert refused.headers["ratelimit-remaining"] == "0"
    assert int(refused.headers["ratelimit-reset"]) >= 1

    # Writes are limited too, and a refused write writes nothing.
    write = limited.post(CONVERSATIONS, json={}, headers=tenant.headers())
    assert_problem(write, 429, "rate_limited")
    assert count_rows(admin_sql, "conversations", tenant.tenant_id) == 0

    # The key's other-mode sibling and other tenants' keys have buckets of their own.
    assert limited.get(CONVERSATIONS, headers=tenant.headers(live=True)).status_code == 200
    other = make_tenant("Not rate limited")
    assert limited.get(CONVERSATIONS, headers=other.headers()).status_code == 200
    assert limited.get(CONVERSATIONS, headers=tenant.headers()).status_code == 429


def test_the_bucket_refills(limited: httpx.Client, make_tenant: Callable[[str], Tenant]) -> None:
    tenant = make_tenant("Rate refill")
    for _ in range(3):
        assert limited.get(CONVERSATIONS, headers=tenant.headers()).status_code == 200
    refused = limited.get(CONVERSATIONS, headers=tenant.headers())
    assert refused.status_code == 429
    time.sleep(float(refused.headers["retry-after"]) + 0.1)
    assert limited.get(CONVERSATIONS, headers=tenant.headers()).status_code == 200
