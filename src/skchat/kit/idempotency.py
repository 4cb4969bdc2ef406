"""Idempotency-Key: one write per key, whatever the retries, double-clicks or races.

The protocol, per (tenant, mode, key):
1. `claim()` inserts a `running` row in a transaction of its own and commits it, so a
   concurrent request with the same key sees it at once and gets 409 `idempotency_key_in_use`
   (the unique primary key makes exactly one of N racing inserts win).
2. The request does its writes in its own transaction; `complete()` stores the response in
   that same transaction, so "the write happened" and "the response is recorded" commit
   together: a retry after a crash either replays or finds nothing to replay, never writes twice.
3. A request that fails (any 4xx/5xx, so nothing was written) `release()`s its claim; the key
   can be used again. A claim whose request died without releasing it is taken over after
   `lock_timeout_s`; a finished key is kept for `retention_s` (24 h).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from skchat.kit.db import Connection, TenantScope, set_scope
from skchat.kit.errors import IdempotencyKeyInUse, IdempotencyKeyReused, InvalidRequest

REPLAYED_HEADERS = ("content-type", "location")


@dataclass(frozen=True, slots=True)
class Claim:
    scope: TenantScope
    key: str


@dataclass(frozen=True, slots=True)
class Replay:
    status: int
    headers: dict[str, str]
    body: bytes


def validate_key(key: str) -> str:
    if not 1 <= len(key) <= 255 or not all(0x20 <= ord(c) <= 0x7E for c in key):
        raise InvalidRequest("Idempotency-Key must be 1-255 printable ASCII characters.")
    return key


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Same method, path and JSON value: the same request, whatever the key order or spacing."""
    try:
        canonical = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS) if body else b""
    except orjson.JSONDecodeError:
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


async def claim(
    conn: Connection,
    scope: TenantScope,
    key: str,
    method: str,
    path: str,
    body_fingerprint: str,
    *,
    lock_timeout_s: float,
    retention_s: float,
) -> Claim | Replay:
    async with conn.transaction():
        await set_scope(conn, scope)
        won = await conn.fetchval(
            """
            INSERT INTO idempotency_keys AS k
                (tenant_id, livemode, key, method, path, fingerprint, state)
            VALUES ($1, $2, $3, $4, $5, $6, 'running')
            ON CONFLICT (tenant_id, livemode, key) DO UPDATE
                SET method = EXCLUDED.method, path = EXCLUDED.path,
                    fingerprint = EXCLUDED.fingerprint, state = 'running',
                    response_status = NULL, response_headers = NULL, response_body = NULL,
                    created_at = clock_timestamp(), locked_at = clock_timestamp()
                WHERE k.created_at < clock_timestamp() - make_interval(secs => $7)
                   OR (k.state = 'running' AND k.fingerprint = EXCLUDED.fingerprint
                       AND k.locked_at < clock_timestamp() - make_interval(secs => $8))
            RETURNING true
            """,
            scope.tenant_id,
            scope.livemode,
            key,
            method,
            path,
            body_fingerprint,
            retention_s,
            lock_timeout_s,
        )
        if won:
            return Claim(scope, key)
        row = await conn.fetchrow(
            """
            SELECT method, path, fingerprint, state, response_status, response_headers, response_body
            FROM idempotency_keys WHERE tenant_id = $1 AND livemode = $2 AND key = $3
            """,
            scope.tenant_id,
            scope.livemode,
            key,
        )
    if row is None:  # released between our insert and select: the caller may simply retry
        raise IdempotencyKeyInUse("A request with this Idempotency-Key was just in progress; retry.")
    if (row["method"], row["path"], row["fingerprint"]) != (method, path, body_fingerprint):
        raise IdempotencyKeyReused("This Idempotency-Key was already used with a different method, path or body.")
    if row["state"] == "running":
        raise IdempotencyKeyInUse("A request with this Idempotency-Key is still in progress.")
    return Replay(row["response_status"], dict(row["response_headers"] or {}), bytes(row["response_body"]))


async def complete(conn: Connection, claim_: Claim, status: int, headers: dict[str, str], body: bytes) -> None:
    """Record the response inside the request's own transaction (see the module docstring)."""
    kept: dict[str, Any] = {k: v for k, v in headers.items() if k in REPLAYED_HEADERS}
    await conn.execute(
        """
        UPDATE idempotency_keys
        SET state = 'done', response_status = $4, response_headers = $5, response_body = $6
        WHERE tenant_id = $1 AND livemode = $2 AND key = $3
        """,
        claim_.scope.tenant_id,
        claim_.scope.livemode,
        claim_.key,
        status,
        kept,
        body,
    )


async def release(conn: Connection, claim_: Claim) -> None:
    """Forget a claim whose request wrote nothing, so the same key can be retried."""
    async with conn.transaction():
        await set_scope(conn, claim_.scope)
        await conn.execute(
            "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND livemode = $2 AND key = $3 AND state = 'running'",
            claim_.scope.tenant_id,
            claim_.scope.livemode,
            claim_.key,
        )
