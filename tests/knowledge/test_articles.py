"""Knowledge articles through the real HTTP API: CRUD, kept ids, isolation, validation, scopes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Tenant
from tests.kit.problems import assert_problem, count_rows

ARTICLES = "/chat/v1/knowledge/articles"
ARTICLE = {
    "title": "Gift wrapping",
    "body": "We gift-wrap any order for ₹49; add a message at checkout.",
    "intent": "store_info",
    "tags": ["gift", "wrapping"],
    "lang": "en",
}


def create(client: httpx.Client, tenant: Tenant, live: bool = False, **fields: Any) -> dict[str, Any]:
    r = client.post(ARTICLES, json={**ARTICLE, **fields}, headers=tenant.headers(live=live))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_create_get_list_update_delete(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    article = create(client, tenant)
    assert article["id"].startswith("art_") and article["object"] == "knowledge_article"
    assert article["livemode"] is False
    assert {k: article[k] for k in ARTICLE} == ARTICLE
    assert article["created_at"].endswith("Z") and article["updated_at"] == article["created_at"]
    url = f"{ARTICLES}/{article['id']}"
    assert client.get(url, headers=tenant.headers()).json() == article

    listed = client.get(ARTICLES, headers=tenant.headers()).json()
    assert listed["object"] == "list" and [a["id"] for a in listed["data"]] == [article["id"]]

    r = client.patch(url, json={"title": "Gift wrap and messages", "intent": None}, headers=tenant.headers())
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["title"] == "Gift wrap and messages" and updated["intent"] is None
    assert updated["body"] == ARTICLE["body"] and updated["updated_at"] > article["updated_at"]
    # A PATCH that changes nothing writes nothing.
    same = client.patch(url, json={"title": "Gift wrap and messages"}, headers=tenant.headers()).json()
    assert same == updated

    r = client.delete(url, headers=tenant.headers())
    assert r.status_code == 200 and r.json() == {"id": article["id"], "object": "knowledge_article", "deleted": True}
    assert_problem(client.get(url, headers=tenant.headers()), 404, "not_found")
    assert_problem(client.delete(url, headers=tenant.headers()), 404, "not_found")
    assert count_rows(admin_sql, "knowledge_articles", tenant.tenant_id) == 0


def test_a_given_id_is_kept_and_a_second_create_with_it_conflicts(client: httpx.Client, tenant: Tenant) -> None:
    article = create(client, tenant, id="kb_delivery_chennai")
    assert article["id"] == "kb_delivery_chennai"
    r = client.post(ARTICLES, json={**ARTICLE, "id": "kb_delivery_chennai", "title": "Other"}, headers=tenant.headers())
    assert_problem(r, 409, "conflict")
    assert client.get(f"{ARTICLES}/kb_delivery_chennai", headers=tenant.headers()).json()["title"] == ARTICLE["title"]
    # The same id in the other mode is another article.
    live = create(client, tenant, live=True, id="kb_delivery_chennai")
    assert live["livemode"] is True


def test_other_tenant_and_other_mode_get_404(
    client: httpx.Client, tenant: Tenant, make_tenant: Callable[[str], Tenant]
) -> None:
    article = create(client, tenant)
    url = f"{ARTICLES}/{article['id']}"
    other = make_tenant("Other Store")
    for headers in (other.headers(), tenant.headers(live=True)):
        assert_problem(client.get(url, headers=headers), 404, "not_found")
        assert_problem(client.patch(url, json={"title": "x"}, headers=headers), 404, "not_found")
        assert_problem(client.delete(url, headers=headers), 404, "not_found")
        assert client.get(ARTICLES, headers=headers).json()["data"] == []
    assert client.get(url, headers=tenant.headers()).json()["title"] == ARTICLE["title"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "no title"}, "title"),
        ({**ARTICLE, "title": ""}, "title"),
        ({**ARTICLE, "body": ""}, "body"),
        ({**ARTICLE, "lang": "not a language"}, "lang"),
        ({**ARTICLE, "tags": ["a", "a"]}, "tags"),
        ({**ARTICLE, "tags": "gift"}, "tags"),
        ({**ARTICLE, "intent": "Not An Intent!"}, "intent"),
        ({**ARTICLE, "id": "has spaces"}, "id"),
        ({**ARTICLE, "colour": "red"}, "colour"),
    ],
)
def test_invalid_bodies_are_422_and_write_nothing(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any], body: dict[str, Any], field: str
) -> None:
    body_ = assert_problem(client.post(ARTICLES, json=body, headers=tenant.headers()), 422, "validation_failed")
    assert field in [e["field"] for e in body_["errors"]]
    assert count_rows(admin_sql, "knowledge_articles", tenant.tenant_id) == 0


def test_patch_rejects_null_for_required_fields(client: httpx.Client, tenant: Tenant) -> None:
    article = create(client, tenant)
    r = client.patch(f"{ARTICLES}/{article['id']}", json={"title": None}, headers=tenant.headers())
    assert_problem(r, 422, "validation_failed")


def test_lang_is_canonicalised_and_lists_filter_and_page(client: httpx.Client, tenant: Tenant) -> None:
    hinglish = create(client, tenant, lang="hi-latn", intent="delivery_area")
    ids = [create(client, tenant, title=f"Article {n}")["id"] for n in range(3)]
    assert hinglish["lang"] == "hi-Latn"
    only = client.get(ARTICLES, params={"lang": "HI-latn"}, headers=tenant.headers()).json()["data"]
    assert [a["id"] for a in only] == [hinglish["id"]]
    by_intent = client.get(ARTICLES, params={"intent": "delivery_area"}, headers=tenant.headers()).json()["data"]
    assert [a["id"] for a in by_intent] == [hinglish["id"]]
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(ARTICLES, params=params, headers=tenant.headers()).json()
        seen += [a["id"] for a in page["data"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert seen == [*reversed(ids), hinglish["id"]]
    assert_problem(client.get(ARTICLES, params={"cursor": "junk"}, headers=tenant.headers()), 400, "invalid_request")
    assert_problem(client.get(ARTICLES, params={"lang": "h1"}, headers=tenant.headers()), 422, "validation_failed")


def test_scopes(client: httpx.Client, tenant: Tenant) -> None:
    r = client.post("/chat/v1/api_keys", json={"name": "ro", "scopes": ["knowledge:read"]}, headers=tenant.headers())
    reader = {"Authorization": f"Bearer {r.json()['key']}"}
    assert client.get(ARTICLES, headers=reader).status_code == 200
    assert_problem(client.post(ARTICLES, json=ARTICLE, headers=reader), 403, "forbidden")
    r = client.post("/chat/v1/api_keys", json={"name": "c", "scopes": ["conversations:read"]}, headers=tenant.headers())
    other = {"Authorization": f"Bearer {r.json()['key']}"}
    assert_problem(client.get(ARTICLES, headers=other), 403, "forbidden")
    assert_problem(client.get(ARTICLES), 401, "unauthenticated")


def test_idempotency_key_replays_the_create(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    headers = {**tenant.headers(), "Idempotency-Key": "article-1"}
    first = client.post(ARTICLES, json=ARTICLE, headers=headers)
    again = client.post(ARTICLES, json=ARTICLE, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()
    assert count_rows(admin_sql, "knowledge_articles", tenant.tenant_id) == 1
