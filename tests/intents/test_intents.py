"""Intents through the real HTTP API: upsert by name, list, delete, isolation, validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import psycopg

from tests.conftest import Tenant
from tests.kit.problems import assert_problem, count_rows

INTENTS = "/chat/v1/intents"
DELIVERY = {"name": "delivery_area", "description": "Where we deliver.", "examples": ["do you ship to Pune?"]}


def test_post_creates_then_updates_by_name(client: httpx.Client, tenant: Tenant) -> None:
    r = client.post(INTENTS, json=DELIVERY, headers=tenant.headers())
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["object"] == "intent" and created["livemode"] is False
    assert {k: created[k] for k in DELIVERY} == DELIVERY

    # Same name: an update (200), fields left out keep their value.
    r = client.post(
        INTENTS, json={"name": "delivery_area", "examples": ["kya aap Pune bhejte ho?"]}, headers=tenant.headers()
    )
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["examples"] == ["kya aap Pune bhejte ho?"] and updated["description"] == "Where we deliver."
    assert updated["created_at"] == created["created_at"] and updated["updated_at"] > created["updated_at"]
    # The same again changes nothing, not even updated_at.
    again = client.post(
        INTENTS, json={"name": "delivery_area", "examples": ["kya aap Pune bhejte ho?"]}, headers=tenant.headers()
    )
    assert again.status_code == 200 and again.json() == updated

    assert client.get(f"{INTENTS}/delivery_area", headers=tenant.headers()).json() == updated
    listed = client.get(INTENTS, headers=tenant.headers()).json()
    assert listed["object"] == "list" and [i["name"] for i in listed["data"]] == ["delivery_area"]


def test_list_pages_by_creation(client: httpx.Client, tenant: Tenant) -> None:
    names = [f"intent_{n}" for n in range(5)]
    for name in names:
        assert client.post(INTENTS, json={"name": name}, headers=tenant.headers()).status_code == 201
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, "order": "asc", **({"cursor": cursor} if cursor else {})}
        page = client.get(INTENTS, params=params, headers=tenant.headers()).json()
        seen += [i["name"] for i in page["data"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert seen == names
    newest = client.get(INTENTS, params={"limit": 1}, headers=tenant.headers()).json()["data"]
    assert [i["name"] for i in newest] == ["intent_4"]


def test_delete(client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any]) -> None:
    client.post(INTENTS, json=DELIVERY, headers=tenant.headers())
    r = client.delete(f"{INTENTS}/delivery_area", headers=tenant.headers())
    assert r.status_code == 200 and r.json() == {"name": "delivery_area", "object": "intent", "deleted": True}
    assert_problem(client.get(f"{INTENTS}/delivery_area", headers=tenant.headers()), 404, "not_found")
    assert count_rows(admin_sql, "intents", tenant.tenant_id) == 0


def test_isolation_by_tenant_and_mode(
    client: httpx.Client, tenant: Tenant, make_tenant: Callable[[str], Tenant]
) -> None:
    client.post(INTENTS, json=DELIVERY, headers=tenant.headers())
    other = make_tenant("Other Store")
    for headers in (other.headers(), tenant.headers(live=True)):
        assert_problem(client.get(f"{INTENTS}/delivery_area", headers=headers), 404, "not_found")
        assert_problem(client.delete(f"{INTENTS}/delivery_area", headers=headers), 404, "not_found")
        assert client.get(INTENTS, headers=headers).json()["data"] == []
    # The same name in another tenant is that tenant's own intent.
    r = client.post(INTENTS, json={**DELIVERY, "description": "theirs"}, headers=other.headers())
    assert r.status_code == 201
    assert client.get(f"{INTENTS}/delivery_area", headers=tenant.headers()).json()["description"] == "Where we deliver."


def test_validation(client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any]) -> None:
    for body, field in (
        ({"description": "no name"}, "name"),
        ({"name": "Has Spaces"}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"name": "ok", "examples": "one"}, "examples"),
        ({"name": "ok", "examples": ["a", "a"]}, "examples"),
        ({"name": "ok", "examples": [""]}, "examples.0"),
    ):
        problem = assert_problem(client.post(INTENTS, json=body, headers=tenant.headers()), 422, "validation_failed")
        assert field in [e["field"] for e in problem["errors"]], problem
    assert count_rows(admin_sql, "intents", tenant.tenant_id) == 0
