"""GET /chat/v1/openapi.json: OpenAPI 3.1 describing every API route, its auth, idempotency and errors."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from tests.conftest import ServerThread, Tenant

WRITES = {"post", "patch", "put", "delete"}

# API.md section 3, the routes of issue 2, with the contract's own parameter names.
CONTRACT_ROUTES = {
    "conversations": [
        ("post", "/chat/v1/conversations"),
        ("get", "/chat/v1/conversations"),
        ("get", "/chat/v1/conversations/{id}"),
        ("patch", "/chat/v1/conversations/{id}"),
        ("post", "/chat/v1/conversations/{id}/handoff"),
        ("post", "/chat/v1/conversations/{id}/assign"),
        ("post", "/chat/v1/conversations/{id}/close"),
        ("post", "/chat/v1/conversations/{id}/reopen"),
    ],
    "messages": [
        ("post", "/chat/v1/conversations/{id}/messages"),
        ("get", "/chat/v1/conversations/{id}/messages"),
    ],
    "events": [("get", "/chat/v1/events"), ("get", "/chat/v1/events/{id}")],
    "api_keys": [
        ("post", "/chat/v1/api_keys"),
        ("get", "/chat/v1/api_keys"),
        ("delete", "/chat/v1/api_keys/{id}"),
    ],
    "contacts": [
        ("get", "/chat/v1/contacts"),
        ("get", "/chat/v1/contacts/{id}"),
        ("patch", "/chat/v1/contacts/{id}"),
        ("delete", "/chat/v1/contacts/{id}"),
        ("get", "/chat/v1/contacts/{id}/export"),
    ],
    "members": [
        ("post", "/chat/v1/members"),
        ("get", "/chat/v1/members"),
        ("get", "/chat/v1/members/{id}"),
        ("patch", "/chat/v1/members/{id}"),
        ("delete", "/chat/v1/members/{id}"),
    ],
    "agents": [
        ("post", "/chat/v1/agents"),
        ("get", "/chat/v1/agents"),
        ("get", "/chat/v1/agents/{id}"),
        ("patch", "/chat/v1/agents/{id}"),
    ],
    "knowledge": [
        ("post", "/chat/v1/knowledge/articles"),
        ("get", "/chat/v1/knowledge/articles"),
        ("get", "/chat/v1/knowledge/articles/{id}"),
        ("patch", "/chat/v1/knowledge/articles/{id}"),
        ("delete", "/chat/v1/knowledge/articles/{id}"),
        ("get", "/chat/v1/knowledge/search"),
        ("post", "/chat/v1/catalog/items"),
        ("get", "/chat/v1/catalog/items"),
        ("get", "/chat/v1/catalog/items/{id}"),
        ("patch", "/chat/v1/catalog/items/{id}"),
        ("delete", "/chat/v1/catalog/items/{id}"),
        ("get", "/chat/v1/catalog/search"),
        ("post", "/chat/v1/intents"),
        ("get", "/chat/v1/intents"),
    ],
    "webhooks": [
        ("post", "/chat/v1/webhook_endpoints"),
        ("get", "/chat/v1/webhook_endpoints"),
        ("get", "/chat/v1/webhook_endpoints/{id}"),
        ("patch", "/chat/v1/webhook_endpoints/{id}"),
        ("delete", "/chat/v1/webhook_endpoints/{id}"),
        ("post", "/chat/v1/webhook_endpoints/{id}/rotate_secret"),
        ("post", "/chat/v1/webhook_endpoints/{id}/recover"),
        ("get", "/chat/v1/events/{id}/deliveries"),
        ("post", "/chat/v1/events/{id}/redeliver"),
    ],
}
# Built by this core: must be documented whatever else is in flight.
REQUIRED_GROUPS = (
    "conversations",
    "messages",
    "events",
    "api_keys",
    "contacts",
    "members",
    "agents",
    "knowledge",
    "webhooks",
)
# Every contract route the app registers is documented (kept as a second check).
REGISTERED_GROUPS = ("contacts", "members", "agents")


def shape(path: str) -> str:
    """A path with its parameter names erased: the contract says {id} where the code says {conversation_id}."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(method, shape(path)): op for path, item in doc["paths"].items() for method, op in item.items()}


def resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def registered(app: FastAPI) -> set[tuple[str, str]]:
    found = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            found |= {(m.lower(), shape(route.path_format or "")) for m in route.methods or ()}
    return found


@pytest.fixture(scope="module")
def doc(base_url: str) -> dict[str, Any]:
    r = httpx.get(f"{base_url}/chat/v1/openapi.json")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    return body


def api_operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The operations keyed by a secret key (the widget's public routes authenticate otherwise, API.md 6)."""
    return [
        (method, path, op)
        for path, item in doc["paths"].items()
        if path.startswith("/chat/v1/") and not path.startswith("/chat/v1/widget/")
        for method, op in item.items()
    ]


def test_is_openapi_3_1_with_the_bearer_scheme_and_servers(doc: dict[str, Any]) -> None:
    assert re.fullmatch(r"3\.1\.\d+", doc["openapi"])
    scheme = doc["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert "sk_" in scheme["bearerFormat"]
    assert doc["servers"] == [{"url": "/", "description": doc["servers"][0]["description"]}]
    assert "/chat/v1/reference" in doc["info"]["description"]


@pytest.mark.parametrize("group", REQUIRED_GROUPS)
def test_documents_the_contract_routes_of_the_core_resources(doc: dict[str, Any], group: str) -> None:
    documented = operations(doc)
    missing = [(m, p) for m, p in CONTRACT_ROUTES[group] if (m, shape(p)) not in documented]
    assert missing == []


@pytest.mark.parametrize("group", REGISTERED_GROUPS)
def test_documents_whatever_contract_routes_the_app_registers(
    doc: dict[str, Any], server: ServerThread, group: str
) -> None:
    app = server.server.config.app
    assert isinstance(app, FastAPI)
    present = registered(app)
    documented = operations(doc)
    for method, path in CONTRACT_ROUTES[group]:
        assert ((method, shape(path)) in documented) == ((method, shape(path)) in present), (method, path)


def test_every_registered_route_is_documented_and_nothing_else(doc: dict[str, Any], server: ServerThread) -> None:
    app = server.server.config.app
    assert isinstance(app, FastAPI)
    assert set(operations(doc)) == registered(app)
    ids = [op["operationId"] for _, _, op in api_operations(doc)]
    assert len(ids) == len(set(ids))
    assert "create_conversation" in ids


def test_every_api_route_requires_a_bearer_key_with_its_scope(doc: dict[str, Any]) -> None:
    ops = operations(doc)
    for method, path, op in api_operations(doc):
        assert op.get("security"), (method, path)
        assert list(op["security"][0]) == ["bearerAuth"]
    scope = {k: op["security"][0]["bearerAuth"] for k, op in ops.items() if "security" in op}
    assert scope[("post", "/chat/v1/conversations")] == ["conversations:write"]
    assert scope[("get", "/chat/v1/conversations")] == ["conversations:read"]
    assert scope[("post", "/chat/v1/conversations/{}/handoff")] == ["handoff:write"]
    assert scope[("delete", "/chat/v1/api_keys/{}")] == ["keys:manage"]
    assert "security" not in doc["paths"]["/healthz"]["get"]


def test_documented_scope_is_the_one_the_server_enforces(
    client: httpx.Client, tenant: Tenant, doc: dict[str, Any]
) -> None:
    needed = operations(doc)[("post", "/chat/v1/conversations")]["security"][0]["bearerAuth"]
    readonly = client.post(
        "/chat/v1/api_keys", json={"name": "ro", "scopes": ["conversations:read"]}, headers=tenant.headers()
    )
    assert readonly.status_code == 201, readonly.text
    key = readonly.json()["key"]
    denied = client.post("/chat/v1/conversations", json={}, headers={"Authorization": f"Bearer {key}"})
    assert denied.status_code == 403
    assert needed[0] in denied.json()["detail"]
    allowed = client.get("/chat/v1/conversations", headers={"Authorization": f"Bearer {key}"})
    assert allowed.status_code == 200


def test_every_write_documents_idempotency_key_and_reads_do_not(doc: dict[str, Any]) -> None:
    param = doc["components"]["parameters"]["IdempotencyKey"]
    assert param["name"] == "Idempotency-Key" and param["in"] == "header" and param["required"] is False
    assert param["schema"]["maxLength"] == 255
    writes = 0
    for method, path, op in api_operations(doc):
        names = [resolve(doc, p)["name"] for p in op.get("parameters", [])]
        if method in WRITES:
            writes += 1
            assert "Idempotency-Key" in names, (method, path)
            ok = next(r for status, r in op["responses"].items() if status.startswith("2"))
            assert "Idempotent-Replayed" in ok["headers"], (method, path)
        else:
            assert "Idempotency-Key" not in names, (method, path)
    assert writes >= 9


def test_problem_schema_has_the_contract_fields(doc: dict[str, Any]) -> None:
    problem = doc["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "code", "request_id"}
    item = problem["properties"]["errors"]["items"]
    assert set(item["properties"]) == {"field", "message"}
    for code in ("validation_failed", "idempotency_key_reused", "idempotency_key_in_use", "rate_limited"):
        assert code in problem["properties"]["code"]["examples"]
    schemas = doc["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas


def _error_statuses(doc: dict[str, Any], op: dict[str, Any]) -> set[str]:
    found = set()
    for status, response in op["responses"].items():
        if status.startswith(("4", "5")):
            content = resolve(doc, response)["content"]
            assert list(content) == ["application/problem+json"], status
            assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
            found.add(status)
    return found


def test_errors_are_documented_as_problems(doc: dict[str, Any]) -> None:
    for method, path, op in api_operations(doc):
        statuses = _error_statuses(doc, op)
        assert {"400", "401", "429"} <= statuses, (method, path)
        if method in WRITES:
            assert {"409", "422"} <= statuses, (method, path)
    ops = operations(doc)
    create = _error_statuses(doc, ops[("post", "/chat/v1/conversations")])
    assert create == {"400", "401", "403", "404", "409", "413", "415", "422", "429"}
    listing = _error_statuses(doc, ops[("get", "/chat/v1/conversations")])
    assert listing == {"400", "401", "403", "422", "429"}
    one = _error_statuses(doc, ops[("get", "/chat/v1/conversations/{}")])
    assert one == {"400", "401", "403", "404", "429"}
    conflict = resolve(doc, ops[("post", "/chat/v1/conversations/{}/close")]["responses"]["409"])
    assert "`conversation_closed`" in conflict["description"]
    assert "`idempotency_key_in_use`" in conflict["description"]


def test_the_documented_problem_is_what_the_server_answers(
    client: httpx.Client, tenant: Tenant, doc: dict[str, Any]
) -> None:
    problem = doc["components"]["schemas"]["Problem"]
    unauthenticated = client.get("/chat/v1/conversations")
    invalid = client.post("/chat/v1/conversations", json={"channel": "fax"}, headers=tenant.headers())
    for r, status in ((unauthenticated, 401), (invalid, 422)):
        assert r.status_code == status
        assert r.headers["content-type"] == "application/problem+json"
        assert set(problem["required"]) <= set(r.json())
        assert set(r.json()) <= set(problem["properties"])
        assert r.json()["request_id"] == r.headers["x-request-id"]
    assert [set(e) for e in invalid.json()["errors"]] == [{"field", "message"}]


def test_responses_document_request_id_and_rate_limit_headers(doc: dict[str, Any]) -> None:
    for method, path, op in api_operations(doc):
        ok = next(r for status, r in op["responses"].items() if status.startswith("2"))
        assert {"X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(ok["headers"])
        assert ok["description"] != "Successful Response", (method, path)
    limited = doc["components"]["responses"]["RateLimited"]
    assert "Retry-After" in limited["headers"]


def test_tags_are_described_and_every_ref_resolves(doc: dict[str, Any]) -> None:
    tags = {t["name"]: t.get("description", "") for t in doc["tags"]}
    used = {tag for item in doc["paths"].values() for op in item.values() for tag in op.get("tags", [])}
    assert used == set(tags)
    for name in ("Conversations", "Messages", "Events", "API keys"):
        assert tags[name], name

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                resolve(doc, node)  # raises KeyError when dangling
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
