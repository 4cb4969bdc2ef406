"""The request's unit of work: who is calling, and the one transaction their request runs in.

`require(scope)` is the dependency every authenticated endpoint takes. It authenticates the
bearer key, rate-limits it, checks the scope, claims the Idempotency-Key of a write, and opens
the request's transaction with the tenant and mode set for row-level security. It never
commits: `UnitOfWorkMiddleware` commits once the response is known (recording it for the
idempotency key in the same transaction) or rolls back on any error.

The transaction is begun by a plain `BEGIN` (see `enter`), which asyncpg's `Transaction` objects
do not know about: code running on `ctx.conn` must not call `conn.transaction()` (asyncpg refuses
it inside a manually begun transaction); a savepoint, if one is ever needed, is a SAVEPOINT
statement.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg
from fastapi import Request

from skchat.kit import idempotency
from skchat.kit.db import Connection
from skchat.kit.errors import Forbidden, RateLimited, Unauthenticated
from skchat.kit.keys import hash_key, key_mode
from skchat.kit.principals import Principal
from skchat.kit.runtime import Runtime, get_runtime

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


@dataclass
class RequestState:
    """Per-request bookkeeping the middleware and the dependency share (in scope['state'])."""

    request_id: str
    runtime: Runtime | None = None
    conn: Connection | None = None
    claim: idempotency.Claim | None = None
    principal: Principal | None = None
    headers: dict[str, str] = field(default_factory=dict)
    wake: set[str] = field(default_factory=set)  # channels to notify once the transaction commits


@dataclass(frozen=True, slots=True)
class Ctx:
    """What a service function gets: the caller and the open, tenant-scoped transaction."""

    principal: Principal
    conn: Connection
    runtime: Runtime
    request_id: str

    @property
    def tenant_id(self) -> str:
        return self.principal.tenant_id

    @property
    def livemode(self) -> bool:
        return self.principal.livemode


class ReplayResponse(Exception):
    def __init__(self, replay: idempotency.Replay) -> None:
        super().__init__("idempotent replay")
        self.replay = replay


def request_state(request: Request) -> RequestState:
    state: RequestState = request.scope["state"]["skchat"]
    return state


def bearer_key(authorization: str | None) -> str:
    if not authorization:
        raise Unauthenticated("Missing Authorization header; send 'Authorization: Bearer sk_…'.")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or key_mode(token) is None:
        raise Unauthenticated("Malformed Authorization header; send 'Authorization: Bearer sk_…'.")
    return token


async def authenticate(conn: Connection, runtime: Runtime, authorization: str | None) -> Principal:
    """The caller of a request that opens no transaction of its own (the MCP gateway's check)."""
    return await look_up(conn, runtime, hash_key(runtime.key_secret, bearer_key(authorization)))


async def look_up(conn: Connection, runtime: Runtime, key_hash: str) -> Principal:
    """Fetch a key's row by its keyed hash, and remember what it says (kit/principals.py)."""
    row = await conn.fetchrow("SELECT id, tenant_id, livemode, scopes FROM skchat_authenticate($1)", key_hash)
    if row is None:
        raise Unauthenticated("Invalid or revoked API key.")
    principal = Principal(row["id"], row["tenant_id"], row["livemode"], frozenset(row["scopes"]))
    runtime.known_keys.remember(key_hash, principal)
    return principal


async def enter(conn: Connection, runtime: Runtime, key_hash: str) -> None:
    """Open the request's transaction, check the key inside it and scope it to the key's tenant.

    One simple-protocol round trip (migration 0008). The hash is inlined rather than bound: a
    simple query takes no parameters, and a hex digest we computed needs no quoting.
    """
    try:
        await conn.execute(f"BEGIN; SELECT skchat_enter('{key_hash}')")
    except asyncpg.InvalidAuthorizationSpecificationError:  # revoked since it was remembered
        runtime.known_keys.forget(key_hash)
        raise Unauthenticated("Invalid or revoked API key.") from None


def require(scope: str | None) -> Callable[[Request], Awaitable[Ctx]]:
    """Dependency factory: an authenticated, scoped, transactional context for one endpoint."""

    async def dependency(request: Request) -> Ctx:
        runtime = get_runtime(request)
        state = request_state(request)
        state.runtime = runtime
        # A malformed header is refused before it costs a connection.
        key_hash = hash_key(runtime.key_secret, bearer_key(request.headers.get("authorization")))
        state.conn = conn = await runtime.db.pool.acquire()
        key = request.headers.get("idempotency-key")
        idempotent = key is not None and request.method in WRITE_METHODS
        principal = None if idempotent else runtime.known_keys.get(key_hash)
        if principal is None:
            # The idempotency claim commits on its own, before the request's transaction, so
            # its key is checked first rather than only by enter().
            principal = await look_up(conn, runtime, key_hash)
        if not idempotent:
            await enter(conn, runtime, key_hash)
        state.principal = principal

        decision = runtime.buckets.take(principal.key_id)
        state.headers.update(decision.headers())
        if not decision.allowed:
            raise RateLimited("Too many requests for this API key; retry after the Retry-After delay.")
        if scope is not None and scope not in principal.scopes:
            raise Forbidden(f"This API key lacks the '{scope}' scope.")

        if key is not None and idempotent:
            # The claim must commit on its own (so a concurrent twin sees it at once), so the
            # request's transaction starts only after it.
            key = idempotency.validate_key(key)
            outcome = await idempotency.claim(
                conn,
                principal.scope,
                key,
                request.method,
                request.url.path,
                idempotency.fingerprint(request.method, request.url.path, await request.body()),
                lock_timeout_s=runtime.settings.idempotency_lock_timeout_s,
                retention_s=runtime.settings.idempotency_retention_s,
            )
            if isinstance(outcome, idempotency.Replay):
                raise ReplayResponse(outcome)
            state.claim = outcome
            await enter(conn, runtime, key_hash)
        return Ctx(principal, conn, runtime, state.request_id)

    return dependency
