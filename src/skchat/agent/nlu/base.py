"""The NLU provider interface: language, intent and sentiment of one customer message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from skchat.agent.types import Annotation, IntentSpec


class NLUProvider(Protocol):
    """Synchronous and CPU-bound by design: it runs inside the customer's POST and must stay
    well under 20 ms at p50 on 2 cores. Implementations must be safe to call from threads."""

    def annotate(self, text: str, intents: Sequence[IntentSpec]) -> Annotation: ...

    # Optional: `is_quick(text) -> bool`, True when annotating this text costs well under a millisecond
    # (nothing to embed). Callers then run it on the event loop instead of in a thread.
