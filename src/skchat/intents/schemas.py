"""Intent request bodies, the intent object, and how a row becomes one."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from skchat.kit.db import Record
from skchat.kit.schemas import Input
from skchat.kit.timefmt import iso

IntentName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[a-z0-9][a-z0-9_.\-]*$",
        description="Lower-case letters, digits, `_`, `.` and `-`, e.g. `delivery_area`.",
    ),
]
Example = Annotated[str, Field(min_length=1, max_length=500)]


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a value")
    return values


class IntentUpsert(Input):
    name: IntentName
    description: str = Field(default="", max_length=1000, description="What customers mean by it.")
    examples: Annotated[list[Example], Field(max_length=200), AfterValidator(_unique)] = Field(
        default_factory=list, description="Short example messages, in any language."
    )


class Intent(BaseModel):
    object: Literal["intent"] = "intent"
    name: str
    livemode: bool
    description: str
    examples: list[str]
    created_at: str
    updated_at: str


class IntentList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Intent]
    has_more: bool
    next_cursor: str | None


def render(row: Record) -> dict[str, Any]:
    return {
        "object": "intent",
        "name": row["name"],
        "livemode": row["livemode"],
        "description": row["description"],
        "examples": list(row["examples"]),
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }


class IntentDeleted(BaseModel):
    name: str
    object: Literal["intent"] = "intent"
    deleted: bool = True
