"""Choosing the sentences of an article that answer a question. Sentences are quoted verbatim, so numbers,
₹ amounts, ranges with their en dash and codes ("FIRST10") reach the customer exactly as the tenant wrote them."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from skchat.agent.retrieval.lexical import Slot, field_terms, query_slots
from skchat.agent.retrieval.text import raw_tokens, words

# A sentence ends at . ! ? । (or the Tamil/Devanagari full stops) followed by a space.
_BOUNDARY = re.compile(r"(?<=[.!?\u0964\u0965])\s+")
# Words before a full stop that do not end a sentence ("T. Nagar", "No. 24", "Rs. 500").
_ABBREVIATIONS = frozenset({"no", "rs", "dr", "st", "mr", "mrs", "ms", "vs", "etc", "e.g", "i.e", "approx", "nos"})

# Words that ask for a quantity (how much, how long, when, …): sentences with numbers answer them.
_QUANTITY_WORDS = frozenset(
    words(
        """
    how much many long soon when time days cost price charge fee minimum maximum limit till until kitna kitne
    kitni kab tak kaun kitnay कितना कितने कितनी कब तक எவ்வளவு எத்தனை எப்போது எப்ப எப்போ evvalavu evlo ethana eppo
    eppadi
        """
    )
)

MAX_SENTENCES = 4
MAX_CHARS = 520


def split_sentences(text: str) -> list[str]:
    pieces = _BOUNDARY.split(text.strip())
    sentences: list[str] = []
    for piece in pieces:
        if sentences:
            previous = sentences[-1]
            last_word = previous.rstrip(".").rsplit(" ", 1)[-1]
            if (len(last_word) == 1 and last_word.isupper()) or last_word.casefold() in _ABBREVIATIONS:
                sentences[-1] = f"{previous} {piece}"
                continue
        if piece:
            sentences.append(piece)
    return sentences


@dataclass(frozen=True, slots=True)
class Selection:
    sentences: tuple[str, ...]
    overlap: float  # share of the question's slots that the chosen sentences match (0..1)


def _size(sentences: Sequence[str], chosen: Sequence[int]) -> int:
    return sum(len(sentences[i]) for i in chosen)


def _slot_weight(slot: Slot, terms: set[str]) -> float:
    return max((w for t, w in slot.alternatives if t in terms), default=0.0)


def select(question: str, body: str, *, slots: Sequence[Slot] | None = None, lead: bool = False) -> Selection:
    """The sentences of `body` that share most with `question` (rarer words count more), in their order.

    When no sentence shares a word (a translated question found by meaning only), or with `lead` (a
    procedure that applies as a whole, such as how complaints are handled), the opening sentences are used:
    an article's first lines state its main fact.
    """
    sentences = split_sentences(body)
    if not sentences:
        return Selection((), 0.0)
    if lead:
        chosen_lead: list[str] = []
        for sentence in sentences:
            if len(chosen_lead) >= MAX_SENTENCES or (
                chosen_lead and sum(map(len, chosen_lead)) + len(sentence) > MAX_CHARS
            ):
                break
            chosen_lead.append(sentence)
        return Selection(tuple(chosen_lead), 1.0)
    slots = list(slots if slots is not None else query_slots(question))
    term_sets = [{t for t, _ in field_terms(s, 1.0)} for s in sentences]
    # Within-article idf: a word in every sentence (the article's topic) tells sentences apart less.
    weights: list[float] = []
    for slot in slots:
        df = sum(1 for terms in term_sets if _slot_weight(slot, terms) > 0)
        weights.append(math.log(1 + len(sentences) / df) if df else 0.0)
    wants_number = any(t in _QUANTITY_WORDS for t in raw_tokens(question))
    scores: list[float] = []
    for sentence, terms in zip(sentences, term_sets, strict=True):
        score = sum(w * _slot_weight(slot, terms) for slot, w in zip(slots, weights, strict=True))
        if wants_number and score > 0 and any(ch.isdigit() for ch in sentence):
            score += 0.5
        scores.append(score)
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    best = scores[ranked[0]]
    chosen: list[int] = []
    if best > 0:
        for index in ranked:
            if scores[index] < 0.35 * best or len(chosen) >= MAX_SENTENCES:
                break
            if not chosen or _size(sentences, chosen) + len(sentences[index]) <= MAX_CHARS:
                chosen.append(index)
    # Fill up with the context of the best sentence (the next one usually completes it), else the opening.
    anchor = chosen[0] if chosen else 0
    for index in (anchor, anchor + 1, anchor - 1, anchor + 2, 0, 1, 2):
        if len(chosen) >= MAX_SENTENCES or not 0 <= index < len(sentences) or index in chosen:
            continue
        if not chosen or _size(sentences, chosen) + len(sentences[index]) <= MAX_CHARS:
            chosen.append(index)
    chosen.sort()
    picked = [term_sets[i] for i in chosen]
    matched = sum(1 for slot in slots if any(_slot_weight(slot, terms) > 0 for terms in picked))
    return Selection(tuple(sentences[i] for i in chosen), matched / len(slots) if slots else 0.0)
