"""Webhook endpoint request bodies, the webhook_endpoint object, and delivery attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from skchat.events.schemas import EVENT_TYPES
from skchat.kit.db import Record
from skchat.kit.schemas import Input
from skchat.kit.timefmt import iso


def _check_events(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    if not value:
        raise ValueError('give at least one event type, or ["*"] for all')
    unknown = [v for v in value if v != "*" and v not in EVENT_TYPES]
    if unknown:
        raise ValueError(f"unknown event types: {', '.join(unknown)}")
    return sorted(set(value), key=value.index)


class EndpointCreate(Input):
    url: str = Field(min_length=1, max_length=2048, description="Where events are POSTed (http or https).")
    events: list[str] = Field(description='Event types to receive, or ["*"] for all.', max_length=50)
    description: str | None = Field(default=None, max_length=500)

    _events = field_validator("events")(_check_events)


class EndpointUpdate(Input):
    url: str | None = Field(default=None, min_length=1, max_length=2048)
    events: list[str] | None = Field(default=None, max_length=50)
    description: str | None = Field(default=None, max_length=500)
    disabled: bool | None = Field(
        default=None, description="true stops deliveries (they are held, not dropped); false resumes them."
    )

    _events = field_validator("events")(_check_events)


class RotateSecret(Input):
    expire_previous_in_s: int = Field(
        default=86400, ge=0, le=7 * 86400, description="How long the previous secret keeps signing too."
    )


class Recover(Input):
    since: datetime = Field(description="Re-send what failed for events created at or after this time.")
    until: datetime | None = Field(default=None, description="…and before this time (default: now).")


class RedeliverRequest(Input):
    endpoint_id: str | None = Field(default=None, description="Only this endpoint (default: every subscribed one).")


class WebhookEndpoint(BaseModel):
    id: str
    object: Literal["webhook_endpoint"] = "webhook_endpoint"
    livemode: bool
    url: str
    events: list[str]
    description: str | None
    disabled: bool
    disabled_reason: str | None
    created_at: str
    updated_at: str
    secret: str | None = Field(default=None, description="In full only in the answers to create and rotate_secret.")


class EndpointList(BaseModel):
    object: Literal["list"] = "list"
    data: list[WebhookEndpoint]
    has_more: bool
    next_cursor: str | None


class Recovery(BaseModel):
    object: Literal["recovery"] = "recovery"
    endpoint_id: str
    redelivering: int


class DeliveryAttempt(BaseModel):
    id: str
    object: Literal["delivery_attempt"] = "delivery_attempt"
    livemode: bool
    event_id: str
    endpoint_id: str
    attempt: int
    status_code: int | None
    duration_ms: int
    error: str | None
    response_body: str | None
    attempted_at: str


class DeliveryAttemptList(BaseModel):
    object: Literal["list"] = "list"
    data: list[DeliveryAttempt]
    has_more: bool
    next_cursor: str | None


class Redelivery(BaseModel):
    object: Literal["redelivery"] = "redelivery"
    event_id: str
    endpoint_ids: list[str]


def render(row: Record, *, with_secret: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["id"],
        "object": "webhook_endpoint",
        "livemode": row["livemode"],
        "url": row["url"],
        "events": list(row["events"]),
        "description": row["description"],
        "disabled": row["disabled"],
        "disabled_reason": row["disabled_reason"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }
    if with_secret:
        body["secret"] = row["secret"]
    return body


def render_attempt(row: Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "object": "delivery_attempt",
        "livemode": row["livemode"],
        "event_id": row["event_id"],
        "endpoint_id": row["endpoint_id"],
        "attempt": row["attempt"],
        "status_code": row["status_code"],
        "duration_ms": row["duration_ms"],
        "error": row["error"],
        "response_body": row["response_body"],
        "attempted_at": iso(row["created_at"]),
    }
