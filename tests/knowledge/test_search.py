"""GET /knowledge/search and /catalog/search on the imported demo store: ranking, shape, freshness, isolation.

The queries are written here for these tests (not taken from the labelled dev files): each has
one obviously right answer in the demo store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from skchat.knowledge.corpus import shared_cache
from tests.conftest import Tenant
from tests.kit.problems import assert_problem

KNOWLEDGE = "/chat/v1/knowledge/search"
CATALOG = "/chat/v1/catalog/search"


def search(client: httpx.Client, tenant: Tenant, url: str, q: str, **params: Any) -> list[dict[str, Any]]:
    r = client.get(url, params={"q": q, **params}, headers=tenant.headers())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "list"
    data: list[dict[str, Any]] = body["data"]
    return data


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("Is cash on delivery available for my order?", None, "kb_cod_rules"),
        ("how many days until my refund reaches the bank", None, "kb_refund_timeline"),
        ("is the showroom open on tuesday", None, "kb_store_hours"),
        ("what does the FIRST10 code give me", None, "kb_discount_first_order"),
        ("wholesale order for 50 sarees", None, "kb_bulk_orders"),
        ("मेरा रिफंड कितने दिनों में मिलेगा?", "hi", "kb_refund_timeline_hi"),
        ("எந்த வழிகளில் பணம் செலுத்தலாம்?", "ta", "kb_payment_methods_ta"),
    ],
)
def test_knowledge_search_ranks_the_obvious_article_first(
    client: httpx.Client, demo_tenant: Tenant, query: str, lang: str | None, expected: str
) -> None:
    results = search(client, demo_tenant, KNOWLEDGE, query, **({"lang": lang} if lang else {}))
    assert results, query
    assert results[0]["article"]["id"] == expected, [r["article"]["id"] for r in results]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kanchipuram silk saree in a peacock colour", "itm_saree_kanchipuram_peacock"),
        ("bamboo bath towel", "itm_towel_bath_bamboo_grey"),
        ("hooded towel for kids", "itm_towel_kids_hooded_yellow"),
    ],
)
def test_catalog_search_ranks_the_obvious_item_first(
    client: httpx.Client, demo_tenant: Tenant, query: str, expected: str
) -> None:
    results = search(client, demo_tenant, CATALOG, query)
    assert results[0]["item"]["id"] == expected, [r["item"]["id"] for r in results]


def test_results_carry_the_full_objects(client: httpx.Client, demo_tenant: Tenant) -> None:
    [hit] = search(client, demo_tenant, CATALOG, "bamboo bath towel", limit=1)
    assert set(hit) == {"object", "score", "item"} and hit["object"] == "search_result"
    item = client.get(f"/chat/v1/catalog/items/{hit['item']['id']}", headers=demo_tenant.headers()).json()
    assert hit["item"] == item
    assert item["price"] == "899.00" and item["currency"] == "INR"
    assert set(item["attributes"]) == {"sizes", "colors", "stock_by_size"}
    articles = search(client, demo_tenant, KNOWLEDGE, "refund", limit=3)
    assert len(articles) == 3 and all(set(r) == {"object", "score", "article"} for r in articles)
    assert all(r["article"]["object"] == "knowledge_article" for r in articles)


def test_search_sees_writes_at_once_and_rebuilds_only_then(client: httpx.Client, demo_tenant: Tenant) -> None:
    cache = shared_cache()
    search(client, demo_tenant, KNOWLEDGE, "warm the cache")
    builds = cache.builds
    for _ in range(3):
        assert search(client, demo_tenant, KNOWLEDGE, "zanzibar") == []
    assert cache.builds == builds  # unchanged corpus: one version lookup per call, no rebuild

    r = client.patch(
        "/chat/v1/knowledge/articles/kb_delivery_international",
        json={"body": "We now ship to Zanzibar too."},
        headers=demo_tenant.headers(),
    )
    assert r.status_code == 200, r.text
    assert [h["article"]["id"] for h in search(client, demo_tenant, KNOWLEDGE, "zanzibar")] == [
        "kb_delivery_international"
    ]
    assert cache.builds == builds + 1

    r = client.delete("/chat/v1/catalog/items/itm_towel_bath_bamboo_grey", headers=demo_tenant.headers())
    assert r.status_code == 200
    ids = [h["item"]["id"] for h in search(client, demo_tenant, CATALOG, "bamboo bath towel")]
    assert "itm_towel_bath_bamboo_grey" not in ids and ids


def test_search_is_per_tenant_and_mode(
    client: httpx.Client, demo_tenant: Tenant, make_tenant: Callable[[str], Tenant]
) -> None:
    other = make_tenant("Other Store")
    assert search(client, other, KNOWLEDGE, "cash on delivery") == []
    assert search(client, other, CATALOG, "kanchipuram saree") == []
    live = client.get(KNOWLEDGE, params={"q": "cash on delivery"}, headers=demo_tenant.headers(live=True))
    assert live.status_code == 200 and live.json()["data"] == []


def test_search_parameters_are_validated(client: httpx.Client, demo_tenant: Tenant) -> None:
    headers = demo_tenant.headers()
    cases: list[tuple[str, dict[str, str | int]]] = [
        (KNOWLEDGE, {}),
        (KNOWLEDGE, {"q": "   "}),
        (KNOWLEDGE, {"q": "x" * 501}),
        (KNOWLEDGE, {"q": "refund", "limit": 0}),
        (CATALOG, {"q": "saree", "limit": 51}),
        (KNOWLEDGE, {"q": "refund", "lang": "not a tag"}),
    ]
    for url, params in cases:
        assert_problem(client.get(url, params=params, headers=headers), 422, "validation_failed")
    assert len(search(client, demo_tenant, CATALOG, "saree", limit=2)) == 2
    assert_problem(client.get(CATALOG, params={"q": "saree"}), 401, "unauthenticated")
