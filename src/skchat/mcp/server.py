"""The MCP server behind `/mcp`: the tool catalog, what each key may see and call, and the transport.

Built on the official SDK's low-level `Server` and `StreamableHTTPSessionManager`, stateless and
answering in JSON: every POST is one self-contained exchange, authenticated on its own by
`BearerKeyAuth`, so any API process can serve any request (no sticky sessions) and a
revoked key stops working at once. Both protocol eras the SDK speaks are served: the
`initialize` handshake (2025 revisions) and the per-request envelope (2026-07-28).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.exceptions import MCPError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from skchat import __version__
from skchat.mcp import tools_contacts, tools_conversations, tools_knowledge
from skchat.mcp.auth import BearerKeyAuth, Caller, caller_of
from skchat.mcp.calls import call_tool
from skchat.mcp.tools import ToolDef

# In the order of the API contract's table (section 5).
TOOLS: list[ToolDef[Any]] = [
    *tools_knowledge.TOOLS,
    *tools_conversations.READ_TOOLS,
    *tools_contacts.TOOLS,
    *tools_conversations.WRITE_TOOLS,
]
BY_NAME: dict[str, ToolDef[Any]] = {tool.name: tool for tool in TOOLS}
_LISTED: dict[str, types.Tool] = {tool.name: tool.to_mcp() for tool in TOOLS}

INSTRUCTIONS = (
    "SK Chat: a store's customer conversations, answered by an AI agent with humans on call. "
    "Search the catalog and knowledge base before answering product or policy questions, read a conversation "
    "(get_conversation) before replying to it, and hand off to a human (request_handoff) when the customer asks "
    "for one or you cannot help. You see only the tools your API key's scopes allow; every call acts on this "
    "key's store and mode (test or live) only. Results are JSON; errors are JSON with a stable `code`."
)


def _caller(ctx: ServerRequestContext[Any, Any]) -> Caller:
    request = ctx.request
    caller = caller_of(request.scope) if isinstance(request, Request) else None
    if caller is None:  # cannot happen behind BearerKeyAuth; refuse rather than run as nobody
        raise MCPError(code=types.INVALID_REQUEST, message="Unauthenticated request")
    return caller


async def list_tools(
    ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    """Scopes decide what exists: a key sees exactly the tools it may call."""
    scopes = _caller(ctx).principal.scopes
    return types.ListToolsResult(tools=[_LISTED[t.name] for t in TOOLS if t.scope in scopes])


async def handle_call(ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    caller = _caller(ctx)
    tool = BY_NAME.get(params.name)
    if tool is None:  # the specification's protocol error for a tool that does not exist
        raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {params.name}")
    return await call_tool(caller, tool, params.arguments)


def _input_schema(name: str) -> Mapping[str, Any] | None:
    listed = _LISTED.get(name)
    return listed.input_schema if listed is not None else None


def build_server() -> Server[Any]:
    server: Server[Any] = Server(
        "skchat",
        version=__version__,
        title="SK Chat",
        instructions=INSTRUCTIONS,
        website_url="https://docs.skchat.dev/mcp",
        get_tool_input_schema=_input_schema,
        on_list_tools=list_tools,
        on_call_tool=handle_call,
    )
    # The SDK's default OpenTelemetry span per message: this service observes itself with structlog and
    # Prometheus (UnitOfWorkMiddleware logs and counts every /mcp request), not OpenTelemetry.
    server.middleware.clear()
    return server


class Gateway:
    """`/mcp` as an ASGI app (`asgi`), and the session manager's lifetime (`run()`, in the app's lifespan)."""

    def __init__(self, *, max_body_bytes: int) -> None:
        self.server = build_server()
        self.max_body_bytes = max_body_bytes
        self._manager: StreamableHTTPSessionManager | None = None
        self.asgi = BearerKeyAuth(self._handle)

    @asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        # A manager runs once; a new one per lifespan lets the same app start again (tests do).
        manager = StreamableHTTPSessionManager(
            self.server,
            json_response=True,
            stateless=True,
            max_request_body_size=self.max_body_bytes,
        )
        async with manager.run():
            self._manager = manager
            try:
                yield
            finally:
                self._manager = None

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        manager = self._manager
        if manager is None:
            await Response("The MCP gateway is not running.", status_code=503)(scope, receive, send)
            return
        if scope["method"] == "GET":
            # Stateless: the server never speaks first, so there is no stream to listen on. The
            # transport would hold such a GET open forever; the specification's answer is 405.
            await Response(status_code=405, headers={"Allow": "POST"})(scope, receive, send)
            return
        await manager.handle_request(scope, receive, send)
