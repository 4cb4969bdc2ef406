"""The request's unit of work: who is calling, and the one transaction their request runs in.

`require(scope)` is the dependency every authenticated endpoint takes. It authenticates the
bearer key, rate-limits it, checks the scope, claims the Idempotency-Key of a write, and opens
the request's transaction with the tenant and mode set for row-level security. It never
commits: `UnitOfWorkMiddleware` commits once the response is known (recording it for the
idempotency key in the same transaction) or rolls back on any error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from asyncpg.transaction import Transaction
from fastapi import Request

from skchat.kit import idempotency
from skchat.kit.db import Connection, TenantScope, set_scope
from skchat.kit.errors import Forbidden, RateLimited, Unauthenticated
from skchat.kit.keys import hash_key, key_mode
from skchat.kit.runtime import Runtime, get_runtime

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: str
    tenant_id: str
    livemode: bool
    scopes: frozenset[str]

    @property
    def scope(self) -> TenantScope:
        return TenantScope(self.tenant_id, self.livemode)


@dataclass
class RequestState:
    """Per-request bookkeeping the middleware and the dependency share (in scope['state'])."""

    request_id: str
    runtime: Runtime | None = None
    conn: Connection | None = None
    tx: Transaction | None = None
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


async def authenticate(
    conn: Connection, runtime: Runtime, authorization: str | None, *, set_tenant: bool = False
) -> Principal:
    """Look the key up by its keyed hash. A revoked key is gone at once: no cache in between.

    With `set_tenant` (inside the request's transaction) the same statement also sets the
    tenant and mode for row-level security: one round trip instead of two on the hot path.
    """
    token = bearer_key(authorization)
    sql = "SELECT id, tenant_id, livemode, scopes FROM skchat_authenticate($1)"
    if set_tenant:
        sql = (
            "SELECT a.id, a.tenant_id, a.livemode, a.scopes, "
            "set_config('skchat.tenant_id', a.tenant_id, true), "
            "set_config('skchat.livemode', a.livemode::text, true) "
            "FROM skchat_authenticate($1) a"
        )
    row = await conn.fetchrow(sql, hash_key(runtime.key_secret, token))
    if row is None:
        raise Unauthenticated("Invalid or revoked API key.")
    return Principal(row["id"], row["tenant_id"], row["livemode"], frozenset(row["scopes"]))


def require(scope: str | None) -> Callable[[Request], Awaitable[Ctx]]:
    """Dependency factory: an authenticated, scoped, transactional context for one endpoint."""

    async def dependency(request: Request) -> Ctx:
        runtime = get_runtime(request)
        state = request_state(request)
        state.runtime = runtime
        authorization = request.headers.get("authorization")
        bearer_key(authorization)  # a malformed header is refused before it costs a connection
        state.conn = conn = await runtime.db.pool.acquire()
        key = request.headers.get("idempotency-key")
        idempotent = key is not None and request.method in WRITE_METHODS
        if not idempotent:
            # The common case: BEGIN, then authenticate and scope the transaction in one statement.
            state.tx = conn.transaction()
            await state.tx.start()
        principal = await authenticate(conn, runtime, authorization, set_tenant=not idempotent)
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
            state.tx = conn.transaction()
            await state.tx.start()
            await set_scope(conn, principal.scope)
        return Ctx(principal, conn, runtime, state.request_id)

    return dependency
