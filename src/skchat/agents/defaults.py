"""The settings every new agent starts with (contract: agents), the tenant's default agent included."""

from __future__ import annotations

from typing import Any

DEFAULT_HANDOFF: dict[str, Any] = {
    "negative_sentiment_below": -0.5,
    "max_unanswered": 2,
    "on_human_request": True,
}

DEFAULT_LANGUAGES: list[str] = ["en"]

# `title` is not here: it defaults to the agent's (or, for the default agent, the tenant's) name.
DEFAULT_WIDGET: dict[str, Any] = {
    "allowed_origins": [],
    "color": "#0f766e",
    "position": "bottom-right",
}


def default_agent_fields(tenant_name: str) -> dict[str, Any]:
    return {
        "name": f"{tenant_name} assistant",
        "greeting": f"Hi! Welcome to {tenant_name}. How can we help?",
        "languages": list(DEFAULT_LANGUAGES),
        "handoff": dict(DEFAULT_HANDOFF),
        "widget": {**DEFAULT_WIDGET, "allowed_origins": [], "title": tenant_name},
    }
