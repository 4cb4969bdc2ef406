"""One tool call, run as the caller's key: scope check, argument validation, transaction, idempotency.

Every failure a caller can cause or meet comes back as a tool result with `isError: true`
whose text is the REST API's problem+json body (same `code`, `detail`, `errors`), so a model
sees what went wrong and the session goes on. Only a tool that does not exist at all is a
protocol error, as the MCP specification asks.

Idempotency follows `kit.idempotency` exactly as `kit.context.require` does for REST: the key
is claimed in a transaction of its own (so a concurrent twin sees it), the tool's writes and
the recorded result commit together in the call's transaction, and a call that fails
releases the claim. The request fingerprint is the tool name and its arguments.
"""

from __future__ import annotations

from typing import Any

import anyio
import asyncpg
import mcp_types as types
import orjson
import structlog
from pydantic import ValidationError

from skchat.kit import idempotency
from skchat.kit.errors import (
    ApiError,
    Forbidden,
    InternalError,
    InvalidRequest,
    Unavailable,
    ValidationFailed,
    problem_body,
)
from skchat.mcp.auth import Caller
from skchat.mcp.tools import ToolContext, ToolDef, WriteArguments

log = structlog.get_logger("skchat.mcp")

# What an MCP call is recorded as in idempotency_keys: never equal to a REST method and path,
# so one key used for a REST request and for a tool call is "reused", as for any two requests.
IDEMPOTENCY_METHOD = "MCP"
JSON_HEADERS = {"content-type": "application/json"}


async def call_tool(caller: Caller, tool: ToolDef[Any], arguments: dict[str, Any] | None) -> types.CallToolResult:
    try:
        if tool.scope not in caller.principal.scopes:
            raise Forbidden(f"This API key lacks the '{tool.scope}' scope, which the tool {tool.name} needs.")
        try:
            args = tool.arguments.model_validate(arguments or {})
        except ValidationError as exc:
            raise _invalid_arguments(tool, exc) from None
        result, replayed = await _run(caller, tool, args)
    except ApiError as error:
        return _error(error, caller)
    except ValidationError as exc:  # a service's request model refused a value the argument schema let through
        return _error(_invalid_arguments(tool, exc), caller)
    except asyncpg.DataError:
        return _error(
            InvalidRequest("A value in the arguments cannot be stored (for example a NUL character)."), caller
        )
    except (OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError) as exc:
        log.warning("database unavailable", tool=tool.name, error=repr(exc))
        return _error(Unavailable("The database is unreachable; retry shortly."), caller)
    except Exception:
        log.exception("tool failed", tool=tool.name, request_id=caller.request_id)
        return _error(InternalError("An internal error occurred; it has been logged with this request id."), caller)
    return types.CallToolResult(
        content=[types.TextContent(text=orjson.dumps(result).decode())],
        structured_content=result,
        meta={"skchat/idempotent_replayed": True} if replayed else None,
    )


async def _run(caller: Caller, tool: ToolDef[Any], args: Any) -> tuple[dict[str, Any], bool]:
    """The tool's adapter in one transaction scoped to the key's tenant and mode; (result, replayed)."""
    principal, runtime = caller.principal, caller.runtime
    key = args.idempotency_key if isinstance(args, WriteArguments) else None
    claim: idempotency.Claim | None = None
    if key is not None:
        path = f"/mcp/tools/{tool.name}"
        body = orjson.dumps(args.model_dump(mode="json", exclude={"idempotency_key"}))
        async with runtime.db.pool.acquire() as conn:
            outcome = await idempotency.claim(
                conn,
                principal.scope,
                idempotency.validate_key(key),
                IDEMPOTENCY_METHOD,
                path,
                idempotency.fingerprint(IDEMPOTENCY_METHOD, path, body),
                lock_timeout_s=runtime.settings.idempotency_lock_timeout_s,
                retention_s=runtime.settings.idempotency_retention_s,
            )
        if isinstance(outcome, idempotency.Replay):
            replayed: dict[str, Any] = orjson.loads(outcome.body)
            return replayed, True
        claim = outcome
    try:
        async with runtime.db.transaction(principal.scope) as conn:
            result = await tool.run(ToolContext(conn, principal.scope, runtime), args)
            if claim is not None:
                await idempotency.complete(conn, claim, 200, JSON_HEADERS, orjson.dumps(result))
    except BaseException:
        if claim is not None:
            with anyio.CancelScope(shield=True):  # a cancelled call must still free its key
                async with runtime.db.pool.acquire() as conn:
                    await idempotency.release(conn, claim)
        raise
    return result, False


def _invalid_arguments(tool: ToolDef[Any], exc: ValidationError) -> ValidationFailed:
    details = [
        {"field": ".".join(str(p) for p in e.get("loc", ())) or "arguments", "message": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:3])
    return ValidationFailed(f"Invalid arguments for {tool.name}: {summary}", errors=details)


def _error(error: ApiError, caller: Caller) -> types.CallToolResult:
    body = problem_body(error, caller.request_id)
    return types.CallToolResult(
        content=[types.TextContent(text=orjson.dumps(body).decode())],
        structured_content=body,
        is_error=True,
    )
