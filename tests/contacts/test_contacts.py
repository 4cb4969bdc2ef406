"""Contacts through the real HTTP API: read, list, correct, export, and erase."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import psycopg

from tests.conftest import Tenant

CONTACTS = "/chat/v1/contacts"


def problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["code"] == code, body
    return body


def converse(client: httpx.Client, tenant: Tenant, contact: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"contact": contact}
    if text is not None:
        body["message"] = {"text": text}
    r = client.post("/chat/v1/conversations", json=body, headers=tenant.headers())
    assert r.status_code == 201, r.text
    conversation: dict[str, Any] = r.json()
    return conversation


def walk(client: httpx.Client, path: str, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {"limit": 100, **params}
    while True:
        r = client.get(path, params=query, headers=headers)
        assert r.status_code == 200, r.text
        items += r.json()["data"]
        if not r.json()["has_more"]:
            return items
        query["cursor"] = r.json()["next_cursor"]


def test_get_list_and_patch(client: httpx.Client, tenant: Tenant) -> None:
    conv = converse(client, tenant, {"external_id": "u-1", "name": "Asha", "phone": "+919800000000"})
    contact_id = conv["contact"]["id"]
    url = f"{CONTACTS}/{contact_id}"
    contact = client.get(url, headers=tenant.headers()).json()
    assert contact["id"].startswith("ctc_")
    assert {k: contact[k] for k in ("object", "livemode", "external_id", "name", "phone", "email", "metadata")} == {
        "object": "contact",
        "livemode": False,
        "external_id": "u-1",
        "name": "Asha",
        "phone": "+919800000000",
        "email": None,
        "metadata": {},
    }
    assert contact["erased_at"] is None and contact["created_at"].endswith("Z")
    assert client.get(CONTACTS, headers=tenant.headers()).json()["data"] == [contact]

    r = client.patch(
        url,
        json={"email": "asha@example.com", "phone": None, "metadata": {"tier": "gold", "city": "Chennai"}},
        headers=tenant.headers(),
    )
    assert r.status_code == 200, r.text
    r = client.patch(url, json={"metadata": {"city": None, "vip": True}, "name": "Asha R"}, headers=tenant.headers())
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["email"] == "asha@example.com" and updated["phone"] is None and updated["name"] == "Asha R"
    assert updated["metadata"] == {"tier": "gold", "vip": True}
    assert updated["external_id"] == "u-1" and updated["updated_at"] > contact["updated_at"]
    assert client.get(url, headers=tenant.headers()).json() == updated
    # The conversation embeds the corrected summary.
    summary = client.get(f"/chat/v1/conversations/{conv['id']}", headers=tenant.headers()).json()["contact"]
    assert summary == {"id": contact_id, "external_id": "u-1", "name": "Asha R"}


def test_external_id_clash_is_a_conflict(client: httpx.Client, tenant: Tenant) -> None:
    a = converse(client, tenant, {"external_id": "u-a"})["contact"]["id"]
    b = converse(client, tenant, {"external_id": "u-b"})["contact"]["id"]
    problem(client.patch(f"{CONTACTS}/{b}", json={"external_id": "u-a"}, headers=tenant.headers()), 409, "conflict")
    assert client.get(f"{CONTACTS}/{b}", headers=tenant.headers()).json()["external_id"] == "u-b"
    assert client.patch(f"{CONTACTS}/{a}", json={"external_id": "u-a"}, headers=tenant.headers()).status_code == 200
    r = client.patch(f"{CONTACTS}/{a}", json={"external_id": "u-c"}, headers=tenant.headers())
    assert r.status_code == 200 and r.json()["external_id"] == "u-c"
    # u-a is free now.
    assert client.patch(f"{CONTACTS}/{b}", json={"external_id": "u-a"}, headers=tenant.headers()).status_code == 200


def test_unknown_other_tenant_and_other_mode_ids_are_404(
    client: httpx.Client, tenant: Tenant, make_tenant: Callable[[str], Tenant]
) -> None:
    contact_id = converse(client, tenant, {"name": "Asha"}, "hello")["contact"]["id"]
    other = make_tenant("Other Shop")
    cases = [
        (tenant.headers(), "ctc_01JUNKNOWN0000000000000000"),
        (other.headers(), contact_id),
        (tenant.headers(live=True), contact_id),
    ]
    for headers, cid in cases:
        problem(client.get(f"{CONTACTS}/{cid}", headers=headers), 404, "not_found")
        problem(client.get(f"{CONTACTS}/{cid}/export", headers=headers), 404, "not_found")
        problem(client.patch(f"{CONTACTS}/{cid}", json={"name": "X"}, headers=headers), 404, "not_found")
        problem(client.delete(f"{CONTACTS}/{cid}", headers=headers), 404, "not_found")
    contact = client.get(f"{CONTACTS}/{contact_id}", headers=tenant.headers()).json()
    assert contact["name"] == "Asha" and contact["erased_at"] is None


def test_validation_errors_name_the_field(client: httpx.Client, tenant: Tenant) -> None:
    contact = client.get(
        f"{CONTACTS}/{converse(client, tenant, {'name': 'Asha'})['contact']['id']}", headers=tenant.headers()
    ).json()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"email": "nope"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"name": ""}, "name"),
        ({"external_id": ""}, "external_id"),
        ({"metadata": {"nested": {"a": 1}}}, "metadata"),
        ({"livemode": True}, "livemode"),
    ]
    for body, field in cases:
        r = client.patch(f"{CONTACTS}/{contact['id']}", json=body, headers=tenant.headers())
        errors = problem(r, 422, "validation_failed")["errors"]
        assert field in [e["field"] for e in errors], (body, errors)
    assert client.get(f"{CONTACTS}/{contact['id']}", headers=tenant.headers()).json() == contact


def test_cursor_walk_returns_every_contact_once_newest_first(client: httpx.Client, tenant: Tenant) -> None:
    created = [converse(client, tenant, {"name": f"C{i}"})["contact"]["id"] for i in range(5)]
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    pages = 0
    while True:
        body = client.get(CONTACTS, params=params, headers=tenant.headers()).json()
        assert len(body["data"]) <= 2
        seen += [c["id"] for c in body["data"]]
        pages += 1
        if not body["has_more"]:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == list(reversed(created)) and pages == 3


def test_export_holds_everything_as_the_api_renders_it(client: httpx.Client, tenant: Tenant) -> None:
    first = converse(client, tenant, {"external_id": "exp-1", "name": "Asha"}, "Do you deliver to Chennai?")
    second = converse(client, tenant, {"external_id": "exp-1"}, "Where is my order?")
    member = client.post(
        "/chat/v1/members",
        json={"name": "Meera", "email": "meera@kaveri.in", "role": "agent"},
        headers=tenant.headers(),
    ).json()
    r = client.post(
        f"/chat/v1/conversations/{second['id']}/messages",
        json={"role": "agent", "text": "It ships today.", "member_id": member["id"]},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text
    converse(client, tenant, {"external_id": "someone-else"}, "not in the export")
    contact_id = first["contact"]["id"]
    assert second["contact"]["id"] == contact_id

    r = client.get(f"{CONTACTS}/{contact_id}/export", headers=tenant.headers())
    assert r.status_code == 200, r.text
    export = r.json()
    assert export["object"] == "contact_export"
    assert export["contact"] == client.get(f"{CONTACTS}/{contact_id}", headers=tenant.headers()).json()
    assert [c["id"] for c in export["conversations"]] == [first["id"], second["id"]]
    expected_events: list[dict[str, Any]] = []
    for exported in export["conversations"]:
        messages = exported.pop("messages")
        alone = client.get(f"/chat/v1/conversations/{exported['id']}", headers=tenant.headers()).json()
        alone.pop("messages", None)  # GET answers "messages": null; only create fills it
        assert exported == alone
        assert messages == walk(client, f"/chat/v1/conversations/{exported['id']}/messages", tenant.headers())
        expected_events += walk(
            client, "/chat/v1/events", tenant.headers(), conversation_id=exported["id"], order="asc"
        )
    assert export["events"] == sorted(expected_events, key=lambda e: (e["created_at"], e["id"]))
    assert len(export["events"]) == 5  # created + received, twice; then sent
    assert "not in the export" not in r.text


def _rows_containing(admin_sql: psycopg.Connection[Any], tenant_id: str, needle: str) -> dict[str, int]:
    pattern = f"%{needle}%"
    counts = {}
    for table in ("messages", "contacts", "events", "conversations"):
        row = admin_sql.execute(
            f"SELECT count(*) FROM {table} t WHERE t.tenant_id = %s AND row_to_json(t)::text ILIKE %s",
            [tenant_id, pattern],
        ).fetchone()
        assert row is not None
        counts[table] = int(row[0])
    return counts


def test_erasure_removes_personal_data_and_texts_everywhere(
    client: httpx.Client, tenant: Tenant, admin_sql: psycopg.Connection[Any]
) -> None:
    person = {"external_id": "erase-me", "name": "Zarina Qadir", "phone": "+919811111111", "email": "zq@example.com"}
    first = converse(client, tenant, person, "My flat is 7 Marigold Lane, call 9811111111")
    second = converse(client, tenant, {"external_id": "erase-me"}, "Marigold Lane again")
    member = client.post(
        "/chat/v1/members",
        json={"name": "Meera", "email": "meera@kaveri.in", "role": "agent"},
        headers=tenant.headers(),
    ).json()
    for role in ("agent", "note"):
        r = client.post(
            f"/chat/v1/conversations/{second['id']}/messages",
            json={"role": role, "text": f"Zarina at Marigold Lane ({role})", "member_id": member["id"]},
            headers=tenant.headers(),
        )
        assert r.status_code == 201, r.text
    contact_id = first["contact"]["id"]
    client.patch(f"{CONTACTS}/{contact_id}", json={"metadata": {"pin": "600042"}}, headers=tenant.headers())
    bystander = converse(client, tenant, {"name": "Bystander Bala"}, "Bala keeps his Marigold text")
    events_before = walk(client, "/chat/v1/events", tenant.headers(), conversation_id=first["id"], order="asc")
    assert _rows_containing(admin_sql, tenant.tenant_id, "Zarina")["events"] > 0

    r = client.delete(f"{CONTACTS}/{contact_id}", headers=tenant.headers())
    assert r.status_code == 200, r.text
    assert r.json() == {"id": contact_id, "object": "contact", "deleted": True}

    contact = client.get(f"{CONTACTS}/{contact_id}", headers=tenant.headers()).json()
    assert {k: contact[k] for k in ("external_id", "name", "phone", "email", "metadata")} == {
        "external_id": None,
        "name": None,
        "phone": None,
        "email": None,
        "metadata": {},
    }
    assert contact["erased_at"] is not None

    export = client.get(f"{CONTACTS}/{contact_id}/export", headers=tenant.headers())
    assert export.status_code == 200
    for needle in ("Zarina", "Marigold", "9811111111", "zq@example.com", "erase-me", "600042"):
        assert needle not in export.text, needle
    exported = export.json()
    assert [len(c["messages"]) for c in exported["conversations"]] == [1, 3]  # counts stay
    assert {m["text"] for c in exported["conversations"] for m in c["messages"]} == {""}
    assert [c["contact"] for c in exported["conversations"]] == [
        {"id": contact_id, "external_id": None, "name": None}
    ] * 2

    for conv in (first, second):
        messages = walk(client, f"/chat/v1/conversations/{conv['id']}/messages", tenant.headers())
        assert messages and all(m["text"] == "" for m in messages)
        events = client.get("/chat/v1/events", params={"conversation_id": conv["id"]}, headers=tenant.headers())
        assert events.status_code == 200 and events.json()["data"]
        assert "Zarina" not in events.text and "Marigold" not in events.text and "erase-me" not in events.text
    events_after = walk(client, "/chat/v1/events", tenant.headers(), conversation_id=first["id"], order="asc")
    assert [(e["id"], list(e)) for e in events_after] == [(e["id"], list(e)) for e in events_before]  # shape, order

    for needle in ("Zarina", "Marigold", "9811111111", "zq@example.com", "erase-me", "600042"):
        counts = _rows_containing(admin_sql, tenant.tenant_id, needle)
        if needle == "Marigold":
            assert counts == {"messages": 1, "contacts": 0, "events": 1, "conversations": 0}  # the bystander's
        else:
            assert counts == {"messages": 0, "contacts": 0, "events": 0, "conversations": 0}, needle
    bystander_messages = walk(client, f"/chat/v1/conversations/{bystander['id']}/messages", tenant.headers())
    assert [m["text"] for m in bystander_messages] == ["Bala keeps his Marigold text"]
    assert client.get(f"{CONTACTS}/{bystander['contact']['id']}", headers=tenant.headers()).json()["name"] == (
        "Bystander Bala"
    )

    # Erased stays erased: no edits, erasing again is fine, and the old external_id is a new person.
    problem(client.patch(f"{CONTACTS}/{contact_id}", json={"name": "Back"}, headers=tenant.headers()), 409, "conflict")
    assert client.delete(f"{CONTACTS}/{contact_id}", headers=tenant.headers()).status_code == 200
    again = client.get(f"{CONTACTS}/{contact_id}", headers=tenant.headers()).json()
    assert again["erased_at"] == contact["erased_at"]
    assert converse(client, tenant, {"external_id": "erase-me"})["contact"]["id"] != contact_id


def test_scopes(client: httpx.Client, tenant: Tenant) -> None:
    contact_id = converse(client, tenant, {"name": "Asha"})["contact"]["id"]

    def key(*scopes: str) -> dict[str, str]:
        r = client.post("/chat/v1/api_keys", json={"scopes": list(scopes)}, headers=tenant.headers())
        return {"Authorization": f"Bearer {r.json()['key']}"}

    reader = key("contacts:read")
    assert client.get(f"{CONTACTS}/{contact_id}/export", headers=reader).status_code == 200
    problem(client.patch(f"{CONTACTS}/{contact_id}", json={"name": "X"}, headers=reader), 403, "forbidden")
    problem(client.delete(f"{CONTACTS}/{contact_id}", headers=reader), 403, "forbidden")
    conversations_only = key("conversations:read", "conversations:write")
    problem(client.get(CONTACTS, headers=conversations_only), 403, "forbidden")
    problem(client.get(f"{CONTACTS}/{contact_id}/export", headers=conversations_only), 403, "forbidden")
    assert client.get(f"{CONTACTS}/{contact_id}", headers=tenant.headers()).json()["name"] == "Asha"
