"""Who is calling `/mcp`: the REST API's own keys, hashes, scopes and rate limit, on every HTTP request.

`BearerKeyAuth` stands in front of the MCP transport. A request without a valid key never
reaches it: it gets 401 problem+json with `WWW-Authenticate: Bearer …`, as the REST API
answers. An authenticated request carries its `Caller` in the ASGI scope's state, where the
tool handlers read it back from the request the SDK hands them, so every JSON-RPC message
runs as the key of the HTTP request that carried it. No key is cached: a revoked key is
refused on its next request.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skchat.kit.context import RequestState, authenticate, bearer_key
from skchat.kit.errors import ApiError, RateLimited, Unauthenticated, problem
from skchat.kit.principals import Principal
from skchat.kit.runtime import Runtime

CALLER = "skchat.mcp.caller"


@dataclass(frozen=True, slots=True)
class Caller:
    """The key a request to /mcp authenticated as, and the process it runs in."""

    principal: Principal
    runtime: Runtime
    request_id: str | None


def caller_of(scope: Scope) -> Caller | None:
    found = scope.get("state", {}).get(CALLER)
    return found if isinstance(found, Caller) else None


class BearerKeyAuth:
    """ASGI wrapper: authenticate and rate-limit by API key, then hand the request to `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: RequestState | None = scope.get("state", {}).get("skchat")
        request_id = state.request_id if state is not None else None
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            runtime: Runtime = scope["app"].state.runtime
            principal = await self._authenticate(scope, runtime, state)
            scope.setdefault("state", {})[CALLER] = Caller(principal, runtime, request_id)
            await self.app(scope, receive, watched_send)
        except ApiError as error:  # refused here, or a body over the limit (raised by the outer middleware)
            if started:
                raise
            if isinstance(error, Unauthenticated) and _header(scope, b"authorization"):
                # RFC 6750: a key was sent but is malformed, unknown or revoked.
                error.headers["WWW-Authenticate"] = 'Bearer realm="skchat", error="invalid_token"'
            await problem(error, request_id)(scope, receive, send)

    async def _authenticate(self, scope: Scope, runtime: Runtime, state: RequestState | None) -> Principal:
        authorization = _header(scope, b"authorization")
        bearer_key(authorization)  # a malformed header is refused before it costs a connection
        async with runtime.db.pool.acquire() as conn:
            principal = await authenticate(conn, runtime, authorization)
        decision = runtime.buckets.take(principal.key_id)
        if state is not None:  # UnitOfWorkMiddleware adds these to the response, 429 included
            state.headers.update(decision.headers())
        if not decision.allowed:
            raise RateLimited("Too many requests for this API key; retry after the Retry-After delay.")
        return principal


def _header(scope: Scope, name: bytes) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for key, value in headers:
        if key == name:
            decoded: str = value.decode("latin-1")
            return decoded
    return None
