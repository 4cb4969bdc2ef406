"""Agents (the AI agent's settings) through the real HTTP API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.conftest import Tenant

AGENTS = "/chat/v1/agents"
DEFAULT_HANDOFF = {"negative_sentiment_below": -0.5, "max_unanswered": 2, "on_human_request": True}


def problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["code"] == code, body
    return body


def create(client: httpx.Client, tenant: Tenant, **body: Any) -> dict[str, Any]:
    r = client.post(AGENTS, json={"name": "Sales bot", **body}, headers=tenant.headers())
    assert r.status_code == 201, r.text
    agent: dict[str, Any] = r.json()
    return agent


def test_every_tenant_starts_with_its_default_agent(client: httpx.Client, tenant: Tenant) -> None:
    listed = client.get(AGENTS, headers=tenant.headers()).json()["data"]
    assert [a["id"] for a in listed] == [tenant.agent_id]
    agent = client.get(f"{AGENTS}/{tenant.agent_id}", headers=tenant.headers()).json()
    assert agent["object"] == "agent" and agent["livemode"] is False and agent["is_default"] is True
    assert agent["handoff"] == DEFAULT_HANDOFF
    assert agent["languages"] == ["en"]
    assert agent["widget"]["title"] == "Kaveri Threads" and agent["widget"]["allowed_origins"] == []
    live = client.get(AGENTS, headers=tenant.headers(live=True)).json()["data"]
    assert [a["id"] for a in live] == [tenant.live_agent_id] and live[0]["livemode"] is True


def test_create_fills_defaults_and_canonicalises(client: httpx.Client, tenant: Tenant) -> None:
    agent = create(client, tenant)
    assert agent["id"].startswith("agt_") and agent["is_default"] is False
    assert agent["greeting"] is None and agent["languages"] == ["en"]
    assert agent["handoff"] == DEFAULT_HANDOFF
    assert agent["widget"] == {
        "allowed_origins": [],
        "title": "Sales bot",
        "color": "#0f766e",
        "position": "bottom-right",
    }
    full = create(
        client,
        tenant,
        greeting="Vanakkam! Ask me anything.",
        languages=["en", "TA", "hi-latn", "pt-br"],
        handoff={"max_unanswered": 4},
        widget={"allowed_origins": ["HTTPS://Shop.Example:443", "http://localhost:3000"], "color": "#0F766E"},
    )
    assert full["languages"] == ["en", "ta", "hi-Latn", "pt-BR"]
    assert full["handoff"] == {**DEFAULT_HANDOFF, "max_unanswered": 4}
    assert full["widget"]["allowed_origins"] == ["https://shop.example", "http://localhost:3000"]
    assert full["widget"]["color"] == "#0f766e"
    assert client.get(f"{AGENTS}/{full['id']}", headers=tenant.headers()).json() == full
    # A new agent can answer a conversation.
    r = client.post("/chat/v1/conversations", json={"agent_id": full["id"]}, headers=tenant.headers())
    assert r.status_code == 201 and r.json()["agent_id"] == full["id"]


def test_patch_merges_nested_settings(client: httpx.Client, tenant: Tenant) -> None:
    agent = create(
        client,
        tenant,
        greeting="Hello",
        widget={"allowed_origins": ["https://shop.example"], "title": "Chat with us", "position": "bottom-left"},
    )
    url = f"{AGENTS}/{agent['id']}"
    r = client.patch(
        url,
        json={
            "handoff": {"negative_sentiment_below": -0.8, "on_human_request": False},
            "widget": {"color": "#112233"},
            "greeting": None,
            "languages": ["hi", "en"],
        },
        headers=tenant.headers(),
    )
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["handoff"] == {"negative_sentiment_below": -0.8, "max_unanswered": 2, "on_human_request": False}
    assert updated["widget"] == {
        "allowed_origins": ["https://shop.example"],
        "title": "Chat with us",
        "color": "#112233",
        "position": "bottom-left",
    }
    assert updated["greeting"] is None and updated["languages"] == ["hi", "en"]
    assert updated["name"] == "Sales bot" and updated["updated_at"] > agent["updated_at"]
    assert client.get(url, headers=tenant.headers()).json() == updated
    # The default agent can be changed too, and stays the default.
    r = client.patch(f"{AGENTS}/{tenant.agent_id}", json={"name": "Kaveri helper"}, headers=tenant.headers())
    assert r.status_code == 200 and r.json()["name"] == "Kaveri helper" and r.json()["is_default"] is True


def test_unknown_other_tenant_and_other_mode_ids_are_404(
    client: httpx.Client, tenant: Tenant, make_tenant: Callable[[str], Tenant]
) -> None:
    agent = create(client, tenant)
    other = make_tenant("Other Shop")
    cases = [
        (tenant.headers(), f"{AGENTS}/agt_01JUNKNOWN0000000000000000"),
        (other.headers(), f"{AGENTS}/{agent['id']}"),
        (other.headers(), f"{AGENTS}/{tenant.agent_id}"),
        (tenant.headers(live=True), f"{AGENTS}/{agent['id']}"),
    ]
    for headers, url in cases:
        problem(client.get(url, headers=headers), 404, "not_found")
        problem(client.patch(url, json={"name": "Stolen"}, headers=headers), 404, "not_found")
    assert client.get(f"{AGENTS}/{agent['id']}", headers=tenant.headers()).json()["name"] == "Sales bot"


def test_validation_is_strict(client: httpx.Client, tenant: Tenant) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "name"),
        ({"name": "A", "languages": ["english!"]}, "languages.0"),
        ({"name": "A", "languages": []}, "languages"),
        ({"name": "A", "languages": ["en", "EN"]}, "languages"),
        ({"name": "A", "handoff": {"negative_sentiment_below": -1.5}}, "handoff.negative_sentiment_below"),
        ({"name": "A", "handoff": {"negative_sentiment_below": "-0.5"}}, "handoff.negative_sentiment_below"),
        ({"name": "A", "handoff": {"max_unanswered": 0}}, "handoff.max_unanswered"),
        ({"name": "A", "handoff": {"max_unanswered": "2"}}, "handoff.max_unanswered"),
        ({"name": "A", "handoff": {"on_human_request": "yes"}}, "handoff.on_human_request"),
        ({"name": "A", "handoff": {"when": "always"}}, "handoff.when"),
        ({"name": "A", "widget": {"allowed_origins": ["https://shop.example/page"]}}, "widget.allowed_origins.0"),
        ({"name": "A", "widget": {"allowed_origins": ["ftp://shop.example"]}}, "widget.allowed_origins.0"),
        ({"name": "A", "widget": {"color": "teal"}}, "widget.color"),
        ({"name": "A", "widget": {"position": "top"}}, "widget.position"),
        ({"name": "A", "widget": {"theme": "dark"}}, "widget.theme"),
        ({"name": "A", "is_default": True}, "is_default"),
    ]
    for body, field in cases:
        r = client.post(AGENTS, json=body, headers=tenant.headers())
        errors = problem(r, 422, "validation_failed")["errors"]
        assert field in [e["field"] for e in errors], (body, errors)
    agent = create(client, tenant)
    for body, field in [
        ({"name": None}, "name"),
        ({"handoff": None}, "handoff"),
        ({"widget": {"title": None}}, "widget.title"),
        ({"languages": None}, "languages"),
    ]:
        r = client.patch(f"{AGENTS}/{agent['id']}", json=body, headers=tenant.headers())
        assert field in [e["field"] for e in problem(r, 422, "validation_failed")["errors"]], body
    assert client.get(f"{AGENTS}/{agent['id']}", headers=tenant.headers()).json() == agent
    assert len(client.get(AGENTS, headers=tenant.headers()).json()["data"]) == 2


def test_cursor_walk_returns_every_agent_once_newest_first(client: httpx.Client, tenant: Tenant) -> None:
    created = [create(client, tenant, name=f"Bot {i}")["id"] for i in range(4)]
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        body = client.get(AGENTS, params=params, headers=tenant.headers()).json()
        assert len(body["data"]) <= 2
        seen += [a["id"] for a in body["data"]]
        if not body["has_more"]:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == [*reversed(created), tenant.agent_id]
    asc = client.get(AGENTS, params={"order": "asc", "limit": 100}, headers=tenant.headers()).json()["data"]
    assert [a["id"] for a in asc] == [tenant.agent_id, *created]


def test_reads_need_conversations_read_and_writes_conversations_write(client: httpx.Client, tenant: Tenant) -> None:
    r = client.post("/chat/v1/api_keys", json={"scopes": ["conversations:read"]}, headers=tenant.headers())
    reader = {"Authorization": f"Bearer {r.json()['key']}"}
    assert client.get(f"{AGENTS}/{tenant.agent_id}", headers=reader).status_code == 200
    problem(client.post(AGENTS, json={"name": "A"}, headers=reader), 403, "forbidden")
    problem(client.patch(f"{AGENTS}/{tenant.agent_id}", json={"name": "A"}, headers=reader), 403, "forbidden")
    r = client.post("/chat/v1/api_keys", json={"scopes": ["contacts:read"]}, headers=tenant.headers())
    problem(client.get(AGENTS, headers={"Authorization": f"Bearer {r.json()['key']}"}), 403, "forbidden")
