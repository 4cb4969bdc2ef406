"""What the API answered for each labelled message and each script turn: the input of `metrics`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from skchat.evaluate.data import LabelledMessage, Script

ReactionKind = Literal["reply", "handoff", "timeout"]


@dataclass(frozen=True, slots=True)
class Annotated:
    """The annotation the 201 carried."""

    lang: str | None
    intent: str | None
    sentiment: str | None
    sentiment_score: float | None
    confidence: float | None

    @classmethod
    def of(cls, message: dict[str, Any]) -> Annotated:
        return cls(
            message.get("lang"),
            message.get("intent"),
            message.get("sentiment"),
            message.get("sentiment_score"),
            message.get("confidence"),
        )


@dataclass(frozen=True, slots=True)
class Reaction:
    """The agent's first reaction to a customer message: an AI reply, a handoff, or nothing in time.

    `server_ms`: from the customer message's `chat.message.received` to the reaction's event, both
    stamped by the database clock. `observed_ms`: from sending the POST to seeing the reaction here
    (includes the POST and up to one polling interval).
    """

    kind: ReactionKind
    text: str | None = None
    lang: str | None = None
    sources: tuple[tuple[str, str], ...] = ()
    reason: str | None = None  # of a handoff
    detail: str | None = None
    server_ms: float | None = None
    observed_ms: float | None = None


@dataclass
class MessageResult:
    row: LabelledMessage
    conversation_id: str | None = None
    message_id: str | None = None
    annotated: Annotated | None = None
    post_ms: float | None = None
    reaction: Reaction | None = None
    error: str | None = None  # the run failed for this row (HTTP error, …): it is left out of the scores


@dataclass
class TurnResult:
    index: int
    text: str
    message_id: str | None = None
    annotated: Annotated | None = None
    post_ms: float | None = None
    reaction: Reaction | None = None


@dataclass
class ScriptResult:
    script: Script
    conversation_id: str | None = None
    turns: list[TurnResult] = field(default_factory=list)
    sentiment_changes: list[dict[str, Any]] = field(default_factory=list)  # {turn, from, to, score}
    error: str | None = None

    @property
    def handoff_at(self) -> int | None:
        for turn in self.turns:
            if turn.reaction is not None and turn.reaction.kind == "handoff":
                return turn.index
        return None

    @property
    def change_turns(self) -> list[int]:
        return [c["turn"] for c in self.sentiment_changes if c.get("turn") is not None]
