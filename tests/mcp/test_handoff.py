"""A handoff requested through MCP is the REST route's handoff: the same change, the same event."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Tenant
from tests.mcp.session import CONVERSATIONS, events_of, mcp_client, new_conversation, new_key, ok, tool_error

# Fields that name the conversation or the moment, so they differ between two conversations.
OWN = {"id", "created_at", "updated_at", "conversation_id", "last_message_id", "contact"}


def without(body: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in fields}


def test_handoff_through_mcp_changes_the_conversation_and_emits_the_rest_event(
    client: httpx.Client, base_url: str, tenant: Tenant
) -> None:
    first = "Where is my order A-1042?"
    by_rest, by_mcp = new_conversation(client, tenant, first), new_conversation(client, tenant, first)
    reason = "Damaged parcel: the customer wants a refund"
    rest = client.post(f"{CONVERSATIONS}/{by_rest['id']}/handoff", json={"reason": reason}, headers=tenant.headers())
    assert rest.status_code == 200, rest.text
    key = new_key(client, tenant, ["handoff:write"])  # the scope the REST route needs, and only it
    with mcp_client(base_url, key) as session:
        handed = ok(session.call_tool("request_handoff", {"conversation_id": by_mcp["id"], "reason": reason}))
        again = session.call_tool("request_handoff", {"conversation_id": by_mcp["id"], "reason": reason})

    # The same change: status handoff, the AI stood down; the answer is the REST answer's shape and values.
    assert handed["status"] == "handoff" and handed["ai_active"] is False
    assert without(handed, OWN) == without(rest.json(), OWN)
    stored = client.get(f"{CONVERSATIONS}/{by_mcp['id']}", headers=tenant.headers()).json()
    assert stored == handed
    # A second request finds it handed off already, as the REST route does.
    assert tool_error(again, "conflict")["status"] == 409

    # The same event, field for field.
    rest_events = events_of(client, tenant, by_rest["id"], "chat.handoff.requested")
    mcp_events = events_of(client, tenant, by_mcp["id"], "chat.handoff.requested")
    assert len(rest_events) == len(mcp_events) == 1
    rest_event, mcp_event = rest_events[0], mcp_events[0]
    assert set(mcp_event) == set(rest_event)
    assert without(mcp_event, OWN) == without(rest_event, OWN)
    assert mcp_event["type"] == "chat.handoff.requested" and mcp_event["livemode"] is False
    assert mcp_event["reason"] == rest_event["reason"] == "api"
    assert mcp_event["detail"] == reason
    assert mcp_event["conversation_id"] == by_mcp["id"]
    assert mcp_event["last_message_id"] == by_mcp["messages"][0]["id"]
    assert rest_event["last_message_id"] == by_rest["messages"][0]["id"]
    assert mcp_event["sequence"] == rest_event["sequence"]
