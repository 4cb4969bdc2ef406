"""Team member request bodies, the member object, and how a row becomes one."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, EmailStr, Field, field_validator

from skchat.kit.db import Record
from skchat.kit.schemas import Input, Name
from skchat.kit.timefmt import iso

Role = Literal["agent", "admin"]


class MemberCreate(Input):
    name: Name
    email: EmailStr = Field(description="Unique within the tenant and mode; stored in lower case.")
    role: Role = Field(description="agent: answers conversations; admin: also manages the workspace.")


class MemberUpdate(Input):
    name: Name | None = None
    email: EmailStr | None = None
    role: Role | None = None

    @field_validator("name", "email", "role")
    @classmethod
    def _not_null(cls, value: str | None) -> str:
        # Runs only for fields the body gives: an omitted field stays unchanged, a null is an error.
        if value is None:
            raise ValueError("cannot be null; omit the field to leave it unchanged")
        return value


class Member(BaseModel):
    id: str
    object: Literal["member"] = "member"
    livemode: bool
    name: str
    email: str
    role: Role
    created_at: str
    updated_at: str


class MemberList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Member]
    has_more: bool
    next_cursor: str | None


def render(row: Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "object": "member",
        "livemode": row["livemode"],
        "name": row["name"],
        "email": row["email"],
        "role": row["role"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }
