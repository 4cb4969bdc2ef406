"""An event is stored in the same transaction as the change that caused it (contract section 4).

A trigger makes the event INSERT fail after the change's own rows were written; the request
must then fail as a whole: no message, no event, no counter bumped, no sequence number used.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Tenant
from tests.kit.problems import assert_problem, count_rows

CONVERSATIONS = "/chat/v1/conversations"


@pytest.fixture
def failing_events(admin_sql: psycopg.Connection[Any]) -> Iterator[str]:
    """A marker string: any event whose data contains it fails to insert, while the trigger is installed."""
    marker = f"boom-{secrets.token_hex(6)}"
    name = f"fail_{marker.replace('-', '_')}"
    admin_sql.execute(
        f"""
        CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            IF NEW.data::text LIKE '%{marker}%' THEN
                RAISE EXCEPTION 'injected failure after the change';
            END IF;
            RETURN NEW;
        END
        $f$;
        CREATE TRIGGER {name} BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION {name}();
        """
    )
    try:
        yield marker
    finally:
        admin_sql.execute(f"DROP TRIGGER IF EXISTS {name} ON events; DROP FUNCTION IF EXISTS {name}();")


def _conversation_row(admin: psycopg.Connection[Any], conversation_id: str) -> tuple[Any, ...]:
    row = admin.execute(
        "SELECT message_count, event_seq, status, updated_at FROM conversations WHERE id = %s", [conversation_id]
    ).fetchone()
    assert row is not None
    return tuple(row)


def test_a_failing_event_rolls_back_the_message(
    client: httpx.Client,
    make_tenant: Callable[[str], Tenant],
    admin_sql: psycopg.Connection[Any],
    failing_events: str,
) -> None:
    tenant = make_tenant("Atomic message")
    conv = client.post(CONVERSATIONS, json={"message": {"text": "first"}}, headers=tenant.headers()).json()
    cid = conv["id"]
    before = _conversation_row(admin_sql, cid)
    events_before = count_rows(admin_sql, "events", tenant.tenant_id)

    r = client.post(
        f"{CONVERSATIONS}/{cid}/messages",
        json={"role": "customer", "text": f"please fail {failing_events}"},
        headers=(tenant.headers() | {"Idempotency-Key": "atomic-1"}),
    )
    assert r.status_code in (500, 503), r.text
    body = assert_problem(r, r.status_code, "internal_error" if r.status_code == 500 else "unavailable")
    assert "injected failure" not in r.text and "plpgsql" not in r.text.lower()
    assert body["request_id"].startswith("req_")

    assert admin_sql.execute(
        "SELECT count(*) FROM messages WHERE conversation_id = %s AND text LIKE %s", [cid, f"%{failing_events}%"]
    ).fetchone() == (0,)
    assert count_rows(admin_sql, "messages", tenant.tenant_id) == 1
    assert count_rows(admin_sql, "events", tenant.tenant_id) == events_before
    assert _conversation_row(admin_sql, cid) == before
    # The failed request released its Idempotency-Key: nothing was written, so nothing is replayed.
    assert count_rows(admin_sql, "idempotency_keys", tenant.tenant_id) == 0

    # The connection went back to the pool clean, and the next message's event takes the next sequence number.
    ok = client.post(
        f"{CONVERSATIONS}/{cid}/messages",
        json={"role": "customer", "text": "second"},
        headers=(tenant.headers() | {"Idempotency-Key": "atomic-1"}),
    )
    assert ok.status_code == 201, ok.text
    events = client.get(
        "/chat/v1/events", params={"conversation_id": cid, "order": "asc"}, headers=tenant.headers()
    ).json()["data"]
    assert [e["sequence"] for e in events] == [1, 2, 3]
    assert events[-1]["message_id"] == ok.json()["id"]


def test_a_failing_event_rolls_back_a_new_conversation(
    client: httpx.Client,
    make_tenant: Callable[[str], Tenant],
    admin_sql: psycopg.Connection[Any],
    failing_events: str,
) -> None:
    tenant = make_tenant("Atomic create")
    before = {
        t: count_rows(admin_sql, t, tenant.tenant_id) for t in ("conversations", "contacts", "messages", "events")
    }
    r = client.post(
        CONVERSATIONS,
        json={"contact": {"external_id": "atomic"}, "message": {"text": failing_events}},
        headers=tenant.headers(),
    )
    assert_problem(r, 500, "internal_error")
    after = {t: count_rows(admin_sql, t, tenant.tenant_id) for t in before}
    assert after == before


def test_a_failing_event_rolls_back_a_state_change(
    client: httpx.Client,
    make_tenant: Callable[[str], Tenant],
    admin_sql: psycopg.Connection[Any],
    failing_events: str,
) -> None:
    tenant = make_tenant("Atomic handoff")
    cid = client.post(CONVERSATIONS, json={}, headers=tenant.headers()).json()["id"]
    before = _conversation_row(admin_sql, cid)
    r = client.post(f"{CONVERSATIONS}/{cid}/handoff", json={"reason": failing_events}, headers=tenant.headers())
    assert_problem(r, 500, "internal_error")
    assert _conversation_row(admin_sql, cid) == before
    got = client.get(f"{CONVERSATIONS}/{cid}", headers=tenant.headers()).json()
    assert got["status"] == "open" and got["ai_active"] is True
