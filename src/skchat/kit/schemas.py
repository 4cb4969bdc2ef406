"""Request-model building blocks shared by every domain: strict input, bounded metadata."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_METADATA_KEYS = 50
MAX_METADATA_KEY = 40
MAX_METADATA_VALUE = 500


class Input(BaseModel):
    """A request body: unknown fields are an error, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _check_metadata(value: dict[str, Any]) -> dict[str, Any]:
    if len(value) > MAX_METADATA_KEYS:
        raise ValueError(f"at most {MAX_METADATA_KEYS} keys")
    for key, item in value.items():
        if not 1 <= len(key) <= MAX_METADATA_KEY:
            raise ValueError(f"keys are 1-{MAX_METADATA_KEY} characters")
        if item is not None and not isinstance(item, str | int | float | bool):
            raise ValueError("values are strings, numbers, booleans or null")
        if isinstance(item, str) and len(item) > MAX_METADATA_VALUE:
            raise ValueError(f"string values are at most {MAX_METADATA_VALUE} characters")
    return value


Metadata = Annotated[
    dict[str, Any],
    AfterValidator(_check_metadata),
    Field(description="Your own key-value pairs: up to 50 keys, keys up to 40 characters, scalar values."),
]
Text = Annotated[str, Field(min_length=1, max_length=10_000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class Deleted(BaseModel):
    id: str
    object: str
    deleted: bool = True
