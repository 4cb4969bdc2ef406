"""The conversation's running mood: a moving average of its customer messages' sentiment.

One message moves it most of the way (weight 0.6), so a clear shift shows at once, but a
single neutral line after an angry one does not wipe the anger out. The label changes, and
`chat.sentiment.changed` is emitted, only when the average crosses a threshold.
"""

from __future__ import annotations

from skchat.agent.types import Sentiment

WEIGHT = 0.6
THRESHOLD = 0.25


def running(previous: float | None, score: float) -> float:
    if previous is None:
        return score
    return round(WEIGHT * score + (1 - WEIGHT) * previous, 4)


def label(score: float) -> Sentiment:
    if score <= -THRESHOLD:
        return "negative"
    if score >= THRESHOLD:
        return "positive"
    return "neutral"
