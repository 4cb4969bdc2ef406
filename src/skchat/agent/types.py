"""The agent's value types, shared by NLU, retrieval, reply generation and the runtime.

They are plain data, independent of the database and of any provider, so providers can be
swapped by configuration and tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Sentiment = Literal["negative", "neutral", "positive"]


@dataclass(frozen=True, slots=True)
class IntentSpec:
    """One of a tenant's intents (POST /intents, or intents.json of an import)."""

    name: str
    description: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Annotation:
    """What NLU says about one customer message.

    `lang` is BCP 47: `en`, `hi`, `ta`, …; romanized text adds the script (`hi-Latn` for
    Hinglish, `ta-Latn` for Tamil in Latin letters). `sentiment_score` is in [-1, 1].
    The three flags feed the handoff rules: an explicit request for a person (any language),
    an escalation (threats: consumer forum/court, police, legal action, chargeback, public
    shaming; or abusive anger), a sensitive case (money debited twice, fraud, OTP/UPI scams).
    """

    lang: str
    intent: str | None
    confidence: float
    sentiment: Sentiment
    sentiment_score: float
    wants_human: bool = False
    escalation: bool = False
    sensitive: bool = False


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    body: str
    intent: str | None = None
    tags: tuple[str, ...] = ()
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class Item:
    """A catalog item. `attributes` holds the rest: sizes, colors, stock_by_size, …"""

    id: str
    name: str
    description: str = ""
    category: str | None = None
    price: str | None = None  # decimal string, e.g. "1999.00"
    currency: str = "INR"
    in_stock: bool = True
    attributes: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieval result: an article or an item, with its score (higher is better)."""

    kind: Literal["article", "item"]
    id: str
    score: float
    article: Article | None = None
    item: Item | None = None


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything a tenant's agent may answer from, in one mode."""

    articles: tuple[Article, ...] = ()
    items: tuple[Item, ...] = ()
    intents: tuple[IntentSpec, ...] = ()
    store_name: str = ""
    languages: tuple[str, ...] = ("en",)


@dataclass(frozen=True, slots=True)
class Turn:
    role: Literal["customer", "agent"]
    text: str


@dataclass(frozen=True, slots=True)
class Draft:
    """A reply the agent may send. `answered` is False when it could not answer from the
    tenant's knowledge (it then says so honestly, or asks one clarifying question)."""

    text: str
    sources: tuple[tuple[Literal["article", "item"], str], ...] = ()
    answered: bool = True
    lang: str = "en"
