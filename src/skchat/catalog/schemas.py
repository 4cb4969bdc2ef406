"""Catalog item request bodies, the item object, search results, and how a row becomes one.

`price` is a decimal string (`"1999.00"`), never a float, and is stored as NUMERIC; it comes
back with exactly two decimals. `attributes` is a free JSON object for the rest of a product:
`sizes`, `colors`, `stock_by_size`, … (the agent quotes stock by size from it).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StrictBool, field_validator

from skchat.kit.db import Record
from skchat.kit.schemas import Input
from skchat.kit.timefmt import iso
from skchat.knowledge.schemas import ImportedId, not_null

MAX_ATTRIBUTES = 100
MAX_ATTRIBUTE_KEY = 100


def _two_decimals(value: str) -> str:
    whole, _, cents = value.partition(".")
    return f"{int(whole)}.{cents.ljust(2, '0')}"


def _check_attributes(value: dict[str, Any]) -> dict[str, Any]:
    if len(value) > MAX_ATTRIBUTES:
        raise ValueError(f"at most {MAX_ATTRIBUTES} keys")
    if any(not 1 <= len(key) <= MAX_ATTRIBUTE_KEY for key in value):
        raise ValueError(f"keys are 1-{MAX_ATTRIBUTE_KEY} characters")
    return value


Price = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{1,12}(\.[0-9]{1,2})?$",
        description='A decimal string in the currency\'s major unit, e.g. "1999.00" (GST/taxes as you sell it).',
        examples=["1999.00"],
    ),
    AfterValidator(_two_decimals),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. INR.")]
Attributes = Annotated[
    dict[str, Any],
    AfterValidator(_check_attributes),
    Field(description="The rest of the product: `sizes`, `colors`, `stock_by_size`, … (any JSON values)."),
]
ItemName = Annotated[str, Field(min_length=1, max_length=300)]
Description = Annotated[str, Field(max_length=10_000)]
Category = Annotated[str, Field(min_length=1, max_length=100)]


class ItemCreate(Input):
    id: ImportedId | None = None
    name: ItemName
    description: Description = ""
    category: Category | None = None
    price: Price | None = None
    currency: Currency = "INR"
    in_stock: StrictBool = True
    attributes: Attributes = Field(default_factory=dict)


class ItemUpdate(Input):
    name: ItemName | None = None
    description: Description | None = None
    category: Category | None = Field(default=None, description="null removes the category.")
    price: Price | None = Field(default=None, description="null removes the price.")
    currency: Currency | None = None
    in_stock: StrictBool | None = None
    attributes: Attributes | None = Field(default=None, description="Replaces the item's attributes.")

    _given_not_null = field_validator("name", "description", "currency", "in_stock", "attributes")(not_null)


class Item(BaseModel):
    id: str
    object: Literal["catalog_item"] = "catalog_item"
    livemode: bool
    name: str
    description: str
    category: str | None
    price: str | None
    currency: str
    in_stock: bool
    attributes: dict[str, Any]
    created_at: str
    updated_at: str


class ItemList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Item]
    has_more: bool
    next_cursor: str | None


class ItemSearchResult(BaseModel):
    object: Literal["search_result"] = "search_result"
    score: float = Field(description="Relevance: higher is better; comparable only within one answer.")
    item: Item


class ItemSearchResults(BaseModel):
    """Best match first. Not paginated: `limit` bounds the answer."""

    object: Literal["list"] = "list"
    data: list[ItemSearchResult]


def render(row: Record) -> dict[str, Any]:
    price = row["price"]
    return {
        "id": row["id"],
        "object": "catalog_item",
        "livemode": row["livemode"],
        "name": row["name"],
        "description": row["description"],
        "category": row["category"],
        "price": None if price is None else f"{price:.2f}",
        "currency": row["currency"],
        "in_stock": row["in_stock"],
        "attributes": row["attributes"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }
