"""The settings every new tenant's default agent starts with (contract: agents)."""

from __future__ import annotations

from typing import Any

DEFAULT_HANDOFF: dict[str, Any] = {
    "negative_sentiment_below": -0.5,
    "max_unanswered": 2,
    "on_human_request": True,
}


def default_agent_fields(tenant_name: str) -> dict[str, Any]:
    return {
        "name": f"{tenant_name} assistant",
        "greeting": f"Hi! Welcome to {tenant_name}. How can we help?",
        "languages": ["en"],
        "handoff": dict(DEFAULT_HANDOFF),
        "widget": {"allowed_origins": [], "title": tenant_name, "color": "#0f766e"},
    }
