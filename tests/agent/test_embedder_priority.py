"""A knowledge base's passages, embedded in the background, never hold up a customer's message."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest

from skchat.agent.nlu import embedder as module
from skchat.agent.retrieval.dense import SharedE5


class BlockingModel:
    """Stands in for the engine: a passage blocks until the test lets it finish (a long passage takes
    ~1 s of one core in the real one); anything else answers at once."""

    dim = 4

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def query(self, texts: str | Sequence[str]) -> Any:
        batch = [texts] if isinstance(texts, str) else list(texts)
        if any(t.startswith("passage") for t in batch):
            self.started.set()
            assert self.release.wait(10), "never released"
        vectors = np.ones((len(batch), self.dim), dtype=np.float32)
        return vectors[0] if isinstance(texts, str) else vectors

    def token_count(self, text: str, add_special: bool) -> int:
        return len(text.split())


@pytest.fixture
def instances(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, module.Embedder]]:
    made = {role: module.Embedder() for role in ("foreground", "background")}
    for instance in made.values():
        instance._model = BlockingModel()
    monkeypatch.setattr(module, "_shared", made)
    yield made
    for instance in made.values():
        instance._model.release.set()


def test_a_message_and_a_taxonomy_are_embedded_while_a_background_passage_is(
    instances: dict[str, module.Embedder],
) -> None:
    background = threading.Thread(target=SharedE5().passages, args=(["passage one"],), kwargs={"background": True})
    background.start()
    assert instances["background"]._model.started.wait(10)
    # The passage is still being embedded; the customer's side does not wait for it.
    assert module.shared_embedder().embed("Do you deliver to Chennai?").shape == (4,)
    assert module.shared_embedder().embed_many(["example one", "example two"]).shape == (2, 4)
    assert background.is_alive()
    instances["background"]._model.release.set()
    background.join(10)
    assert not background.is_alive()


def test_an_index_built_while_somebody_waits_uses_the_foreground_instance(
    instances: dict[str, module.Embedder],
) -> None:
    instances["foreground"]._model.release.set()  # nobody else is embedding: it simply runs
    assert SharedE5().passages(["passage two"]).shape == (1, 4)
    assert not instances["background"]._model.started.is_set()
