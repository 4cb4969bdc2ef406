"""API keys through the real HTTP API: issued once, listed without secrets, revoked at once."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg

from tests.conftest import Tenant

KEYS = "/chat/v1/api_keys"


def problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["code"] == code, body
    return body


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_create_shows_the_key_once_and_it_works(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    r = client.post(
        KEYS, json={"name": "Zapier", "scopes": ["conversations:write", "conversations:read"]}, headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["id"].startswith("key_") and created["object"] == "api_key"
    assert created["name"] == "Zapier" and created["livemode"] is False
    assert created["scopes"] == ["conversations:read", "conversations:write"]
    key = created["key"]
    assert key.startswith("sk_test_") and len(key) >= 8 + 32 and created["last4"] == key[-4:]

    conv = client.post("/chat/v1/conversations", json={}, headers=bearer(key))
    assert conv.status_code == 201, conv.text
    assert client.get(f"/chat/v1/conversations/{conv.json()['id']}", headers=tenant.headers()).status_code == 200

    listed = client.get(KEYS, headers=tenant.headers())
    assert listed.status_code == 200
    mine = [k for k in listed.json()["data"] if k["id"] == created["id"]]
    assert len(mine) == 1
    assert mine[0].get("key") is None and mine[0]["last4"] == key[-4:]
    assert key not in listed.text and key[8:] not in listed.text
    # Not stored either: only a keyed hash.
    stored = admin_sql.execute(
        "SELECT count(*) FROM api_keys WHERE row_to_json(api_keys)::text LIKE %s", [f"%{key[8:]}%"]
    ).fetchone()
    assert stored == (0,)


def test_list_walks_with_cursor(client: httpx.Client, tenant: Tenant) -> None:
    made = [client.post(KEYS, json={"name": f"k{i}"}, headers=tenant.headers()).json()["id"] for i in range(3)]
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        body = client.get(KEYS, params=params, headers=tenant.headers()).json()
        assert len(body["data"]) <= 2 and all(k.get("key") is None for k in body["data"])
        seen += [k["id"] for k in body["data"]]
        if not body["has_more"]:
            break
        params["cursor"] = body["next_cursor"]
    assert seen[:3] == list(reversed(made)) and len(seen) == 4  # plus the tenant's default test key
    assert len(set(seen)) == 4


def test_revoked_key_gets_401_on_the_very_next_request(client: httpx.Client, tenant: Tenant) -> None:
    created = client.post(KEYS, json={"name": "temp"}, headers=tenant.headers()).json()
    assert client.get("/chat/v1/conversations", headers=bearer(created["key"])).status_code == 200
    r = client.delete(f"{KEYS}/{created['id']}", headers=tenant.headers())
    assert r.status_code == 200, r.text
    assert r.json() == {"id": created["id"], "object": "api_key", "deleted": True}
    problem(client.get("/chat/v1/conversations", headers=bearer(created["key"])), 401, "unauthenticated")
    assert created["id"] not in [k["id"] for k in client.get(KEYS, headers=tenant.headers()).json()["data"]]
    problem(client.delete(f"{KEYS}/{created['id']}", headers=tenant.headers()), 404, "not_found")


def test_a_key_can_revoke_itself(client: httpx.Client, tenant: Tenant) -> None:
    created = client.post(KEYS, json={}, headers=tenant.headers()).json()
    assert client.delete(f"{KEYS}/{created['id']}", headers=bearer(created["key"])).status_code == 200
    problem(client.get(KEYS, headers=bearer(created["key"])), 401, "unauthenticated")


def test_keys_are_made_in_the_creators_mode_only(client: httpx.Client, tenant: Tenant) -> None:
    test_made = client.post(KEYS, json={}, headers=tenant.headers()).json()
    assert test_made["livemode"] is False and test_made["key"].startswith("sk_test_")
    problem(client.post(KEYS, json={"livemode": True}, headers=tenant.headers()), 422, "validation_failed")
    live_made = client.post(KEYS, json={}, headers=tenant.headers(live=True)).json()
    assert live_made["livemode"] is True and live_made["key"].startswith("sk_live_")
    # Each mode lists and revokes only its own keys.
    test_ids = [k["id"] for k in client.get(KEYS, headers=tenant.headers()).json()["data"]]
    assert test_made["id"] in test_ids and live_made["id"] not in test_ids
    problem(client.delete(f"{KEYS}/{live_made['id']}", headers=tenant.headers()), 404, "not_found")
    # And a test key's data is test data.
    conv = client.post("/chat/v1/conversations", json={}, headers=bearer(test_made["key"])).json()
    assert conv["livemode"] is False
    problem(client.get(f"/chat/v1/conversations/{conv['id']}", headers=bearer(live_made["key"])), 404, "not_found")


def test_a_key_cannot_grant_scopes_it_lacks(client: httpx.Client, tenant: Tenant) -> None:
    manager = client.post(KEYS, json={"scopes": ["keys:manage", "conversations:read"]}, headers=tenant.headers()).json()
    before = client.get(KEYS, params={"limit": 100}, headers=tenant.headers()).json()["data"]
    r = client.post(KEYS, json={"scopes": ["conversations:write"]}, headers=bearer(manager["key"]))
    problem(r, 403, "forbidden")
    assert client.get(KEYS, params={"limit": 100}, headers=tenant.headers()).json()["data"] == before
    # Without scopes, a key gets its creator's scopes, not all of them.
    child = client.post(KEYS, json={}, headers=bearer(manager["key"]))
    assert child.status_code == 201 and child.json()["scopes"] == ["conversations:read", "keys:manage"]
    problem(client.post(KEYS, json={"scopes": ["everything"]}, headers=tenant.headers()), 422, "validation_failed")


def test_a_read_only_key_is_forbidden_to_write(client: httpx.Client, tenant: Tenant) -> None:
    reader = client.post(KEYS, json={"scopes": ["conversations:read"]}, headers=tenant.headers()).json()
    r = client.post("/chat/v1/conversations", json={"message": {"text": "hi"}}, headers=bearer(reader["key"]))
    problem(r, 403, "forbidden")
    assert client.get("/chat/v1/conversations", headers=bearer(reader["key"])).json()["data"] == []
    problem(client.get(KEYS, headers=bearer(reader["key"])), 403, "forbidden")
    problem(client.post(KEYS, json={}, headers=bearer(reader["key"])), 403, "forbidden")


def test_a_key_revoked_by_another_process_is_refused_at_once(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    """This server remembers the key's tenant and scopes; whether it is still valid it asks the database."""
    created = client.post(KEYS, json={"name": "elsewhere"}, headers=tenant.headers()).json()
    key = created["key"]
    conv = client.post("/chat/v1/conversations", json={}, headers=bearer(key))
    assert conv.status_code == 201, conv.text
    messages = f"/chat/v1/conversations/{conv.json()['id']}/messages"
    assert client.get(messages, headers=bearer(key)).status_code == 200
    # Revoked as another API process would, without this one hearing of it.
    admin_sql.execute("UPDATE api_keys SET revoked_at = now() WHERE id = %s", [created["id"]])
    customer = {"role": "customer", "text": "Still there?"}
    problem(client.get(messages, headers=bearer(key)), 401, "unauthenticated")
    problem(client.post(messages, json=customer, headers=bearer(key)), 401, "unauthenticated")
    idempotent = bearer(key) | {"Idempotency-Key": "k1"}
    problem(client.post(messages, json=customer, headers=idempotent), 401, "unauthenticated")
    assert client.get(messages, headers=tenant.headers()).json()["data"] == []
