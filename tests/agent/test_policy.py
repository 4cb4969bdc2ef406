"""The handoff rules as pure functions: what one message says, and how the conversation goes."""

from __future__ import annotations

from skchat.agent import policy
from skchat.agent.types import Annotation

RULES = policy.HandoffRules.of({"negative_sentiment_below": -0.5, "max_unanswered": 2, "on_human_request": True})


def annotation(score: float = 0.0, **flags: bool) -> Annotation:
    return Annotation("en", "complaint", 0.9, "negative" if score < 0 else "neutral", score, **flags)


def test_signals_hand_off_at_once() -> None:
    assert policy.for_message(annotation(wants_human=True), RULES).reason == "customer_request"  # type: ignore[union-attr]
    assert policy.for_message(annotation(sensitive=True), RULES).reason == "policy"  # type: ignore[union-attr]
    assert policy.for_message(annotation(escalation=True), RULES).reason == "policy"  # type: ignore[union-attr]


def test_a_request_for_a_person_is_ignored_when_the_agent_says_so() -> None:
    rules = policy.HandoffRules.of({"on_human_request": False})
    assert policy.for_message(annotation(wants_human=True), rules) is None


def test_one_annoyed_message_is_answered_a_conversation_staying_sour_is_handed_off() -> None:
    assert policy.for_message(annotation(-0.8), RULES, None, -0.8) is None  # the first message
    assert policy.for_message(annotation(-0.8), RULES, -0.2, -0.56) is None  # dipped below once
    decision = policy.for_message(annotation(-0.8), RULES, -0.56, -0.70)
    assert decision is not None and decision.reason == "negative_sentiment"


def test_repeated_unanswered() -> None:
    assert policy.after_unanswered(1, RULES) is None
    assert policy.after_unanswered(2, RULES).reason == "repeated_unanswered"  # type: ignore[union-attr]
