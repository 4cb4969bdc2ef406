"""`skchat import DIR --key …` as a user runs it: a subprocess against the test server, twice, and bad folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Tenant
from tests.kit.problems import count_rows

SKCHAT = [sys.executable, "-m", "skchat.cli"]


def skchat_import(folder: Path, key: str, base_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKCHAT_")}
    env["COLUMNS"] = "160"
    return subprocess.run(
        [*SKCHAT, "import", str(folder), "--key", key, "--api", base_url, *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def snapshot(admin: psycopg.Connection[Any], tenant_id: str) -> list[Any]:
    """What a second import must not touch: every row's update time, and the corpus version."""
    rows = []
    for table, key in (("knowledge_articles", "id"), ("catalog_items", "id"), ("intents", "name")):
        rows += admin.execute(
            f"SELECT {key}, updated_at FROM {table} WHERE tenant_id = %s ORDER BY 1", [tenant_id]
        ).fetchall()
    rows += admin.execute(
        "SELECT livemode, version, changed_at FROM corpus_versions WHERE tenant_id = %s ORDER BY 1", [tenant_id]
    ).fetchall()
    rows += admin.execute("SELECT id, updated_at FROM agents WHERE tenant_id = %s ORDER BY 1", [tenant_id]).fetchall()
    return rows


def test_import_twice_loads_the_store_then_changes_nothing(
    client: httpx.Client,
    make_tenant: Callable[[str], Tenant],
    base_url: str,
    demo_store: Path,
    admin_sql: psycopg.Connection[Any],
) -> None:
    tenant = make_tenant("Acme")
    first = skchat_import(demo_store, tenant.test_key, base_url, "--json")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    counts = summary["counts"]
    articles, items = lines(demo_store / "knowledge.jsonl"), lines(demo_store / "catalog.jsonl")
    intents = json.loads((demo_store / "intents.json").read_text(encoding="utf-8"))
    assert counts["article"] == {"created": len(articles), "updated": 0, "unchanged": 0, "failed": 0}
    assert counts["item"] == {"created": len(items), "updated": 0, "unchanged": 0, "failed": 0}
    assert counts["intent"] == {"created": len(intents), "updated": 0, "unchanged": 0, "failed": 0}
    assert counts["store"]["updated"] == 1 and summary["failed"] == 0
    # Its last request built the tenant's index and intent model in the server (it once went to a
    # wrong path, 404, and the first customer message paid for the build instead).
    assert summary["agent_ready"] is True

    # What landed, as the API shows it: ids kept, price_inr mapped, the rest in attributes.
    towel = next(i for i in items if i["id"] == "itm_towel_bath_cotton_white")
    got = client.get(f"/chat/v1/catalog/items/{towel['id']}", headers=tenant.headers()).json()
    assert got["price"] == f"{towel['price_inr']}.00" and got["currency"] == "INR"
    assert got["attributes"] == {k: towel[k] for k in ("sizes", "colors", "stock_by_size")}
    assert got["in_stock"] is towel["in_stock"] and got["category"] == towel["category"]
    article = client.get("/chat/v1/knowledge/articles/kb_delivery_chennai_hi", headers=tenant.headers()).json()
    source = next(a for a in articles if a["id"] == "kb_delivery_chennai_hi")
    assert {k: article[k] for k in ("title", "body", "intent", "tags", "lang")} == {
        k: source[k] for k in ("title", "body", "intent", "tags", "lang")
    }
    intent = client.get(f"/chat/v1/intents/{intents[0]['name']}", headers=tenant.headers()).json()
    assert intent["examples"] == intents[0]["examples"]
    agent = client.get(f"/chat/v1/agents/{tenant.agent_id}", headers=tenant.headers()).json()
    assert agent["name"] == "Kaveri Threads assistant" and agent["languages"] == ["en", "hi", "ta"]
    assert agent["greeting"] == "Hi! Welcome to Kaveri Threads. How can we help?"
    assert agent["widget"]["title"] == "Kaveri Threads"
    # Test key, test mode only.
    assert count_rows(admin_sql, "knowledge_articles", tenant.tenant_id, livemode=True) == 0
    assert count_rows(admin_sql, "knowledge_articles", tenant.tenant_id, livemode=False) == len(articles)

    before = snapshot(admin_sql, tenant.tenant_id)
    second = skchat_import(demo_store, tenant.test_key, base_url)
    assert second.returncode == 0, second.stderr
    assert "Nothing changed" in second.stdout, second.stdout
    assert "unchanged" in second.stdout and "knowledge articles" in second.stdout
    assert snapshot(admin_sql, tenant.tenant_id) == before


def test_a_changed_line_is_updated_and_a_custom_greeting_is_kept(
    client: httpx.Client,
    make_tenant: Callable[[str], Tenant],
    base_url: str,
    demo_store: Path,
    tmp_path: Path,
) -> None:
    tenant = make_tenant("Kaveri Threads")
    folder = tmp_path / "store"
    shutil.copytree(demo_store, folder)
    assert skchat_import(folder, tenant.test_key, base_url).returncode == 0
    greeting = {"greeting": "Vanakkam! Ask us anything."}
    client.patch(f"/chat/v1/agents/{tenant.agent_id}", json=greeting, headers=tenant.headers())

    items = lines(folder / "catalog.jsonl")
    items[0]["price_inr"] += 100
    items[0]["stock_by_size"] = dict.fromkeys(items[0]["stock_by_size"], 0)
    (folder / "catalog.jsonl").write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    result = skchat_import(folder, tenant.test_key, base_url, "--json")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)["counts"]
    assert counts["item"] == {"created": 0, "updated": 1, "unchanged": len(items) - 1, "failed": 0}
    assert counts["article"]["updated"] == 0 and counts["store"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "failed": 0,
    }
    got = client.get(f"/chat/v1/catalog/items/{items[0]['id']}", headers=tenant.headers()).json()
    assert got["price"] == f"{items[0]['price_inr']}.00"
    assert set(got["attributes"]["stock_by_size"].values()) == {0}
    agent = client.get(f"/chat/v1/agents/{tenant.agent_id}", headers=tenant.headers()).json()
    assert agent["greeting"] == greeting["greeting"]


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        (
            "catalog.jsonl",
            '{"id": "itm_a", "name": "A", "price_inr": 10}\n{"id": "itm_b", "name": "B",\n',
            ":2: not valid JSON",
        ),
        ("catalog.jsonl", '{"id": "itm_a", "name": "A", "price_inr": -5}\n', "catalog.jsonl:1: price_inr"),
        ("catalog.jsonl", '{"name": "No id", "price_inr": 5}\n', "catalog.jsonl:1: id: required"),
        (
            "knowledge.jsonl",
            '\n{"id": "kb_a", "title": "T", "body": "B"}\n{"id": "kb_b", "title": ""}\n',
            "knowledge.jsonl:3: title",
        ),
        (
            "knowledge.jsonl",
            '{"id": "kb_a", "title": "T", "body": "B"}\n{"id": "kb_a", "title": "T", "body": "C"}\n',
            "already appears on line 1",
        ),
        ("intents.json", '[{"name": "Bad Name"}]', "intents.json: intent #1: name"),
        ("store.json", '{"name": "S", "languages": ["english!"]}', "store.json: languages"),
    ],
)
def test_a_bad_line_is_reported_with_its_place_and_nothing_is_sent(
    make_tenant: Callable[[str], Tenant],
    base_url: str,
    tmp_path: Path,
    admin_sql: psycopg.Connection[Any],
    file: str,
    content: str,
    message: str,
) -> None:
    tenant = make_tenant("Kaveri Threads")
    (tmp_path / "knowledge.jsonl").write_text('{"id": "kb_ok", "title": "Fine", "body": "A good line."}\n')
    (tmp_path / file).write_text(content, encoding="utf-8")
    result = skchat_import(tmp_path, tenant.test_key, base_url)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr, result.stderr
    assert "nothing was sent" in result.stderr
    assert "Traceback" not in result.stderr
    assert count_rows(admin_sql, "knowledge_articles", tenant.tenant_id) == 0


def test_bad_folder_bad_key_and_unreachable_server(
    make_tenant: Callable[[str], Tenant], base_url: str, tmp_path: Path, demo_store: Path
) -> None:
    tenant = make_tenant("Kaveri Threads")
    missing = skchat_import(tmp_path / "nope", tenant.test_key, base_url)
    assert missing.returncode == 2 and "not a directory" in missing.stderr
    empty = skchat_import(tmp_path, tenant.test_key, base_url)
    assert empty.returncode == 2 and "is this a store folder?" in empty.stderr
    malformed = skchat_import(demo_store, "not-a-key", base_url)
    assert malformed.returncode == 2 and "sk_test_" in malformed.stderr
    revoked = skchat_import(demo_store, "sk_test_" + "x" * 40, base_url)
    assert revoked.returncode == 2 and "refused" in revoked.stderr and "unauthenticated" in revoked.stderr
    down = skchat_import(demo_store, tenant.test_key, "http://127.0.0.1:9")
    assert down.returncode == 2 and "Cannot reach" in down.stderr and "Traceback" not in down.stderr


def test_a_key_without_knowledge_write_fails_per_record_and_exits_1(
    client: httpx.Client, make_tenant: Callable[[str], Tenant], base_url: str, tmp_path: Path
) -> None:
    tenant = make_tenant("Kaveri Threads")
    r = client.post("/chat/v1/api_keys", json={"name": "ro", "scopes": ["knowledge:read"]}, headers=tenant.headers())
    (tmp_path / "knowledge.jsonl").write_text('{"id": "kb_ok", "title": "Fine", "body": "A good line."}\n')
    result = skchat_import(tmp_path, r.json()["key"], base_url, "--json")
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    assert summary["counts"]["article"]["failed"] == 1
    assert summary["errors"] == [
        "knowledge.jsonl:1 (kb_ok): 403 forbidden: This API key lacks the 'knowledge:write' scope."
    ]
