"""Sentiment of a customer message: label and score in [-1, 1], in English and the Indian languages.

Why this design: VADER (lexicon and rules, ~0.02 ms) is strong on English and on the English words inside
Hinglish; our own lexicons add Hindi, Hinglish, Tamil and Tanglish polarity words with their negations
(नहीं/nahi after the word, இல்லை/illa after it), intensifiers (बहुत, romba, ரொம்ப), emoji and "!!!".
Customer-service tone needs more than polarity words: a report of something that did not happen, a wait,
a repetition ("still not received", "third time", "अब तक नहीं मिला", "இன்னும் வரல") is negative, so those
phrasings are scored too, unless the message is a hypothetical ("what if it arrives damaged?").
VADER's lexicon is trimmed of politeness and shop words that are not sentiment here ("please", "help",
"free", "care", "gift", "loyalty", "cancel").
"""

from __future__ import annotations

import math
import threading
from typing import Any

from skchat.agent.nlu.lexicons.sentiment import (
    HYPOTHETICAL,
    INTENSIFIERS,
    NEGATIVE,
    NEGATIVE_EMOJI,
    NEGATORS,
    PHRASES,
    POSITIVE,
    POSITIVE_EMOJI,
    QUESTION,
    REQUEST_ADJECTIVE,
)
from skchat.agent.nlu.text import normalize, tokens
from skchat.agent.types import Sentiment

# Shop and politeness words VADER scores as sentiment; in a support chat they are neutral.
_VADER_NEUTRAL = [
    "please",
    "help",
    "free",
    "ok",
    "okay",
    "yes",
    "yeah",
    "sure",
    "kind",
    "like",
    "want",
    "wish",
    "share",
    "save",
    "gift",
    "care",
    "true",
    "pretty",
    "credit",
    "fine",
    "interested",
    "trust",
    "bonus",
    "loyalty",
    "welcome",
    "warm",
    "support",
    "united",
    "cancel",
    "easy",
    "fair",
    "fan",
    "match",
    "win",
    "won",
    "rich",
    "sweet",
    "lucky",
    "thanks",
    "thank",
    "super",
    "great",
    "block",
    "loose",
    "bold",
    "rich",
    "pay",
    "party",
    "festival",
    "hope",
    "urgent",
    "god",
]
# Re-added with support-chat weights ("thanks" is positive, "great" is, but "super" is a size or a word).
_VADER_OVERRIDES = {"thanks": 1.9, "thank": 1.9, "great": 2.5, "no": -0.4, "super": 1.5, "best": 1.5}

_THRESHOLD = 0.25


class SentimentScorer:
    """`score(text)` -> (label, score). Thread-safe after construction (VADER's analyzer is read-only)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._vader: Any = None

    def warm(self) -> None:
        self._analyzer()

    def _analyzer(self) -> Any:
        with self._lock:
            if self._vader is None:
                from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

                analyzer = SentimentIntensityAnalyzer()
                for word in _VADER_NEUTRAL:
                    analyzer.lexicon.pop(word, None)
                analyzer.lexicon.update(_VADER_OVERRIDES)
                self._vader = analyzer
            return self._vader

    def score(self, text: str) -> tuple[Sentiment, float]:
        return self.label(self.raw(text))

    @staticmethod
    def label(raw: float) -> tuple[Sentiment, float]:
        """Evidence -> (label, score in [-1, 1])."""
        value = math.tanh(raw / 2.5)
        value = max(-1.0, min(1.0, value))
        if value >= _THRESHOLD:
            return "positive", round(value, 3)
        if value <= -_THRESHOLD:
            return "negative", round(value, 3)
        return "neutral", round(value, 3)

    def raw(self, text: str) -> float:
        """Unbounded evidence: positive above 0, negative below."""
        norm = normalize(text)
        words = tokens(text)
        total = 0.0
        hypothetical = HYPOTHETICAL.search(norm) is not None
        if any("a" <= ch <= "z" for ch in norm):
            compound = float(self._analyzer().polarity_scores(text)["compound"])
            total += 2.5 * compound * (0.5 if hypothetical and compound < 0 else 1.0)
        total += _lexicon_evidence(words)
        for pattern, weight in PHRASES:
            if pattern.search(norm):
                total += weight * (0.3 if hypothetical else 1.0)
        total += 0.9 * sum(1 for ch in text if ch in POSITIVE_EMOJI)
        # A negative emoji often carries sarcasm ("great, another week 🙄"): it outweighs one kind word.
        total -= 1.8 * sum(1 for ch in text if ch in NEGATIVE_EMOJI)
        if QUESTION.search(norm):
            total -= 1.1 * len(REQUEST_ADJECTIVE.findall(norm))
        if "!!" in text or "??" in text:
            total *= 1.25
        return total


def _lexicon_evidence(words: list[str]) -> float:
    total = 0.0
    for i, word in enumerate(words):
        weight = POSITIVE.get(word, 0.0) - NEGATIVE.get(word, 0.0)
        if not weight:
            continue
        if i > 0 and words[i - 1] in INTENSIFIERS:
            weight *= 1.4
        # Hindi and Tamil negate after the word ("अच्छा नहीं", "nalla illa"), English before it.
        window = words[max(0, i - 2) : i] + words[i + 1 : i + 3]
        if any(w in NEGATORS for w in window):
            # "not good" is plainly negative; "not bad" only mildly positive.
            weight = -max(weight, 1.2) if weight > 0 else -0.5 * weight
        total += weight
    return total
