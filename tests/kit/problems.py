"""Assertions shared by the kit's tests: the problem+json shape and row counts as they really are."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg

PROBLEM_FIELDS = ("type", "title", "status", "detail", "code", "request_id")


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The contract's error shape: problem+json, the stable code, the request id, never a traceback."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    missing = [f for f in PROBLEM_FIELDS if f not in body]
    assert not missing, f"problem lacks {missing}: {body}"
    assert body["status"] == status
    assert body["code"] == code, body
    assert body["type"].endswith(code)
    assert body["request_id"] == response.headers["x-request-id"]
    assert body["request_id"].startswith("req_") or response.request.headers.get("x-request-id")
    text = response.text
    assert "Traceback" not in text and 'File "' not in text and "<html" not in text.lower()
    return body


def count_rows(admin: psycopg.Connection[Any], table: str, tenant_id: str, livemode: bool | None = None) -> int:
    """Rows of one tenant (and mode), seen as a superuser: what is really stored."""
    sql = f"SELECT count(*) FROM {table} WHERE tenant_id = %s"
    args: list[Any] = [tenant_id]
    if livemode is not None:
        sql += " AND livemode = %s"
        args.append(livemode)
    row = admin.execute(sql, args).fetchone()
    assert row is not None
    return int(row[0])


def tenant_counts(admin: psycopg.Connection[Any], tenant_id: str) -> dict[str, int]:
    """Every tenant table's row count for one tenant, to prove a bad request changed nothing."""
    tables = [
        r[0]
        for r in admin.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
        ).fetchall()
    ]
    return {t: count_rows(admin, t, tenant_id) for t in tables}
