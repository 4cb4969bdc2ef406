"""BM25 over weighted fields, with cross-script alternatives for every query word.

Why not `bm25s`: a tenant's knowledge is a few hundred documents, where a plain inverted index in Python
scores a query in well under a millisecond; `bm25s` brings scipy and a sparse-matrix pipeline that pays off
only at corpus sizes we don't have, and its tokenizer would have to be replaced anyway (its default pattern
splits Indic words at their vowel signs). What matters here is the query side: each query word is a *slot*
with alternatives — its stem, its sound key (so "चंदेरी" finds "Chanderi"), and glossary translations (so
"விலை" finds "price") — and a slot counts once, by its best alternative.

Besides the BM25 score, `coverage` says how much of the query's information (idf-weighted slots) a document
matches: an unrelated question ("who won the match?") may share one word with an article, but not most of
its weight. The reply composer uses it to decide whether it can answer at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from skchat.agent.retrieval.glossary import GLOSSARY
from skchat.agent.retrieval.text import STOPWORDS, is_indic, is_latin, raw_tokens, sound_key, stem

K1 = 1.2
B = 0.5
IDF_FLOOR = 1.0
SOUND_PREFIX = "~"

# Weights of a query word's alternatives: its own stem, its sound key, a glossary translation.
W_EXACT = 1.0
W_SOUND_INDIC = 1.0
W_SOUND_LATIN = 0.5
W_GLOSSARY = 0.7


def field_terms(text: str, weight: float) -> Iterable[tuple[str, float]]:
    """Weighted index terms of one field: stems, sound keys, and joined pairs of Latin words so that
    "PIN code" also matches "pincode" (and "bed sheet" "bedsheet")."""
    previous: str | None = None
    for token in raw_tokens(text):
        if token in STOPWORDS:
            previous = None
            continue
        yield stem(token), weight
        key = sound_key(token)
        if key:
            yield SOUND_PREFIX + key, weight
        latin = is_latin(token)
        if previous is not None and latin:
            yield stem(previous + token), weight * 0.5
        previous = token if latin else None


@dataclass(frozen=True, slots=True)
class Slot:
    """One query word and its alternatives (term, weight)."""

    token: str
    alternatives: tuple[tuple[str, float], ...]


def query_slots(query: str, known: Callable[[str], bool] | None = None) -> list[Slot]:
    """Each distinct word of `query` with its alternatives: stem, sound key, glossary translations.
    Stopwords only bring their glossary translations ("milega" → available)."""
    slots: list[Slot] = []
    seen: set[str] = set()
    for token in raw_tokens(query):
        if token in seen:
            continue
        seen.add(token)
        alternatives: dict[str, float] = {}
        if token not in STOPWORDS:
            alternatives[stem(token)] = W_EXACT
            indic = is_indic(token)
            key = sound_key(token)
            if key and (indic or known is None or not known(stem(token))):
                # Short keys collide more often: two consonants say less than four.
                length = len(key.lstrip("_"))
                base = W_SOUND_INDIC if indic else W_SOUND_LATIN
                alternatives[SOUND_PREFIX + key] = base * (0.5 if length == 2 else 0.75 if length == 3 else 1.0)
        for term in GLOSSARY.expand(token):
            alternatives[term] = max(alternatives.get(term, 0.0), W_GLOSSARY)
        if alternatives:
            slots.append(Slot(token, tuple(alternatives.items())))
    return slots


@dataclass(frozen=True, slots=True)
class Scored:
    doc: int
    bm25: float
    coverage: float


class LexicalIndex:
    def __init__(self, docs: Sequence[Iterable[tuple[str, float]]]) -> None:
        self._postings: dict[str, list[tuple[int, float]]] = {}
        lengths: list[float] = []
        for index, terms in enumerate(docs):
            tf: dict[str, float] = {}
            for term, weight in terms:
                tf[term] = tf.get(term, 0.0) + weight
            lengths.append(sum(v for t, v in tf.items() if not t.startswith(SOUND_PREFIX)) or 1.0)
            for term, freq in tf.items():
                self._postings.setdefault(term, []).append((index, freq))
        self._n = len(lengths)
        avg = sum(lengths) / self._n if self._n else 1.0
        self._norm = [K1 * (1 - B + B * length / avg) for length in lengths]
        self._idf = {t: self._idf_of(len(p)) for t, p in self._postings.items()}
        self.unknown_idf = self._idf_of(0)

    def _idf_of(self, df: int) -> float:
        # Floored at 1: in a tenant's first handful of documents every word is "common", yet a question that
        # names them is still relevant; scores must not shrink with the size of the corpus.
        return max(IDF_FLOOR, math.log(1 + (self._n - df + 0.5) / (df + 0.5)))

    def __contains__(self, term: str) -> bool:
        return term in self._postings

    def slots(self, query: str) -> list[Slot]:
        """The query's slots; a Latin word gets its sound key only when its own stem is unknown here."""
        return query_slots(query, known=self._postings.__contains__)

    def score(self, slots: Sequence[Slot]) -> list[Scored]:
        """Every document that matches at least one slot, with its BM25 score and coverage."""
        bm25: dict[int, float] = {}
        credit: dict[int, float] = {}
        total = 0.0
        for slot in slots:
            known = [self._idf[t] for t, _ in slot.alternatives if t in self._idf]
            importance = min(known) if known else self.unknown_idf
            total += importance
            best: dict[int, tuple[float, float]] = {}  # doc -> (bm25 part, coverage weight)
            for term, weight in slot.alternatives:
                postings = self._postings.get(term)
                if not postings:
                    continue
                idf = self._idf[term]
                for doc, freq in postings:
                    part = weight * idf * freq * (K1 + 1) / (freq + self._norm[doc])
                    if part > best.get(doc, (0.0, 0.0))[0]:
                        best[doc] = (part, weight)
            for doc, (part, weight) in best.items():
                bm25[doc] = bm25.get(doc, 0.0) + part
                credit[doc] = credit.get(doc, 0.0) + importance * weight
        if not total:
            return []
        return [Scored(doc, score, credit[doc] / total) for doc, score in bm25.items()]
