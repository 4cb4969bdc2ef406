"""Agent request bodies, the agent object, and how a row becomes one.

Settings are validated strictly: nested objects reject unknown fields, numbers and booleans
must be JSON numbers and booleans (no "2" for 2), language tags and origins must be well-formed
and are stored in their canonical spelling (`hi-latn` → `hi-Latn`, `HTTPS://Shop.Example:443`
→ `https://shop.example`), because the widget compares origins byte for byte.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StrictBool, StrictFloat, StrictInt, field_validator

from skchat.agents.defaults import DEFAULT_HANDOFF, DEFAULT_LANGUAGES, DEFAULT_WIDGET
from skchat.kit.db import Record
from skchat.kit.schemas import Input, Name
from skchat.kit.timefmt import iso

Position = Literal["bottom-right", "bottom-left"]

_LANGUAGE = re.compile(
    r"([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}|[0-9]{3}))?((?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)",
    re.IGNORECASE,
)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_ORIGIN = re.compile(rf"(https?)://({_LABEL}(?:\.{_LABEL})*)(?::([0-9]{{1,5}}))?")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _language_tag(tag: str) -> str:
    match = _LANGUAGE.fullmatch(tag)
    if match is None:
        raise ValueError("not a BCP 47 language tag such as 'en', 'hi-Latn' or 'pt-BR'")
    language, script, region, variants = match.groups()
    canonical = language.lower()
    if script:
        canonical += "-" + script.title()
    if region:
        canonical += "-" + region.upper()
    return canonical + variants.lower()


def _origin(value: str) -> str:
    match = _ORIGIN.fullmatch(value.lower())
    if match is None:
        raise ValueError("an origin is http(s)://host[:port] with no path, e.g. https://shop.example")
    scheme, host, port = match.groups()
    if port is not None and not 0 < int(port) <= 65535:
        raise ValueError("the port must be 1-65535")
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"  # browsers leave the default port out of Origin
    return f"{scheme}://{host}:{port}"


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a value")
    return values


def _not_null(value: Any) -> Any:
    # Field validators run only for fields the body gives: omitted means unchanged, null is an error.
    if value is None:
        raise ValueError("cannot be null; omit the field to leave it unchanged")
    return value


LanguageTag = Annotated[str, Field(min_length=2, max_length=35), AfterValidator(_language_tag)]
Languages = Annotated[
    list[LanguageTag],
    Field(min_length=1, max_length=20, description="BCP 47 tags the agent answers in, e.g. ['en', 'hi-Latn']."),
    AfterValidator(_unique),
]
Origin = Annotated[str, Field(max_length=300), AfterValidator(_origin)]
Greeting = Annotated[str, Field(min_length=1, max_length=1000)]
Color = Annotated[
    str, Field(pattern=r"^#[0-9a-fA-F]{6}$", description="A hex colour, e.g. #0f766e."), AfterValidator(str.lower)
]


class HandoffRules(Input):
    """When the AI stands down. In a PATCH only the rules given change."""

    negative_sentiment_below: StrictFloat = Field(
        default=DEFAULT_HANDOFF["negative_sentiment_below"],
        ge=-1,
        le=1,
        description="Hand off when the sentiment score falls below this (-1 to 1).",
    )
    max_unanswered: StrictInt = Field(
        default=DEFAULT_HANDOFF["max_unanswered"],
        ge=1,
        le=100,
        description="Hand off after this many customer messages the AI could not answer.",
    )
    on_human_request: StrictBool = Field(
        default=DEFAULT_HANDOFF["on_human_request"], description="Hand off when the customer asks for a person."
    )


class WidgetSettings(Input):
    """The web widget. In a PATCH only the settings given change."""

    allowed_origins: Annotated[list[Origin], Field(max_length=50), AfterValidator(_unique)] = Field(
        default_factory=lambda: list(DEFAULT_WIDGET["allowed_origins"]),
        description="Pages allowed to embed the widget, e.g. ['https://shop.example'].",
    )
    title: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="The chat window's title; defaults to the agent's name."
    )
    color: Color = DEFAULT_WIDGET["color"]
    position: Position = DEFAULT_WIDGET["position"]

    _title_not_null = field_validator("title")(_not_null)


class AgentCreate(Input):
    name: Name
    greeting: Greeting | None = Field(default=None, description="The first thing the agent says.")
    languages: Languages = Field(default_factory=lambda: list(DEFAULT_LANGUAGES))
    handoff: HandoffRules = Field(default_factory=HandoffRules)
    widget: WidgetSettings = Field(default_factory=WidgetSettings)


class AgentUpdate(Input):
    name: Name | None = None
    greeting: Greeting | None = Field(default=None, description="null removes the greeting.")
    languages: Languages | None = None
    handoff: HandoffRules | None = Field(default=None, description="Merged into the current rules.")
    widget: WidgetSettings | None = Field(default=None, description="Merged into the current settings.")

    _given_not_null = field_validator("name", "languages", "handoff", "widget")(_not_null)


class Handoff(BaseModel):
    negative_sentiment_below: float
    max_unanswered: int
    on_human_request: bool


class Widget(BaseModel):
    allowed_origins: list[str]
    title: str
    color: str
    position: Position


class Agent(BaseModel):
    id: str
    object: Literal["agent"] = "agent"
    livemode: bool
    name: str
    greeting: str | None
    languages: list[str]
    handoff: Handoff
    widget: Widget
    is_default: bool
    created_at: str
    updated_at: str


class AgentList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Agent]
    has_more: bool
    next_cursor: str | None


def handoff_rules(stored: dict[str, Any]) -> dict[str, Any]:
    """The stored rules over the defaults, so a rule added later has a value for old agents too."""
    return {**DEFAULT_HANDOFF, **stored}


def widget_settings(stored: dict[str, Any], agent_name: str) -> dict[str, Any]:
    return {**DEFAULT_WIDGET, "title": agent_name, **stored}


def render(row: Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "object": "agent",
        "livemode": row["livemode"],
        "name": row["name"],
        "greeting": row["greeting"],
        "languages": list(row["languages"]),
        "handoff": handoff_rules(row["handoff"]),
        "widget": widget_settings(row["widget"], row["name"]),
        "is_default": row["is_default"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }
