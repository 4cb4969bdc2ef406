"""Tenant and mode isolation (contract section 2), proved at the HTTP API and in the database itself.

The SQL checks run as the service's own role (`app_sql`): it is what every request runs as,
so what it cannot see, no forgotten filter can leak.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Pg, Tenant
from tests.kit.problems import assert_problem

CONVERSATIONS = "/chat/v1/conversations"


def _tenant_tables(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute(
        """
        SELECT c.relname FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        ORDER BY 1
        """
    ).fetchall()
    return [r[0] for r in rows]


def _populate(client: httpx.Client, tenant: Tenant, live: bool = False) -> dict[str, str]:
    """One conversation with a message, an event, a contact, an idempotency key: a row in each table."""
    headers = tenant.headers(live=live, **{"Idempotency-Key": f"populate-{live}"})
    body = {"contact": {"external_id": "iso-1", "name": "Asha"}, "message": {"text": "hello"}}
    r = client.post(CONVERSATIONS, json=body, headers=headers)
    assert r.status_code == 201, r.text
    conv = r.json()
    return {"conversation_id": conv["id"], "message_id": conv["messages"][0]["id"], "contact_id": conv["contact"]["id"]}


@pytest.fixture
def two_tenants(client: httpx.Client, make_tenant: Callable[[str], Tenant]) -> tuple[Tenant, Tenant]:
    a, b = make_tenant("Isolation A"), make_tenant("Isolation B")
    for t in (a, b):
        _populate(client, t)
        _populate(client, t, live=True)
    return a, b


def test_another_tenants_ids_answer_404_like_missing_ones(
    client: httpx.Client, two_tenants: tuple[Tenant, Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    a, b = two_tenants
    conv = client.post(CONVERSATIONS, json={"message": {"text": "mine"}}, headers=a.headers()).json()
    cid = conv["id"]
    events = client.get("/chat/v1/events", params={"conversation_id": cid}, headers=a.headers()).json()["data"]
    event_id = events[0]["id"]
    before = admin_sql.execute("SELECT message_count, status FROM conversations WHERE id = %s", [cid]).fetchone()

    missing = assert_problem(
        client.get(f"{CONVERSATIONS}/cnv_01DOESNOTEXIST0000000000", headers=b.headers()), 404, "not_found"
    )
    probes = [
        client.get(f"{CONVERSATIONS}/{cid}", headers=b.headers()),
        client.get(f"{CONVERSATIONS}/{cid}/messages", headers=b.headers()),
        client.post(f"{CONVERSATIONS}/{cid}/messages", json={"role": "customer", "text": "x"}, headers=b.headers()),
        client.patch(f"{CONVERSATIONS}/{cid}", json={"metadata": {"x": 1}}, headers=b.headers()),
        client.post(f"{CONVERSATIONS}/{cid}/handoff", json={}, headers=b.headers()),
        client.post(f"{CONVERSATIONS}/{cid}/close", json={}, headers=b.headers()),
        client.get(f"/chat/v1/events/{event_id}", headers=b.headers()),
    ]
    for r in probes:
        body = assert_problem(r, 404, "not_found")
        assert body["title"] == missing["title"] and body["type"] == missing["type"]
    # Nothing was changed by the other tenant's attempts.
    after = admin_sql.execute("SELECT message_count, status FROM conversations WHERE id = %s", [cid]).fetchone()
    assert after == before
    msg_count = admin_sql.execute("SELECT count(*) FROM messages WHERE conversation_id = %s", [cid]).fetchone()
    assert msg_count == (1,)


def test_the_other_modes_ids_answer_404(client: httpx.Client, tenant: Tenant) -> None:
    test_conv = client.post(CONVERSATIONS, json={}, headers=tenant.headers()).json()
    live_conv = client.post(CONVERSATIONS, json={}, headers=tenant.headers(live=True)).json()
    assert test_conv["livemode"] is False and live_conv["livemode"] is True
    assert_problem(
        client.get(f"{CONVERSATIONS}/{test_conv['id']}", headers=tenant.headers(live=True)), 404, "not_found"
    )
    assert_problem(client.get(f"{CONVERSATIONS}/{live_conv['id']}", headers=tenant.headers()), 404, "not_found")
    r = client.post(
        f"{CONVERSATIONS}/{test_conv['id']}/messages",
        json={"role": "customer", "text": "x"},
        headers=tenant.headers(live=True),
    )
    assert_problem(r, 404, "not_found")
    # A live conversation cannot be given a test-mode agent either.
    r = client.post(CONVERSATIONS, json={"agent_id": tenant.agent_id}, headers=tenant.headers(live=True))
    assert_problem(r, 404, "not_found")


def test_lists_show_only_the_callers_tenant_and_mode(
    client: httpx.Client, two_tenants: tuple[Tenant, Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    a, b = two_tenants
    for tenant in (a, b):
        for live in (False, True):
            for path in (CONVERSATIONS, "/chat/v1/events"):
                data = client.get(path, params={"limit": 100}, headers=tenant.headers(live=live)).json()["data"]
                assert data, path
                assert all(item["livemode"] is live for item in data)
                ids = [item["id"] for item in data]
                table = "conversations" if path == CONVERSATIONS else "events"
                owners = admin_sql.execute(
                    f"SELECT DISTINCT tenant_id, livemode FROM {table} WHERE id = ANY(%s)", [ids]
                ).fetchall()
                assert owners == [(tenant.tenant_id, live)]


def test_the_app_role_sees_nothing_without_a_tenant(
    two_tenants: tuple[Tenant, Tenant], app_sql: psycopg.Connection[Any], admin_sql: psycopg.Connection[Any]
) -> None:
    tables = _tenant_tables(admin_sql)
    populated = {"tenants", "agents", "conversations", "messages", "events", "contacts", "api_keys", "idempotency_keys"}
    assert populated - {"tenants"} <= set(tables)
    for table in [*tables, "tenants"]:
        stored = admin_sql.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert stored is not None
        if table in populated:  # rows exist, so seeing none proves the wall
            assert stored[0] > 0, f"{table} is empty: the check below would prove nothing"
        visible = app_sql.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert visible == (0,), f"the app role sees {visible} rows of {table} without a tenant"


def test_the_app_role_sees_only_the_tenant_and_mode_set(
    two_tenants: tuple[Tenant, Tenant], app_sql: psycopg.Connection[Any], admin_sql: psycopg.Connection[Any]
) -> None:
    a, _ = two_tenants
    tables = _tenant_tables(admin_sql)
    for live in (False, True):
        with app_sql.transaction():
            app_sql.execute(
                "SELECT set_config('skchat.tenant_id', %s, true), set_config('skchat.livemode', %s, true)",
                [a.tenant_id, "true" if live else "false"],
            )
            for table in tables:
                row = app_sql.execute(
                    f"SELECT count(*), count(*) FILTER (WHERE tenant_id = %s AND livemode = %s) FROM {table}",
                    [a.tenant_id, live],
                ).fetchone()
                stored = admin_sql.execute(
                    f"SELECT count(*) FROM {table} WHERE tenant_id = %s AND livemode = %s", [a.tenant_id, live]
                ).fetchone()
                assert stored is not None and row is not None
                assert row[0] == row[1] == stored[0], (table, row, stored)
            tenants = app_sql.execute("SELECT id FROM tenants").fetchall()
            assert tenants == [(a.tenant_id,)]
        # set_config(..., true) ends with the transaction: nothing leaks into the next one.
        assert app_sql.execute("SELECT count(*) FROM conversations").fetchone() == (0,)


def test_every_tenant_table_has_forced_row_level_security(admin_sql: psycopg.Connection[Any]) -> None:
    tables = _tenant_tables(admin_sql)
    assert len(tables) >= 8
    rows = admin_sql.execute(
        """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
               (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname = ANY(%s)
        """,
        [[*tables, "tenants"]],
    ).fetchall()
    assert len(rows) == len(tables) + 1
    for name, enabled, forced, policies in rows:
        assert enabled and forced, f"{name}: rowsecurity={enabled} force={forced}"
        assert policies >= 1, name


def test_the_app_role_owns_nothing_and_cannot_bypass(pg: Pg, admin_sql: psycopg.Connection[Any]) -> None:
    role = admin_sql.execute(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s", [pg.app_role]
    ).fetchone()
    assert role == (False, False, False, False)
    owned = admin_sql.execute(
        """
        SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
        WHERE r.rolname = %s
        UNION ALL
        SELECT n.nspname FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE r.rolname = %s
        UNION ALL
        SELECT p.proname FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE r.rolname = %s
        """,
        [pg.app_role] * 3,
    ).fetchall()
    assert owned == []


def test_the_service_owner_role_is_not_a_superuser(pg: Pg, admin_sql: psycopg.Connection[Any]) -> None:
    with psycopg.connect(pg.owner_url, autocommit=True) as owner:
        row = owner.execute("SELECT session_user::text").fetchone()
        assert row is not None
        name = row[0]
        role = admin_sql.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [name]).fetchone()
        assert role == (False, False)
        # FORCEd RLS binds the owner too: without a tenant it sees no conversation either.
        assert owner.execute("SELECT count(*) FROM conversations").fetchone() == (0,)


def test_rows_of_another_tenant_cannot_be_written(
    two_tenants: tuple[Tenant, Tenant], app_sql: psycopg.Connection[Any], admin_sql: psycopg.Connection[Any]
) -> None:
    a, b = two_tenants

    def as_tenant_a(sql: str, args: list[Any]) -> None:
        with app_sql.transaction():
            app_sql.execute(
                "SELECT set_config('skchat.tenant_id', %s, true), set_config('skchat.livemode', 'false', true)",
                [a.tenant_id],
            )
            app_sql.execute(sql, args)

    insert = "INSERT INTO contacts (tenant_id, livemode, id, name) VALUES (%s, %s, %s, 'Intruder')"
    for args in ([b.tenant_id, False, "ctc_intruder_b"], [a.tenant_id, True, "ctc_intruder_live"]):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            as_tenant_a(insert, args)
    # Moving one of A's rows into B is refused too.
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        as_tenant_a("UPDATE contacts SET tenant_id = %s WHERE tenant_id = %s", [b.tenant_id, a.tenant_id])
    # Without any tenant set, nothing can be inserted at all.
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        app_sql.execute(insert, [a.tenant_id, False, "ctc_intruder_none"])
    stored = admin_sql.execute("SELECT count(*) FROM contacts WHERE name = 'Intruder'").fetchone()
    assert stored == (0,)
    # B's rows are untouched by an unfiltered UPDATE/DELETE run as A.
    before = admin_sql.execute("SELECT count(*) FROM contacts WHERE tenant_id = %s", [b.tenant_id]).fetchone()
    as_tenant_a("UPDATE contacts SET name = 'Renamed'", [])
    as_tenant_a("DELETE FROM events", [])
    assert admin_sql.execute(
        "SELECT count(*) FROM contacts WHERE name = 'Renamed' AND tenant_id <> %s", [a.tenant_id]
    ).fetchone() == (0,)
    assert admin_sql.execute("SELECT count(*) FROM contacts WHERE tenant_id = %s", [b.tenant_id]).fetchone() == before
    assert admin_sql.execute("SELECT count(*) FROM events WHERE tenant_id = %s", [b.tenant_id]).fetchone() != (0,)
