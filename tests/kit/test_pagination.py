"""Stable cursors (contract section 2): a walk sees every row that existed when it began exactly once, in order."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Tenant
from tests.kit.problems import assert_problem

CONVERSATIONS = "/chat/v1/conversations"


def _create(client: httpx.Client, tenant: Tenant, n: int) -> list[str]:
    ids = []
    for i in range(n):
        r = client.post(CONVERSATIONS, json={"metadata": {"i": i}}, headers=tenant.headers())
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


def _walk(
    client: httpx.Client,
    tenant: Tenant,
    order: str | None,
    between_pages: Callable[[int, list[str]], None],
) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 7}
        if order:
            params["order"] = order
        if cursor:
            params["cursor"] = cursor
        r = client.get(CONVERSATIONS, params=params, headers=tenant.headers())
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["object"] == "list" and set(body) == {"object", "data", "has_more", "next_cursor"}
        assert len(body["data"]) <= 7
        page_ids = [c["id"] for c in body["data"]]
        seen.extend(page_ids)
        pages += 1
        assert pages < 20, "the walk does not end"
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return seen
        assert isinstance(body["next_cursor"], str) and len(page_ids) == 7
        cursor = body["next_cursor"]
        between_pages(pages, page_ids)


@pytest.mark.parametrize("order", [None, "desc", "asc"])
def test_walk_sees_every_existing_row_once_in_order_despite_inserts_and_deletes(
    client: httpx.Client,
    make_tenant: Callable[[str], Tenant],
    admin_sql: psycopg.Connection[Any],
    order: str | None,
) -> None:
    tenant = make_tenant(f"Cursor walk {order}")
    existing = _create(client, tenant, 25)
    expected = existing if order == "asc" else list(reversed(existing))
    inserted: list[str] = []
    deleted: set[str] = set()

    def between_pages(page_no: int, page_ids: list[str]) -> None:
        inserted.extend(_create(client, tenant, 2))
        if page_no == 1:
            # Delete the row the cursor points at, and one row not walked yet: offsets would now skip rows.
            unseen = expected[len(page_ids) + 3]
            for gone in (page_ids[-1], unseen):
                admin_sql.execute("DELETE FROM events WHERE conversation_id = %s", [gone])
                admin_sql.execute("DELETE FROM conversations WHERE id = %s", [gone])
                deleted.add(gone)

    seen = _walk(client, tenant, order, between_pages)

    assert len(seen) == len(set(seen)), "a row came twice"
    pre_existing = [i for i in seen if i in set(existing)]
    still_there = [i for i in expected if i not in deleted or i in seen[:7]]
    assert pre_existing == still_there
    assert all(i in set(inserted) for i in seen if i not in set(existing))
    if order != "asc":  # newer rows are ahead of a newest-first walk's start: it never shows them
        assert not set(seen) & set(inserted)


def test_rows_with_one_created_at_are_ordered_by_id(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], admin_sql: psycopg.Connection[Any]
) -> None:
    tenant = make_tenant("Cursor ties")
    ids = _create(client, tenant, 9)
    admin_sql.execute(
        "UPDATE conversations SET created_at = '2026-01-01T00:00:00Z' WHERE tenant_id = %s", [tenant.tenant_id]
    )
    for order, expected in (("asc", sorted(ids)), ("desc", sorted(ids, reverse=True))):
        seen = _walk(client, tenant, order, lambda _n, _p: None)
        assert seen == expected


def test_default_limit_is_20(client: httpx.Client, make_tenant: Callable[[str], Tenant]) -> None:
    tenant = make_tenant("Cursor default limit")
    _create(client, tenant, 21)
    body = client.get(CONVERSATIONS, headers=tenant.headers()).json()
    assert len(body["data"]) == 20 and body["has_more"] is True
    rest = client.get(CONVERSATIONS, params={"cursor": body["next_cursor"]}, headers=tenant.headers()).json()
    assert len(rest["data"]) == 1 and rest["has_more"] is False and rest["next_cursor"] is None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "a",
        "====",
        "é",
        _b64(b"not json"),
        _b64(b"{}"),
        _b64(b'{"a": 1, "b": 2, "c": 3}'),
        _b64(b"[1, 2, 3]"),
        _b64(b'["d", 5, "cnv_x"]'),
        _b64(b'["d", "yesterday", "cnv_x"]'),
        _b64(b'["d", "2026-01-01T00:00:00", "cnv_x"]'),
        _b64(b'["d", "2026-01-01T00:00:00+00:00", null]'),
        _b64(b'["d", "2026-01-01T00:00:00+00:00"]'),
        _b64(b"\xff\xfe"),
        "x" * 5000,
    ],
)
def test_malformed_cursor_is_400(client: httpx.Client, tenant: Tenant, cursor: str) -> None:
    r = client.get(CONVERSATIONS, params={"cursor": cursor}, headers=tenant.headers())
    assert_problem(r, 400, "invalid_request")


def test_cursor_of_one_order_is_refused_in_the_other(
    client: httpx.Client, make_tenant: Callable[[str], Tenant]
) -> None:
    tenant = make_tenant("Cursor direction")
    _create(client, tenant, 3)
    desc = client.get(CONVERSATIONS, params={"limit": 1}, headers=tenant.headers()).json()["next_cursor"]
    asc = client.get(CONVERSATIONS, params={"limit": 1, "order": "asc"}, headers=tenant.headers()).json()["next_cursor"]
    assert desc and asc
    assert_problem(
        client.get(CONVERSATIONS, params={"cursor": desc, "order": "asc"}, headers=tenant.headers()),
        400,
        "invalid_request",
    )
    assert_problem(client.get(CONVERSATIONS, params={"cursor": asc}, headers=tenant.headers()), 400, "invalid_request")


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"limit": -1}, {"limit": "ten"}, {"limit": 2**70}, {"order": "sideways"}],
)
def test_out_of_range_list_parameters_are_422(client: httpx.Client, tenant: Tenant, params: dict[str, Any]) -> None:
    body = assert_problem(client.get(CONVERSATIONS, params=params, headers=tenant.headers()), 422, "validation_failed")
    assert body["errors"] and all(set(e) == {"field", "message"} for e in body["errors"])
    assert body["errors"][0]["field"] == next(iter(params))


def test_limit_bounds_are_accepted(client: httpx.Client, tenant: Tenant) -> None:
    for limit in (1, 100):
        assert client.get(CONVERSATIONS, params={"limit": limit}, headers=tenant.headers()).status_code == 200
