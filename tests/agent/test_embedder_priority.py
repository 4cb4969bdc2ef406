"""Background embedding (a knowledge base's passages) gives way to work somebody waits for."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from skchat.agent.nlu.embedder import Embedder


class RecordingModel:
    """Stands in for the engine (the real one takes tens of ms a text): records what it embedded, in order."""

    dim = 4

    def __init__(self) -> None:
        self.order: list[str] = []

    def query(self, texts: str | Sequence[str]) -> Any:
        batch = [texts] if isinstance(texts, str) else list(texts)
        time.sleep(0.005 * len(batch))  # the work, holding the embedder's lock like the engine does
        self.order += batch
        vectors = np.ones((len(batch), self.dim), dtype=np.float32)
        return vectors[0] if isinstance(texts, str) else vectors

    def token_count(self, text: str, add_special: bool) -> int:
        return len(text.split())


def test_a_taxonomy_is_not_made_to_take_turns_with_a_background_corpus() -> None:
    embedder = Embedder()
    model = embedder._model = RecordingModel()
    passages = [f"passage {n}" for n in range(60)]
    examples = [f"example {n}" for n in range(20)]
    background = threading.Thread(target=embedder.embed_many, args=(passages,), kwargs={"background": True})
    background.start()
    while len(model.order) < 5:  # the background work is under way
        time.sleep(0.001)
    embedder.embed_many(examples)
    embedder.embed("a customer's message")
    background.join()
    first, last = model.order.index("example 0"), model.order.index("a customer's message")
    passages_between = [t for t in model.order[first:last] if t.startswith("passage")]
    # At most one passage slips in between two foreground texts' checks; taking turns would be ~20.
    assert len(passages_between) <= 2, model.order
    assert sorted(model.order) == sorted([*passages, *examples, "a customer's message"])
