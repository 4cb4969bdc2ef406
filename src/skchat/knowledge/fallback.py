"""A small, dependency-free retriever: BM25 over word tokens, used until the agent's retriever is installed.

It implements `agent.retrieval.base.Retriever`. Documents are weighted bags of tokens: an
article's title and tags count twice, its intent name and body once; an item's name three
times, its category and colours twice, its description once. Tokens are Unicode words
(Indic scripts kept whole, with their vowel signs), lower-cased, with a crude English
suffix stripping so `deliver`, `delivery` and `deliveries` meet. When `lang` is given,
articles in that language (primary subtag) get a boost rather than excluding the others.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from skchat.agent.types import Article, Corpus, Hit, Item

Kind = Literal["article", "item"]

# Letters, digits and the combining marks of the Indic blocks (U+0900-U+0DFF), plus ZWJ/ZWNJ.
_WORD = re.compile(r"[\w\u0900-\u0dff\u200c\u200d]+")
_SUFFIXES = ("ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s", "y")
_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "please",
        "the",
        "there",
        "this",
        "to",
        "we",
        "what",
        "when",
        "where",
        "which",
        "will",
        "with",
        "you",
        "your",
    }
)
SAME_LANGUAGE_BOOST = 1.3
K1 = 1.2
B = 0.75


def _stem(token: str) -> str:
    if not token.isascii() or not token.isalpha():
        return token
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= 4:
                token = token[: -len(suffix)]
                changed = True
                break
    return token


def tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    return [_stem(t) for t in _WORD.findall(text.replace("_", " ")) if t not in _STOP]


def _weighted(*fields: tuple[Iterable[str], int]) -> Counter[str]:
    bag: Counter[str] = Counter()
    for texts, weight in fields:
        for text in texts:
            for token in tokens(text):
                bag[token] += weight
    return bag


def _article_bag(article: Article) -> Counter[str]:
    return _weighted(
        ([article.title, *article.tags], 2),
        ([article.intent or "", article.body], 1),
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _item_bag(item: Item) -> Counter[str]:
    colors = _strings(item.attributes.get("colors")) + _strings(item.attributes.get("color"))
    return _weighted(([item.name], 3), ([item.category or "", *colors], 2), ([item.description], 1))


@dataclass(frozen=True, slots=True)
class _Doc:
    kind: Kind
    id: str
    bag: Counter[str]
    length: int
    lang: str
    article: Article | None = None
    item: Item | None = None


class _Index:
    """BM25 over one kind of document."""

    def __init__(self, docs: list[_Doc]) -> None:
        self.docs = docs
        self.avg_length = (sum(d.length for d in docs) / len(docs)) if docs else 1.0
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(doc.bag.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: list[str]) -> list[tuple[float, _Doc]]:
        terms = [t for t in dict.fromkeys(query) if t in self.idf]
        found = []
        for doc in self.docs:
            score = 0.0
            norm = K1 * (1 - B + B * doc.length / self.avg_length)
            for term in terms:
                tf = doc.bag.get(term, 0)
                if tf:
                    score += self.idf[term] * tf * (K1 + 1) / (tf + norm)
            if score > 0:
                found.append((score, doc))
        return found


class TokenOverlapRetriever:
    def __init__(self, corpus: Corpus) -> None:
        articles = [
            _Doc("article", a.id, bag, max(1, sum(bag.values())), a.lang, article=a)
            for a in corpus.articles
            for bag in [_article_bag(a)]
        ]
        items = [
            _Doc("item", i.id, bag, max(1, sum(bag.values())), "", item=i)
            for i in corpus.items
            for bag in [_item_bag(i)]
        ]
        self._indexes: dict[Kind, _Index] = {"article": _Index(articles), "item": _Index(items)}

    def search(self, query: str, *, lang: str | None = None, kind: Kind | None = None, limit: int = 5) -> list[Hit]:
        terms = tokens(query)
        primary = lang.split("-")[0].lower() if lang else None
        found: list[tuple[float, _Doc]] = []
        for name, index in self._indexes.items():
            if kind is None or kind == name:
                found.extend(index.scores(terms))
        ranked = []
        for score, doc in found:
            if primary and doc.kind == "article" and doc.lang.split("-")[0].lower() == primary:
                score *= SAME_LANGUAGE_BOOST
            ranked.append((score, doc))
        ranked.sort(key=lambda pair: (-pair[0], pair[1].id))
        return [
            Hit(kind=doc.kind, id=doc.id, score=round(score, 4), article=doc.article, item=doc.item)
            for score, doc in ranked[:limit]
        ]


class TokenOverlapFactory:
    def build(self, corpus: Corpus) -> TokenOverlapRetriever:
        return TokenOverlapRetriever(corpus)
