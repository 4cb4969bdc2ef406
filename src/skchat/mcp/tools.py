"""What a tool is: its name, scope, arguments (a pydantic model, also its input schema), hints and adapter.

A tool is a thin adapter: it gets an open, tenant-scoped transaction and its validated
arguments, and calls the same service function the matching REST endpoint calls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import mcp_types as types
from pydantic import Field

from skchat.kit.db import Connection, TenantScope
from skchat.kit.runtime import Runtime
from skchat.kit.schemas import Input

ArgsT = TypeVar("ArgsT", bound=Input)

ConversationId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=255,
        description="The conversation's id, `cnv_…` (from list_conversations, or a webhook event's conversation_id).",
    ),
]


class WriteArguments(Input):
    """Every write tool takes an optional idempotency key, with the REST API's Idempotency-Key semantics."""

    idempotency_key: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description=(
            "Optional. Any unique string (1-255 printable ASCII), e.g. a UUID. Retrying the call with the same key "
            "and the same arguments within 24 h makes no second change and returns the first result; the same key "
            "with other arguments is refused (idempotency_key_reused)."
        ),
    )


@dataclass(frozen=True, slots=True)
class ToolContext:
    """What a tool's adapter gets: the open transaction (tenant and mode set for RLS) and the process."""

    conn: Connection
    scope: TenantScope
    runtime: Runtime


@dataclass(frozen=True, slots=True)
class ToolDef(Generic[ArgsT]):
    name: str
    title: str
    description: str
    scope: str  # the API key scope that makes the tool exist for a key
    arguments: type[ArgsT]
    run: Callable[[ToolContext, ArgsT], Awaitable[dict[str, Any]]]
    read_only: bool
    # Meaningful only for writes (MCP spec): may it overwrite or end something / is a repeat a no-op?
    destructive: bool = False
    idempotent: bool = False

    def input_schema(self) -> dict[str, Any]:
        return tidy_schema(self.arguments.model_json_schema())

    def annotations(self) -> types.ToolAnnotations:
        return types.ToolAnnotations(
            title=self.title,
            read_only_hint=self.read_only,
            destructive_hint=False if self.read_only else self.destructive,
            idempotent_hint=True if self.read_only else self.idempotent,
            open_world_hint=False,  # every tool acts only on this tenant's SK Chat data
        )

    def to_mcp(self) -> types.Tool:
        return types.Tool(
            name=self.name,
            title=self.title,
            description=self.description,
            input_schema=self.input_schema(),
            annotations=self.annotations(),
        )


def tidy_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Pydantic's JSON schema, made plain for a model to read: no titles, optional means "may be left out".

    `X | None = None` becomes just X (leaving the argument out is how to say "none"; an explicit
    null is still accepted by validation).
    """
    properties: dict[str, Any] = {}
    given: dict[str, Any] = schema.get("properties", {})
    # The shared optional idempotency_key (declared on the base class, so first) reads best last.
    for name, prop in sorted(given.items(), key=lambda item: item[0] == "idempotency_key"):
        prop = {k: v for k, v in prop.items() if k != "title"}
        variants = prop.get("anyOf")
        if isinstance(variants, list) and prop.get("default", ...) is None:
            kept = [v for v in variants if v != {"type": "null"}]
            if len(kept) == 1:
                prop = {**kept[0], **{k: v for k, v in prop.items() if k not in ("anyOf", "default")}}
        properties[name] = prop
    tidy: dict[str, Any] = {"type": "object", "properties": properties}
    if schema.get("required"):
        tidy["required"] = schema["required"]
    tidy["additionalProperties"] = False
    return tidy
