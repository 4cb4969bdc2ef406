"""Driving /mcp with the official MCP client (mcp.ClientSession) over real HTTP, and reading its answers.

The suite is synchronous (httpx.Client for REST), so the MCP client runs in an anyio blocking
portal: its own event loop in a thread, one `ClientSession` per `mcp_client()` block, called
from the test like any blocking client.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

import httpx
import httpx2
import mcp_types as types
from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from tests.conftest import Tenant

CONVERSATIONS = "/chat/v1/conversations"
T = TypeVar("T")


@asynccontextmanager
async def mcp_session(base_url: str, key: str, *, modern: bool = False) -> AsyncIterator[ClientSession]:
    """A client session on /mcp as `key`: the `initialize` handshake, or (`modern`) the 2026-07-28 discover."""
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        streamable_http_client(f"{base_url}/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        if modern:
            await session.discover()
        else:
            await session.initialize()
        yield session


class McpClient:
    """A `ClientSession`, called from synchronous code through the portal its event loop runs in."""

    def __init__(self, portal: BlockingPortal, session: ClientSession) -> None:
        self.portal = portal
        self.session = session

    def call_tool(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        return self.portal.call(self.session.call_tool, name, arguments)

    def list_tools(self) -> list[types.Tool]:
        return self.portal.call(self.session.list_tools).tools

    def run(self, work: Callable[[ClientSession], Awaitable[T]]) -> T:
        """Run async code against the session in its loop (for concurrent calls)."""
        return self.portal.call(work, self.session)

    @property
    def protocol_version(self) -> str | None:
        return self.session.protocol_version


@contextmanager
def mcp_client(base_url: str, key: str, *, modern: bool = False) -> Iterator[McpClient]:
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(mcp_session(base_url, key, modern=modern)) as session,
    ):
        yield McpClient(portal, session)


def ok(result: types.CallToolResult) -> dict[str, Any]:
    """A successful tool result: JSON text, the same value as structuredContent."""
    assert len(result.content) == 1 and isinstance(result.content[0], types.TextContent), result
    assert not result.is_error, result.content[0].text
    body: dict[str, Any] = json.loads(result.content[0].text)
    assert body == result.structured_content
    return body


def tool_error(result: types.CallToolResult, code: str) -> dict[str, Any]:
    """A tool error (isError) whose text is the REST API's problem body with this `code`."""
    assert result.is_error, result
    assert len(result.content) == 1 and isinstance(result.content[0], types.TextContent), result
    body: dict[str, Any] = json.loads(result.content[0].text)
    assert body["code"] == code, body
    assert body["type"].endswith(code) and body["detail"] and body["request_id"].startswith("req_")
    assert "Traceback" not in result.content[0].text
    return body


def new_key(client: httpx.Client, tenant: Tenant, scopes: list[str], *, live: bool = False) -> str:
    """An API key of the tenant with exactly these scopes (made through POST /chat/v1/api_keys)."""
    r = client.post("/chat/v1/api_keys", json={"name": "mcp", "scopes": scopes}, headers=tenant.headers(live=live))
    assert r.status_code == 201, r.text
    key: str = r.json()["key"]
    return key


def new_conversation(
    client: httpx.Client, tenant: Tenant, text: str = "Do you have cotton kurtas?", **body: Any
) -> Any:
    r = client.post(CONVERSATIONS, json={"message": {"text": text}, **body}, headers=tenant.headers())
    assert r.status_code == 201, r.text
    return r.json()


def events_of(client: httpx.Client, tenant: Tenant, conversation_id: str, type_: str) -> list[dict[str, Any]]:
    r = client.get(
        "/chat/v1/events",
        params={"conversation_id": conversation_id, "type": type_, "order": "asc", "limit": 100},
        headers=tenant.headers(),
    )
    assert r.status_code == 200, r.text
    data: list[dict[str, Any]] = r.json()["data"]
    return data
