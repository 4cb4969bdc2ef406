"""The ASGI middleware that owns each request's transaction, request id, size limit and access log.

Responses of requests that opened a transaction are held back until the transaction ends:
a 2xx/3xx commits (after recording the response for its Idempotency-Key, in the same
transaction), anything else rolls back and releases the key. The client therefore never sees
a success for a write that did not commit, and never sees a commit it was not told about
except as a replayable idempotent response.
"""

from __future__ import annotations

import re
import time

import asyncpg
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skchat.kit import idempotency, metrics, notify
from skchat.kit.context import RequestState
from skchat.kit.errors import ApiError, InternalError, PayloadTooLarge, Unavailable, problem
from skchat.kit.ids import new_id

log = structlog.get_logger("skchat.http")
REQUEST_ID = re.compile(r"^[A-Za-z0-9_.:\-]{8,128}$")


class UnitOfWorkMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and REQUEST_ID.match(incoming) else new_id("req")
        state = RequestState(request_id)
        scope.setdefault("state", {})["skchat"] = state
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status_holder = {"status": 500}

        async def send_final(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend((k.lower().encode(), v.encode()) for k, v in state.headers.items())
                message = {**message, "headers": headers}
            await send(message)

        try:
            length = _header(scope, b"content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
                await _send_problem(send_final, PayloadTooLarge(_too_large(self.max_body_bytes)), request_id)
                return
            with notify.collect() as state.wake:
                await self._run(scope, self._limited(receive), send_final, state)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            elapsed = time.perf_counter() - started
            metrics.observe_request(scope["method"], template, status_holder["status"], elapsed)
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status_holder["status"],
                duration_ms=round(elapsed * 1000, 2),
            )

    async def _run(self, scope: Scope, receive: Receive, send: Send, state: RequestState) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        sent_start = False

        async def buffered_send(message: Message) -> None:
            nonlocal start, sent_start
            if state.conn is None:
                sent_start = sent_start or message["type"] == "http.response.start"
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            body = b"".join(chunks)
            outcome = await self._finish(state, start["status"], start.get("headers", []), body)
            sent_start = True
            if outcome is not None:  # the commit failed: tell the truth instead
                await _send_problem(send, outcome, state.request_id)
                return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        try:
            await self.app(scope, receive, buffered_send)
        except Exception as exc:
            await self._abort(state)
            error: ApiError
            if isinstance(exc, (OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError)):
                log.warning("database unavailable", error=repr(exc))
                error = Unavailable("The database is unreachable; retry shortly.")
            else:
                log.exception("unhandled error")
                error = InternalError("An internal error occurred; it has been logged with this request id.")
            if not sent_start:
                await _send_problem(send, error, state.request_id)
        finally:
            await self._abort(state)

    async def _finish(
        self, state: RequestState, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> ApiError | None:
        conn = state.conn
        assert conn is not None
        try:
            # The transaction is enter()'s; a request that opened none (an idempotent replay) commits nothing.
            if status < 400 and conn.is_in_transaction():
                if state.claim is not None:
                    decoded = {k.decode().lower(): v.decode() for k, v in headers}
                    await idempotency.complete(conn, state.claim, status, decoded, body)
                if await conn.execute("COMMIT") != "COMMIT":
                    # PostgreSQL answers a COMMIT of a failed transaction with ROLLBACK, no error.
                    raise asyncpg.InterfaceError("the transaction had failed; COMMIT rolled it back")
                state.claim = None
                assert state.runtime is not None
                state.runtime.db.notifier.poke(state.wake)
            return None
        except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError) as exc:
            log.exception("commit failed", error=repr(exc))
            return Unavailable("The change could not be committed; nothing was written. Retry.")
        finally:
            await self._abort(state)

    async def _abort(self, state: RequestState) -> None:
        """Roll back whatever is still open, release the idempotency claim, return the connection."""
        conn = state.conn
        if conn is None:
            return
        state.conn = None
        try:
            if conn.is_in_transaction():  # enter()'s BEGIN, whatever state it is in now
                await conn.execute("ROLLBACK")
            if state.claim is not None:
                await idempotency.release(conn, state.claim)
        except Exception:
            log.exception("rollback failed")
        finally:
            state.claim = None
            assert state.runtime is not None
            await state.runtime.db.pool.release(conn)  # type: ignore[arg-type]

    def _limited(self, receive: Receive) -> Receive:
        received = 0
        limit = self.max_body_bytes

        async def wrapped() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(_too_large(limit))
            return message

        return wrapped


def _too_large(limit: int) -> str:
    return f"The request body is larger than {limit // 1024} KiB."


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            decoded: str = value.decode("latin-1")
            return decoded
    return None


async def _send_problem(send: Send, error: ApiError, request_id: str) -> None:
    response = problem(error, request_id)
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": response.raw_headers,
        }
    )
    await send({"type": "http.response.body", "body": response.body})
