"""The baseline: a bare ASGI endpoint doing the message write the service does, and nothing else.

No framework, no authentication, no validation model, no middleware: one plain
`app(scope, receive, send)` that, for `POST /chat/v1/conversations/{id}/messages`, reads the
JSON body and runs one transaction through asyncpg, and answers 201 with the message as JSON:

    BEGIN; set_config(tenant, mode); INSERT INTO messages …; INSERT INTO events …; COMMIT

The pool is the service's own `kit.db.Database` (same driver, same pool settings, connections
SET ROLE to the non-owner app role so row-level security applies, same reset on release), and
uvicorn runs with the settings `skchat serve` uses: the two differ only in how a request is
handled.

Run as `python -m bench.baseline --port P` with BENCH_BASELINE_DSN (the owner URL),
BENCH_BASELINE_APP_ROLE and BENCH_BASELINE_TENANT_ID in the environment.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import orjson
import uvicorn

from skchat.kit.db import Database, TenantScope
from skchat.kit.ids import new_id
from skchat.kit.timefmt import iso

PREFIX = "/chat/v1/conversations/"
SUFFIX = "/messages"

INSERT_MESSAGE = """
    INSERT INTO messages (tenant_id, livemode, id, conversation_id, role, sender_type, sender_id, text)
    VALUES ($1, $2, $3, $4, 'customer', 'customer', NULL, $5)
    RETURNING id, livemode, conversation_id, role, text, created_at
"""
INSERT_EVENT = """
    INSERT INTO events (tenant_id, livemode, id, type, conversation_id, sequence, data)
    VALUES ($1, $2, $3, 'chat.message.received', $4, NULL, $5)
"""

JSON_HEADERS = [(b"content-type", b"application/json")]

_state: dict[str, Any] = {}


async def _startup() -> None:
    db = Database(
        os.environ["BENCH_BASELINE_DSN"],
        app_role=os.environ["BENCH_BASELINE_APP_ROLE"],
        min_size=int(os.environ.get("BENCH_BASELINE_POOL_MIN", "2")),
        max_size=int(os.environ.get("BENCH_BASELINE_POOL_MAX", "20")),
    )
    await db.connect()
    _state["db"] = db
    _state["scope"] = TenantScope(os.environ["BENCH_BASELINE_TENANT_ID"], False)


async def _respond(send: Any, status: int, body: Any) -> None:
    await send({"type": "http.response.start", "status": status, "headers": JSON_HEADERS})
    await send({"type": "http.response.body", "body": orjson.dumps(body)})


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _post_message(conversation_id: str, body: bytes) -> dict[str, Any]:
    text = orjson.loads(body)["text"]
    db: Database = _state["db"]
    scope: TenantScope = _state["scope"]
    async with db.transaction(scope) as conn:  # BEGIN; set_config(tenant, mode) … COMMIT
        row = await conn.fetchrow(INSERT_MESSAGE, scope.tenant_id, False, new_id("msg"), conversation_id, text)
        assert row is not None
        event = {
            "conversation_id": conversation_id,
            "message_id": row["id"],
            "text": text,
            "intent": None,
            "lang": None,
            "sentiment": None,
            "sentiment_score": None,
            "channel": "api",
        }
        await conn.execute(INSERT_EVENT, scope.tenant_id, False, new_id("evt"), conversation_id, event)
    return {
        "id": row["id"],
        "object": "message",
        "livemode": row["livemode"],
        "conversation_id": row["conversation_id"],
        "role": row["role"],
        "sender": {"type": "customer", "id": None},
        "text": row["text"],
        "intent": None,
        "lang": None,
        "sentiment": None,
        "sentiment_score": None,
        "confidence": None,
        "sources": [],
        "created_at": iso(row["created_at"]),
    }


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await _startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await _state["db"].close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    path: str = scope["path"]
    method: str = scope["method"]
    if method == "POST" and path.startswith(PREFIX) and path.endswith(SUFFIX):
        conversation_id = path[len(PREFIX) : -len(SUFFIX)]
        await _respond(send, 201, await _post_message(conversation_id, await _read_body(receive)))
    elif method == "GET" and path == "/readyz":
        await _respond(send, 200, {"status": "ok"})
    else:
        await _respond(send, 404, {"code": "not_found"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # The same call `skchat serve` makes (loop and HTTP implementation left to uvicorn's "auto").
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
