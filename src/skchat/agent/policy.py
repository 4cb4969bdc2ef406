"""When the AI agent stands down for a human, from one message or from how the thread goes.

The rules are the agent's `handoff` settings (contract: agents):
`{"negative_sentiment_below": -0.5, "max_unanswered": 2, "on_human_request": true}`.
Threats (consumer forum, legal action, chargeback, police, public shaming), abusive anger and
sensitive payment cases (money debited twice, fraud) always hand off: no setting turns them off.

`negative_sentiment_below` is about a conversation going badly, not one frustrated line: it
hands off when the conversation's running mood (agent/mood.py) has stayed below the threshold
for two customer messages in a row. A single annoyed question ("FIRST10 isn't working, so
annoying") still gets an answer; fury and threats are caught by the escalation signal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from skchat.agent.types import Annotation
from skchat.agents.defaults import DEFAULT_HANDOFF


@dataclass(frozen=True, slots=True)
class HandoffRules:
    negative_sentiment_below: float = float(DEFAULT_HANDOFF["negative_sentiment_below"])
    max_unanswered: int = int(DEFAULT_HANDOFF["max_unanswered"])
    on_human_request: bool = bool(DEFAULT_HANDOFF["on_human_request"])

    @classmethod
    def of(cls, settings: Mapping[str, Any] | None) -> HandoffRules:
        merged = {**DEFAULT_HANDOFF, **(settings or {})}
        return cls(
            float(merged["negative_sentiment_below"]), int(merged["max_unanswered"]), bool(merged["on_human_request"])
        )


@dataclass(frozen=True, slots=True)
class Decision:
    reason: str  # the contract's enum: customer_request | negative_sentiment | repeated_unanswered | policy | …
    detail: str


def for_message(
    annotation: Annotation, rules: HandoffRules, mood_before: float | None = None, mood_after: float | None = None
) -> Decision | None:
    """Stand down at once because of this message (and the mood it leaves the conversation in)?"""
    if annotation.wants_human and rules.on_human_request:
        return Decision("customer_request", "The customer asked to talk to a person.")
    if annotation.sensitive:
        return Decision("policy", "A sensitive payment or fraud case needs a person.")
    if annotation.escalation:
        return Decision("policy", "The customer is escalating (complaint, legal action or chargeback).")
    threshold = rules.negative_sentiment_below
    if mood_before is not None and mood_after is not None and mood_before < threshold and mood_after < threshold:
        return Decision(
            "negative_sentiment",
            f"The conversation's mood stayed below {threshold:.2f} ({mood_before:.2f}, then {mood_after:.2f}).",
        )
    return None


def after_unanswered(unanswered: int, rules: HandoffRules) -> Decision | None:
    """Stand down after `max_unanswered` customer messages in a row the agent could not answer."""
    if unanswered >= rules.max_unanswered:
        return Decision(
            "repeated_unanswered", f"{unanswered} questions in a row could not be answered from the knowledge."
        )
    return None
