"""Authentication and scopes (contract section 1): 401 without a valid key, 403 without the scope."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Tenant
from tests.kit.problems import assert_problem, count_rows

CONVERSATIONS = "/chat/v1/conversations"


def _key(client: httpx.Client, tenant: Tenant, scopes: list[str], live: bool = False) -> str:
    r = client.post("/chat/v1/api_keys", json={"name": "narrow", "scopes": scopes}, headers=tenant.headers(live=live))
    assert r.status_code == 201, r.text
    assert r.json()["scopes"] == scopes
    key: str = r.json()["key"]
    return key


def test_a_read_only_key_reads_but_cannot_write(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Scopes read only")
    conv = client.post(CONVERSATIONS, json={}, headers=tenant.headers()).json()
    reader = {"Authorization": f"Bearer {_key(client, tenant, ['conversations:read'])}"}

    listed = client.get(CONVERSATIONS, headers=reader)
    assert listed.status_code == 200 and [c["id"] for c in listed.json()["data"]] == [conv["id"]]
    assert client.get(f"{CONVERSATIONS}/{conv['id']}", headers=reader).status_code == 200

    refused = [
        client.post(CONVERSATIONS, json={}, headers=reader),
        client.post(f"{CONVERSATIONS}/{conv['id']}/messages", json={"role": "customer", "text": "x"}, headers=reader),
        client.patch(f"{CONVERSATIONS}/{conv['id']}", json={"metadata": {"a": 1}}, headers=reader),
        client.post(f"{CONVERSATIONS}/{conv['id']}/handoff", json={}, headers=reader),
        client.post("/chat/v1/api_keys", json={}, headers=reader),
    ]
    for r in refused:
        body = assert_problem(r, 403, "forbidden")
        assert "scope" in body["detail"]
    assert count_rows(admin_sql, "conversations", tenant.tenant_id) == 1
    assert count_rows(admin_sql, "messages", tenant.tenant_id) == 0
    assert count_rows(admin_sql, "api_keys", tenant.tenant_id) == 3  # two defaults + the reader


def test_a_write_only_key_cannot_read(client: httpx.Client, tenant: Tenant) -> None:
    writer = {"Authorization": f"Bearer {_key(client, tenant, ['conversations:write'])}"}
    assert client.post(CONVERSATIONS, json={}, headers=writer).status_code == 201
    assert_problem(client.get(CONVERSATIONS, headers=writer), 403, "forbidden")


def test_the_forbidden_check_comes_before_the_idempotency_claim(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Scopes before claim")
    reader = {"Authorization": f"Bearer {_key(client, tenant, ['conversations:read'])}", "Idempotency-Key": "k1"}
    assert_problem(client.post(CONVERSATIONS, json={}, headers=reader), 403, "forbidden")
    assert count_rows(admin_sql, "idempotency_keys", tenant.tenant_id) == 0


def test_missing_authorization_is_401_with_a_challenge(client: httpx.Client) -> None:
    for r in (client.get(CONVERSATIONS), client.post(CONVERSATIONS, json={})):
        assert_problem(r, 401, "unauthenticated")
        assert r.headers["www-authenticate"].lower().startswith("bearer")


UNKNOWN_KEY = "sk_test_" + "A" * 40


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer abc",
        "Bearer",
        "bearer sk_test_short",
        "Basic " + base64.b64encode(b"user:pass").decode(),
        "Token " + UNKNOWN_KEY,
        "Bearer sk_prod_" + "A" * 40,
        "Bearer sk_test_" + "A" * 31,
        "Bearer sk_test_" + "!" * 40,
        "Bearer " + UNKNOWN_KEY,
        "Bearer " + "sk_live_" + "B" * 40,
        "Bearer " + UNKNOWN_KEY + "' OR '1'='1",
    ],
)
def test_malformed_or_unknown_keys_are_401(client: httpx.Client, authorization: str) -> None:
    r = client.get(CONVERSATIONS, headers={"Authorization": authorization})
    assert_problem(r, 401, "unauthenticated")
    assert "www-authenticate" in r.headers


def test_a_key_of_another_tenant_with_a_typo_is_401(client: httpx.Client, tenant: Tenant) -> None:
    typo = tenant.test_key[:-1] + ("a" if tenant.test_key[-1] != "a" else "b")
    assert_problem(client.get(CONVERSATIONS, headers={"Authorization": f"Bearer {typo}"}), 401, "unauthenticated")
    # The scheme is case-insensitive (RFC 9110), the key itself is not.
    ok = client.get(CONVERSATIONS, headers={"Authorization": f"bearer {tenant.test_key}"})
    assert ok.status_code == 200
