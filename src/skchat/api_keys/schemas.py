"""API key request bodies and the api_key object."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from skchat.kit.db import Record
from skchat.kit.schemas import Input, Name
from skchat.kit.timefmt import iso

Scope = Literal[
    "conversations:read",
    "conversations:write",
    "contacts:read",
    "contacts:write",
    "knowledge:read",
    "knowledge:write",
    "webhooks:manage",
    "members:manage",
    "keys:manage",
    "wallet:read",
    "wallet:write",
    "handoff:write",
]


class ApiKeyCreate(Input):
    name: Name | None = None
    scopes: list[Scope] | None = Field(
        default=None,
        description="What the key may do. Omitted or empty: every scope of the key creating it.",
    )


class ApiKey(BaseModel):
    id: str
    object: Literal["api_key"] = "api_key"
    name: str | None
    scopes: list[str]
    livemode: bool
    last4: str
    created_at: str
    key: str | None = Field(default=None, description="The secret key, in full only in the answer to create.")


class ApiKeyList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ApiKey]
    has_more: bool
    next_cursor: str | None


def render(row: Record, key: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["id"],
        "object": "api_key",
        "name": row["name"],
        "scopes": list(row["scopes"]),
        "livemode": row["livemode"],
        "last4": row["last4"],
        "created_at": iso(row["created_at"]),
    }
    if key is not None:
        body["key"] = key
    return body
