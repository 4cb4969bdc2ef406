"""Catalog items through the real HTTP API: CRUD, decimal prices, attributes, isolation, validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Tenant
from tests.kit.problems import assert_problem, count_rows

ITEMS = "/chat/v1/catalog/items"
ITEM = {
    "name": "Indigo Block-Print Cotton Kurta",
    "description": "Straight-cut kurta in soft cotton.",
    "category": "Kurtas",
    "price": "1299.00",
    "currency": "INR",
    "in_stock": True,
    "attributes": {"sizes": ["S", "M", "L"], "colors": ["Indigo Blue"], "stock_by_size": {"S": 2, "M": 0, "L": 1}},
}


def create(client: httpx.Client, tenant: Tenant, live: bool = False, **fields: Any) -> dict[str, Any]:
    r = client.post(ITEMS, json={**ITEM, **fields}, headers=tenant.headers(live=live))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_create_get_list_update_delete(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    item = create(client, tenant)
    assert item["id"].startswith("itm_") and item["object"] == "catalog_item" and item["livemode"] is False
    assert {k: item[k] for k in ITEM} == ITEM
    url = f"{ITEMS}/{item['id']}"
    assert client.get(url, headers=tenant.headers()).json() == item
    assert [i["id"] for i in client.get(ITEMS, headers=tenant.headers()).json()["data"]] == [item["id"]]

    stock = {"sizes": ["S"], "stock_by_size": {"S": 0}}
    r = client.patch(url, json={"price": "1199.5", "in_stock": False, "attributes": stock}, headers=tenant.headers())
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["price"] == "1199.50" and updated["in_stock"] is False
    assert updated["attributes"] == stock  # replaced whole, not merged
    assert updated["name"] == ITEM["name"] and updated["updated_at"] > item["updated_at"]
    cleared = client.patch(url, json={"price": None, "category": None}, headers=tenant.headers()).json()
    assert cleared["price"] is None and cleared["category"] is None

    r = client.delete(url, headers=tenant.headers())
    assert r.status_code == 200 and r.json() == {"id": item["id"], "object": "catalog_item", "deleted": True}
    assert_problem(client.get(url, headers=tenant.headers()), 404, "not_found")
    assert count_rows(admin_sql, "catalog_items", tenant.tenant_id) == 0


def test_defaults_and_prices_are_normalised(client: httpx.Client, tenant: Tenant) -> None:
    r = client.post(ITEMS, json={"name": "Towel", "price": "449"}, headers=tenant.headers())
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["price"] == "449.00" and item["currency"] == "INR" and item["in_stock"] is True
    assert item["attributes"] == {} and item["description"] == "" and item["category"] is None
    big = create(client, tenant, price="999999999999.99")
    assert big["price"] == "999999999999.99"


def test_a_given_id_is_kept_and_a_second_create_with_it_conflicts(client: httpx.Client, tenant: Tenant) -> None:
    assert create(client, tenant, id="itm_kurta_cotton_blue")["id"] == "itm_kurta_cotton_blue"
    assert_problem(
        client.post(ITEMS, json={**ITEM, "id": "itm_kurta_cotton_blue"}, headers=tenant.headers()), 409, "conflict"
    )


def test_other_tenant_and_other_mode_get_404(
    client: httpx.Client, tenant: Tenant, make_tenant: Callable[[str], Tenant]
) -> None:
    item = create(client, tenant)
    url = f"{ITEMS}/{item['id']}"
    other = make_tenant("Other Store")
    for headers in (other.headers(), tenant.headers(live=True)):
        assert_problem(client.get(url, headers=headers), 404, "not_found")
        assert_problem(client.patch(url, json={"name": "x"}, headers=headers), 404, "not_found")
        assert_problem(client.delete(url, headers=headers), 404, "not_found")
        assert client.get(ITEMS, headers=headers).json()["data"] == []
    assert client.get(url, headers=tenant.headers()).json()["name"] == ITEM["name"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price": "10.00"}, "name"),
        ({**ITEM, "price": 1299}, "price"),
        ({**ITEM, "price": "12.345"}, "price"),
        ({**ITEM, "price": "-1.00"}, "price"),
        ({**ITEM, "price": "1e3"}, "price"),
        ({**ITEM, "currency": "inr"}, "currency"),
        ({**ITEM, "in_stock": "yes"}, "in_stock"),
        ({**ITEM, "attributes": ["S", "M"]}, "attributes"),
        ({**ITEM, "attributes": {"": 1}}, "attributes"),
        ({**ITEM, "sizes": ["S"]}, "sizes"),
    ],
)
def test_invalid_bodies_are_422_and_write_nothing(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any], body: dict[str, Any], field: str
) -> None:
    problem = assert_problem(client.post(ITEMS, json=body, headers=tenant.headers()), 422, "validation_failed")
    assert field in [e["field"] for e in problem["errors"]]
    assert count_rows(admin_sql, "catalog_items", tenant.tenant_id) == 0


def test_patch_rejects_null_for_required_fields(client: httpx.Client, tenant: Tenant) -> None:
    item = create(client, tenant)
    for field in ("name", "currency", "in_stock", "attributes"):
        r = client.patch(f"{ITEMS}/{item['id']}", json={field: None}, headers=tenant.headers())
        assert_problem(r, 422, "validation_failed")


def test_list_filters(client: httpx.Client, tenant: Tenant) -> None:
    kurta = create(client, tenant)
    towel = create(client, tenant, name="Towel", category="Towels", in_stock=False)
    by_category = client.get(ITEMS, params={"category": "Towels"}, headers=tenant.headers()).json()["data"]
    assert [i["id"] for i in by_category] == [towel["id"]]
    in_stock = client.get(ITEMS, params={"in_stock": "true"}, headers=tenant.headers()).json()["data"]
    assert [i["id"] for i in in_stock] == [kurta["id"]]
    assert_problem(client.get(ITEMS, params={"in_stock": "maybe"}, headers=tenant.headers()), 422, "validation_failed")
