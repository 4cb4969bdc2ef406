"""Team members through the real HTTP API: create, read, list, update, delete, and their walls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.conftest import Tenant

MEMBERS = "/chat/v1/members"


def problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["code"] == code, body
    return body


def create(client: httpx.Client, tenant: Tenant, email: str, **fields: Any) -> dict[str, Any]:
    body = {"name": "Meera", "email": email, "role": "agent", **fields}
    r = client.post(MEMBERS, json=body, headers=tenant.headers())
    assert r.status_code == 201, r.text
    member: dict[str, Any] = r.json()
    return member


def test_create_read_update_delete(client: httpx.Client, tenant: Tenant) -> None:
    r = client.post(
        MEMBERS, json={"name": "Meera Iyer", "email": "Meera@Kaveri.in", "role": "admin"}, headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    member = r.json()
    assert member["id"].startswith("mem_")
    assert {k: member[k] for k in ("object", "livemode", "name", "email", "role")} == {
        "object": "member",
        "livemode": False,
        "name": "Meera Iyer",
        "email": "meera@kaveri.in",
        "role": "admin",
    }
    assert member["created_at"].endswith("Z") and member["updated_at"] == member["created_at"]
    url = f"{MEMBERS}/{member['id']}"
    assert client.get(url, headers=tenant.headers()).json() == member

    r = client.patch(url, json={"role": "agent", "name": "Meera I."}, headers=tenant.headers())
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "agent" and r.json()["name"] == "Meera I."
    assert r.json()["email"] == "meera@kaveri.in"
    assert r.json()["updated_at"] > member["updated_at"]
    assert client.get(url, headers=tenant.headers()).json() == r.json()

    r = client.delete(url, headers=tenant.headers())
    assert r.status_code == 200, r.text
    assert r.json() == {"id": member["id"], "object": "member", "deleted": True}
    problem(client.get(url, headers=tenant.headers()), 404, "not_found")
    problem(client.delete(url, headers=tenant.headers()), 404, "not_found")


def test_duplicate_email_is_a_conflict_within_tenant_and_mode_only(
    client: httpx.Client, tenant: Tenant, make_tenant: Callable[[str], Tenant]
) -> None:
    first = create(client, tenant, "ravi@kaveri.in")
    r = client.post(
        MEMBERS, json={"name": "Ravi 2", "email": "RAVI@kaveri.in", "role": "agent"}, headers=tenant.headers()
    )
    problem(r, 409, "conflict")
    # The same email is free in the other mode and in another tenant.
    live = client.post(
        MEMBERS, json={"name": "Ravi", "email": "ravi@kaveri.in", "role": "agent"}, headers=tenant.headers(live=True)
    )
    assert live.status_code == 201 and live.json()["livemode"] is True
    other = make_tenant("Other Shop")
    assert create(client, other, "ravi@kaveri.in")["id"] != first["id"]

    second = create(client, tenant, "anu@kaveri.in")
    r = client.patch(f"{MEMBERS}/{second['id']}", json={"email": "Ravi@Kaveri.in"}, headers=tenant.headers())
    problem(r, 409, "conflict")
    assert client.get(f"{MEMBERS}/{second['id']}", headers=tenant.headers()).json()["email"] == "anu@kaveri.in"
    # Keeping one's own email is not a conflict.
    r = client.patch(f"{MEMBERS}/{first['id']}", json={"email": "ravi@kaveri.in"}, headers=tenant.headers())
    assert r.status_code == 200, r.text


def test_unknown_other_tenant_and_other_mode_ids_are_404(
    client: httpx.Client, tenant: Tenant, make_tenant: Callable[[str], Tenant]
) -> None:
    member = create(client, tenant, "x@kaveri.in")
    other = make_tenant("Other Shop")
    cases = [
        (tenant.headers(), f"{MEMBERS}/mem_01JUNKNOWN0000000000000000"),
        (other.headers(), f"{MEMBERS}/{member['id']}"),
        (tenant.headers(live=True), f"{MEMBERS}/{member['id']}"),
    ]
    for headers, url in cases:
        problem(client.get(url, headers=headers), 404, "not_found")
        problem(client.patch(url, json={"name": "Z"}, headers=headers), 404, "not_found")
        problem(client.delete(url, headers=headers), 404, "not_found")
    assert client.get(f"{MEMBERS}/{member['id']}", headers=tenant.headers()).json()["name"] == "Meera"


def test_validation_errors_name_the_field(client: httpx.Client, tenant: Tenant) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"email": "a@kaveri.in", "role": "agent"}, "name"),
        ({"name": "A", "email": "not-an-email", "role": "agent"}, "email"),
        ({"name": "A", "email": "a@kaveri.in", "role": "owner"}, "role"),
        ({"name": "", "email": "a@kaveri.in", "role": "agent"}, "name"),
        ({"name": "A", "email": "a@kaveri.in", "role": "agent", "team": "x"}, "team"),
    ]
    for body, field in cases:
        errors = problem(client.post(MEMBERS, json=body, headers=tenant.headers()), 422, "validation_failed")["errors"]
        assert field in [e["field"] for e in errors], (body, errors)
        assert all(e["message"] for e in errors)
    member = create(client, tenant, "v@kaveri.in")
    for body, field in [({"name": None}, "name"), ({"role": "boss"}, "role"), ({"email": None}, "email")]:
        r = client.patch(f"{MEMBERS}/{member['id']}", json=body, headers=tenant.headers())
        assert field in [e["field"] for e in problem(r, 422, "validation_failed")["errors"]]
    assert client.get(f"{MEMBERS}/{member['id']}", headers=tenant.headers()).json() == member


def test_cursor_walk_returns_every_member_once_newest_first(client: httpx.Client, tenant: Tenant) -> None:
    created = [create(client, tenant, f"m{i}@kaveri.in")["id"] for i in range(5)]
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    pages = 0
    while True:
        r = client.get(MEMBERS, params=params, headers=tenant.headers())
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["object"] == "list" and len(body["data"]) <= 2
        seen += [m["id"] for m in body["data"]]
        pages += 1
        if not body["has_more"]:
            assert body["next_cursor"] is None
            break
        params["cursor"] = body["next_cursor"]
    assert seen == list(reversed(created))
    assert pages == 3
    problem(client.get(MEMBERS, params={"cursor": "garbage"}, headers=tenant.headers()), 400, "invalid_request")


def test_deleting_an_assignee_hands_their_conversations_back_to_the_team(client: httpx.Client, tenant: Tenant) -> None:
    member = create(client, tenant, "assignee@kaveri.in")
    other = create(client, tenant, "other@kaveri.in")
    conversations = "/chat/v1/conversations"

    def conversation(assignee: str) -> str:
        made = client.post(conversations, json={"message": {"text": "hello"}}, headers=tenant.headers()).json()
        r = client.post(f"{conversations}/{made['id']}/assign", json={"member_id": assignee}, headers=tenant.headers())
        assert r.status_code == 200 and r.json()["assignee_id"] == assignee
        return str(made["id"])

    open_one, closed_one, kept = conversation(member["id"]), conversation(member["id"]), conversation(other["id"])
    assert client.post(f"{conversations}/{closed_one}/close", json={}, headers=tenant.headers()).status_code == 200

    assert client.delete(f"{MEMBERS}/{member['id']}", headers=tenant.headers()).status_code == 200

    def now(cid: str) -> dict[str, Any]:
        got: dict[str, Any] = client.get(f"{conversations}/{cid}", headers=tenant.headers()).json()
        return got

    assert (now(open_one)["status"], now(open_one)["assignee_id"], now(open_one)["ai_active"]) == (
        "handoff",
        None,
        False,
    )
    assert (now(closed_one)["status"], now(closed_one)["assignee_id"]) == ("closed", None)
    assert (now(kept)["status"], now(kept)["assignee_id"]) == ("assigned", other["id"])
    events = client.get(
        "/chat/v1/events", params={"conversation_id": open_one, "order": "asc"}, headers=tenant.headers()
    ).json()["data"]
    handoff = events[-1]
    assert handoff["type"] == "chat.handoff.requested" and handoff["reason"] == "api"
    assert member["id"] in handoff["detail"] and handoff["last_message_id"].startswith("msg_")
    assert handoff["sequence"] == events[-2]["sequence"] + 1
    for cid in (closed_one, kept):
        kinds = [
            e["type"]
            for e in client.get("/chat/v1/events", params={"conversation_id": cid}, headers=tenant.headers()).json()[
                "data"
            ]
        ]
        assert "chat.handoff.requested" not in kinds
    # And a person can pick it up again.
    r = client.post(f"{conversations}/{open_one}/assign", json={"member_id": other["id"]}, headers=tenant.headers())
    assert r.status_code == 200 and r.json()["status"] == "assigned"


def test_members_need_the_members_manage_scope(client: httpx.Client, tenant: Tenant) -> None:
    r = client.post("/chat/v1/api_keys", json={"scopes": ["conversations:write"]}, headers=tenant.headers())
    limited = {"Authorization": f"Bearer {r.json()['key']}"}
    problem(client.get(MEMBERS, headers=limited), 403, "forbidden")
    problem(
        client.post(MEMBERS, json={"name": "A", "email": "a@k.in", "role": "agent"}, headers=limited), 403, "forbidden"
    )
    assert client.get(MEMBERS, headers=tenant.headers()).json()["data"] == []
