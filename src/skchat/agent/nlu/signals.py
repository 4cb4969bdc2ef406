"""The handoff signals of one message: wants a person, escalation (threat, abuse, fury), sensitive money case.

Rules over normalised text (see `lexicons/signals.py`), because these flags must be precise and explainable:
a false "wants_human" silences the agent. Fury needs both strong words and a negative sentiment, or a
very negative sentiment shouted ("!!", capitals), so a mild complaint ("received a torn saree") stays with
the agent while "worst service ever, I'm done!!" goes to a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from skchat.agent.nlu.lexicons import signals as lex
from skchat.agent.nlu.text import normalize

_STRONG_NEGATIVE = -4.0  # sentiment evidence (see SentimentScorer.raw) that reads as anger by itself
_SHOUTED_NEGATIVE = -2.0
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_NOT_SHOUTING = frozenset({"UPI", "COD", "EMI", "OTP", "GST", "PIN", "SMS", "ATM", "KYC", "USD", "INR", "NEFT", "IMPS"})


@dataclass(frozen=True, slots=True)
class Signals:
    wants_human: bool = False
    escalation: bool = False
    sensitive: bool = False


def detect(text: str, sentiment_raw: float) -> Signals:
    """Flags for one message; `sentiment_raw` is the sentiment evidence (negative = unhappy)."""
    norm = normalize(text)
    return Signals(
        wants_human=wants_human(norm),
        escalation=escalation(text, norm, sentiment_raw),
        sensitive=sensitive(norm),
    )


def wants_human(norm: str) -> bool:
    if lex.HUMAN_REQUEST.search(norm):
        return True
    for person in lex.PERSON.finditer(norm):
        lo, hi = max(0, person.start() - lex.NEAR), person.end() + lex.NEAR
        if lex.CONTACT.search(norm, lo, hi):
            return True
    return False


def escalation(text: str, norm: str, sentiment_raw: float) -> bool:
    if lex.THREAT.search(norm) or lex.ABUSE.search(norm):
        return True
    if sentiment_raw < 0 and lex.FURY.search(norm):
        return True
    if sentiment_raw <= _STRONG_NEGATIVE:
        return True
    return sentiment_raw <= _SHOUTED_NEGATIVE and _shouted(text)


def sensitive(norm: str) -> bool:
    if lex.SENSITIVE.search(norm):
        return True
    return bool(lex.TWICE.search(norm) and lex.MONEY.search(norm))


def _shouted(text: str) -> bool:
    if "!!" in text or "??" in text:
        return True
    caps = [w for w in _CAPS_WORD.findall(text) if w not in _NOT_SHOUTING]
    return len(caps) >= 2
