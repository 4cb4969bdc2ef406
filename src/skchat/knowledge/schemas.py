"""Knowledge article request bodies, the article object, search results, and how a row becomes one."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import AfterValidator, BaseModel, Field, field_validator

from skchat.agents.schemas import LanguageTag
from skchat.intents.schemas import IntentName
from skchat.kit.db import Record
from skchat.kit.ids import ID_PATTERN
from skchat.kit.schemas import Input
from skchat.kit.timefmt import iso

ImportedId = Annotated[
    str,
    Field(
        pattern=ID_PATTERN.pattern,
        description="Your own id, kept as given (e.g. `kb_delivery_chennai`): a 2-4 letter prefix, `_`, "
        "then up to 64 letters, digits, `_` or `-`. Left out, one is generated.",
    ),
]
Title = Annotated[str, Field(min_length=1, max_length=300)]
Body = Annotated[str, Field(min_length=1, max_length=20_000)]
Tag = Annotated[str, Field(min_length=1, max_length=100)]


def unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a value")
    return values


def not_null(value: Any) -> Any:
    # Field validators run only for fields the body gives: omitted means unchanged, null is an error.
    if value is None:
        raise ValueError("cannot be null; omit the field to leave it unchanged")
    return value


Tags = Annotated[list[Tag], Field(max_length=50), AfterValidator(unique)]

# The search routes' query parameters.
SearchQuery = Annotated[
    str, Query(min_length=1, max_length=500, pattern=r"\S", description="What to look for, in any language.")
]
SearchLimit = Annotated[int, Query(ge=1, le=50, description="At most this many results, 1-50.")]


class ArticleCreate(Input):
    id: ImportedId | None = None
    title: Title
    body: Body = Field(description="Plain text: the answer, and the source of truth for its facts.")
    intent: IntentName | None = Field(default=None, description="The intent the article mainly answers.")
    tags: Tags = Field(default_factory=list, description="Keywords for search and filtering.")
    lang: LanguageTag = Field(default="en", description="BCP 47 language of the article, e.g. `en`, `hi`, `ta`.")


class ArticleUpdate(Input):
    title: Title | None = None
    body: Body | None = None
    intent: IntentName | None = Field(default=None, description="null removes the intent.")
    tags: Tags | None = None
    lang: LanguageTag | None = None

    _given_not_null = field_validator("title", "body", "tags", "lang")(not_null)


class Article(BaseModel):
    id: str
    object: Literal["knowledge_article"] = "knowledge_article"
    livemode: bool
    title: str
    body: str
    intent: str | None
    tags: list[str]
    lang: str
    created_at: str
    updated_at: str


class ArticleList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Article]
    has_more: bool
    next_cursor: str | None


class ArticleSearchResult(BaseModel):
    object: Literal["search_result"] = "search_result"
    score: float = Field(description="Relevance: higher is better; comparable only within one answer.")
    article: Article


class ArticleSearchResults(BaseModel):
    """Best match first. Not paginated: `limit` bounds the answer."""

    object: Literal["list"] = "list"
    data: list[ArticleSearchResult]


def render(row: Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "object": "knowledge_article",
        "livemode": row["livemode"],
        "title": row["title"],
        "body": row["body"],
        "intent": row["intent"],
        "tags": list(row["tags"]),
        "lang": row["lang"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }
