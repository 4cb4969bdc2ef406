"""Idempotency-Key (contract section 2): one write per key, replayed answers, under concurrency too."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import psycopg

from skchat.kit.idempotency import fingerprint
from tests.conftest import Tenant
from tests.kit.problems import assert_problem, count_rows

CONVERSATIONS = "/chat/v1/conversations"


def created_events(admin: psycopg.Connection[Any], tenant_id: str) -> int:
    row = admin.execute(
        "SELECT count(*) FROM events WHERE tenant_id = %s AND type = 'chat.conversation.created'", [tenant_id]
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_same_key_same_body_replays_the_first_answer_and_writes_once(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Idem replay")
    body = {"metadata": {"order": "A-1"}, "contact": {"external_id": "u-1"}, "message": {"text": "hello"}}
    headers = tenant.headers() | {"Idempotency-Key": "order-A-1"}

    first = client.post(CONVERSATIONS, json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    # Same JSON value, other key order and spacing: the same request.
    again = client.post(
        CONVERSATIONS,
        content=json.dumps(dict(reversed(list(body.items()))), indent=2),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.json() == first.json()
    assert again.headers["x-request-id"] != first.headers["x-request-id"]

    assert count_rows(admin_sql, "conversations", tenant.tenant_id) == 1
    assert count_rows(admin_sql, "messages", tenant.tenant_id) == 1
    assert created_events(admin_sql, tenant.tenant_id) == 1


def test_same_key_other_body_or_path_or_method_is_rejected(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Idem reuse")
    headers = tenant.headers() | {"Idempotency-Key": "k-reuse"}
    first = client.post(CONVERSATIONS, json={"metadata": {"n": 1}}, headers=headers)
    assert first.status_code == 201
    conversation_id = first.json()["id"]

    other_body = client.post(CONVERSATIONS, json={"metadata": {"n": 2}}, headers=headers)
    assert_problem(other_body, 422, "idempotency_key_reused")
    other_path = client.post(
        f"{CONVERSATIONS}/{conversation_id}/messages", json={"role": "customer", "text": "x"}, headers=headers
    )
    assert_problem(other_path, 422, "idempotency_key_reused")
    other_method = client.patch(f"{CONVERSATIONS}/{conversation_id}", json={"metadata": {"n": 1}}, headers=headers)
    assert_problem(other_method, 422, "idempotency_key_reused")

    assert count_rows(admin_sql, "conversations", tenant.tenant_id) == 1
    assert count_rows(admin_sql, "messages", tenant.tenant_id) == 0
    got = client.get(f"{CONVERSATIONS}/{conversation_id}", headers=tenant.headers()).json()
    assert got["metadata"] == {"n": 1}
    # The original is still replayable after the refusals.
    replay = client.post(CONVERSATIONS, json={"metadata": {"n": 1}}, headers=headers)
    assert replay.status_code == 201 and replay.json()["id"] == conversation_id


def test_a_request_that_failed_validation_is_not_stored(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Idem invalid first")
    headers = tenant.headers() | {"Idempotency-Key": "k-invalid-first"}
    bad = client.post(CONVERSATIONS, json={"channel": "carrier-pigeon"}, headers=headers)
    assert_problem(bad, 422, "validation_failed")
    assert count_rows(admin_sql, "idempotency_keys", tenant.tenant_id) == 0

    good = client.post(CONVERSATIONS, json={"channel": "widget"}, headers=headers)
    assert good.status_code == 201, good.text
    assert "idempotent-replayed" not in good.headers
    assert good.json()["channel"] == "widget"
    assert count_rows(admin_sql, "conversations", tenant.tenant_id) == 1


def test_a_failed_write_releases_its_key(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Idem 404 first")
    headers = tenant.headers() | {"Idempotency-Key": "k-missing-agent"}
    missing = client.post(CONVERSATIONS, json={"agent_id": "agt_nope"}, headers=headers)
    assert_problem(missing, 404, "not_found")
    assert count_rows(admin_sql, "idempotency_keys", tenant.tenant_id) == 0
    good = client.post(CONVERSATIONS, json={"agent_id": tenant.agent_id}, headers=headers)
    assert good.status_code == 201, good.text


async def _race(base_url: str, headers: dict[str, str], body: dict[str, Any], n: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as ac:
        return list(await asyncio.gather(*(ac.post(CONVERSATIONS, json=body, headers=headers) for _ in range(n))))


def test_concurrent_requests_with_one_key_make_exactly_one_write(
    base_url: str, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Idem race")
    headers = tenant.headers() | {"Idempotency-Key": "k-race"}
    body = {"contact": {"external_id": "racer"}, "message": {"text": "first!"}}
    responses = asyncio.run(_race(base_url, headers, body, 20))

    ids = set()
    for r in responses:
        if r.status_code == 201:
            ids.add(r.json()["id"])
        else:
            assert_problem(r, 409, "idempotency_key_in_use")
    assert len(ids) == 1, [r.status_code for r in responses]
    originals = [r for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers]
    assert len(originals) == 1
    assert count_rows(admin_sql, "conversations", tenant.tenant_id) == 1
    assert count_rows(admin_sql, "messages", tenant.tenant_id) == 1
    assert created_events(admin_sql, tenant.tenant_id) == 1

    # Once the dust settles, the key replays the one answer.
    with httpx.Client(base_url=base_url, timeout=30) as c:
        late = c.post(CONVERSATIONS, json=body, headers=headers)
    assert late.status_code == 201 and late.headers["idempotent-replayed"] == "true"
    assert late.json()["id"] in ids


def test_keys_are_per_tenant_and_mode(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    a, b = make_tenant("Idem scope A"), make_tenant("Idem scope B")
    key = {"Idempotency-Key": "shared-key"}
    results = [
        client.post(CONVERSATIONS, json={}, headers=(a.headers() | key)),
        client.post(CONVERSATIONS, json={}, headers=(a.headers(live=True) | key)),
        client.post(CONVERSATIONS, json={}, headers=(b.headers() | key)),
    ]
    assert [r.status_code for r in results] == [201, 201, 201]
    assert all("idempotent-replayed" not in r.headers for r in results)
    assert len({r.json()["id"] for r in results}) == 3
    assert [r.json()["livemode"] for r in results] == [False, True, False]
    # A different body under the same key elsewhere is not a reuse either.
    other = client.post(CONVERSATIONS, json={"channel": "widget"}, headers=(b.headers(live=True) | key))
    assert other.status_code == 201
    assert count_rows(admin_sql, "conversations", a.tenant_id) == 2
    assert count_rows(admin_sql, "conversations", b.tenant_id) == 2


def test_invalid_keys_are_refused_before_any_write(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Idem bad keys")
    auth = f"Bearer {tenant.test_key}".encode()
    for bad in [b"k" * 256, "café".encode(), b"tab\there", b""]:
        r = client.post(CONVERSATIONS, json={}, headers=[(b"authorization", auth), (b"idempotency-key", bad)])
        assert_problem(r, 400, "invalid_request")
    assert count_rows(admin_sql, "conversations", tenant.tenant_id) == 0
    assert count_rows(admin_sql, "idempotency_keys", tenant.tenant_id) == 0
    longest = client.post(CONVERSATIONS, json={}, headers=(tenant.headers() | {"Idempotency-Key": "~" * 255}))
    assert longest.status_code == 201


def _claim_row(admin: psycopg.Connection[Any], tenant: Tenant, key: str, body: bytes, age_s: float) -> None:
    admin.execute(
        """
        INSERT INTO idempotency_keys (tenant_id, livemode, key, method, path, fingerprint, state, created_at, locked_at)
        VALUES (%s, false, %s, 'POST', %s, %s, 'running',
                clock_timestamp() - make_interval(secs => %s), clock_timestamp() - make_interval(secs => %s))
        """,
        [tenant.tenant_id, key, CONVERSATIONS, fingerprint("POST", CONVERSATIONS, body), age_s, age_s],
    )


def test_a_key_still_running_answers_409(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Idem in flight")
    _claim_row(admin_sql, tenant, "k-running", b'{"channel": "api"}', age_s=0)
    r = client.post(
        CONVERSATIONS, json={"channel": "api"}, headers=(tenant.headers() | {"Idempotency-Key": "k-running"})
    )
    assert_problem(r, 409, "idempotency_key_in_use")
    assert count_rows(admin_sql, "conversations", tenant.tenant_id) == 0
    # The refusal did not release someone else's claim.
    assert count_rows(admin_sql, "idempotency_keys", tenant.tenant_id) == 1


def test_an_abandoned_claim_is_taken_over(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Idem abandoned")
    _claim_row(admin_sql, tenant, "k-crashed", b'{"channel": "api"}', age_s=120)  # older than the 60 s lock timeout
    r = client.post(
        CONVERSATIONS, json={"channel": "api"}, headers=(tenant.headers() | {"Idempotency-Key": "k-crashed"})
    )
    assert r.status_code == 201, r.text
    assert count_rows(admin_sql, "conversations", tenant.tenant_id) == 1


def test_a_key_expires_after_24_hours(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Idem expiry")
    headers = tenant.headers() | {"Idempotency-Key": "k-old"}
    first = client.post(CONVERSATIONS, json={}, headers=headers)
    assert first.status_code == 201
    admin_sql.execute(
        "UPDATE idempotency_keys SET created_at = created_at - interval '25 hours' WHERE tenant_id = %s",
        [tenant.tenant_id],
    )
    later = client.post(CONVERSATIONS, json={"channel": "widget"}, headers=headers)
    assert later.status_code == 201, later.text
    assert "idempotent-replayed" not in later.headers
    assert later.json()["id"] != first.json()["id"]
    assert count_rows(admin_sql, "conversations", tenant.tenant_id) == 2


def test_reads_ignore_the_key(client: httpx.Client, tenant: Tenant) -> None:
    headers = tenant.headers() | {"Idempotency-Key": "k-get"}
    assert client.get(CONVERSATIONS, headers=headers).status_code == 200
    assert client.post(CONVERSATIONS, json={}, headers=headers).status_code == 201
    r = client.get(CONVERSATIONS, headers=headers)
    assert r.status_code == 200 and "idempotent-replayed" not in r.headers
