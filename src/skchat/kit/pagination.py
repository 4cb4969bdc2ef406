"""Stable cursors: keyset pagination on the immutable (created_at, id) of each row.

A cursor is an opaque token naming the last row a page returned and the walk's direction.
The next page is everything strictly after that row in (created_at, id) order, so rows
inserted or deleted meanwhile never shift what a walk sees: every row that existed when the
walk began comes exactly once.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import Query

from skchat.kit.errors import InvalidRequest

Order = Literal["asc", "desc"]


@dataclass(frozen=True, slots=True)
class Cursor:
    created_at: datetime
    id: str


@dataclass(frozen=True, slots=True)
class ListParams:
    limit: int
    order: Order
    after: Cursor | None


def encode_cursor(order: Order, created_at: datetime, row_id: str) -> str:
    raw = orjson.dumps([order[0], created_at.isoformat(), row_id])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(token: str, order: Order) -> Cursor:
    try:
        padded = token + "=" * (-len(token) % 4)
        direction, created_at, row_id = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
        if direction != order[0] or not isinstance(row_id, str):
            raise ValueError("direction")
        parsed = datetime.fromisoformat(created_at)
        if parsed.tzinfo is None:
            raise ValueError("naive time")
        return Cursor(parsed, row_id)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise InvalidRequest(
            "The cursor is malformed, or belongs to a walk in the other order. "
            "Pass next_cursor exactly as a previous page returned it."
        ) from exc


def list_params_dependency(default_order: Order) -> Callable[..., ListParams]:
    def dependency(
        limit: Annotated[int, Query(ge=1, le=100, description="Page size, 1-100.")] = 20,
        cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
        order: Annotated[Order, Query(description="Creation order of the walk.")] = default_order,
    ) -> ListParams:
        return ListParams(limit, order, decode_cursor(cursor, order) if cursor else None)

    return dependency


def keyset_sql(params: ListParams, args: list[Any], table: str = "") -> tuple[str, str]:
    """The WHERE fragment (prefixed ' AND', or '') and ORDER BY/LIMIT tail for a page; appends to args."""
    prefix = f"{table}." if table else ""
    cmp, direction = (">", "ASC") if params.order == "asc" else ("<", "DESC")
    where = ""
    if params.after is not None:
        args.extend([params.after.created_at, params.after.id])
        where = f" AND ({prefix}created_at, {prefix}id) {cmp} (${len(args) - 1}, ${len(args)})"
    args.append(params.limit + 1)
    tail = f" ORDER BY {prefix}created_at {direction}, {prefix}id {direction} LIMIT ${len(args)}"
    return where, tail


def page(rows: Sequence[Any], params: ListParams, render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    has_more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(params.order, last["created_at"], last["id"])
    return {
        "object": "list",
        "data": [render(r) for r in rows],
        "has_more": has_more,
        "next_cursor": next_cursor,
    }
