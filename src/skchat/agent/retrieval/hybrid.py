"""The default retriever: lexical (BM25 with cross-script alternatives), optionally fused with multilingual
sentence embeddings, and a preference for articles in the customer's language."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import structlog

from skchat.agent.retrieval.dense import DenseIndex, Embed, embed_passages, missing_passages
from skchat.agent.retrieval.lexical import LexicalIndex, field_terms
from skchat.agent.types import Article, Corpus, Hit, Item

Kind = Literal["article", "item"]

log = structlog.get_logger("skchat.agent")

# How much the lexical and the dense signals count in the fused relevance (they sum to 1).
W_LEXICAL = 0.6
W_DENSE = 0.4
# Articles in the customer's own language are preferred over their translations; articles in a third
# language (a Tamil article for a Hindi question) are pushed down.
OWN_LANG = 1.1
THIRD_LANG = 0.75


def article_terms(article: Article) -> Iterable[tuple[str, float]]:
    yield from field_terms(article.title, 2.0)
    yield from field_terms(" ".join(article.tags), 1.5)
    yield from field_terms(article.body, 1.0)
    if article.intent:
        yield from field_terms(article.intent.replace("_", " "), 1.0)


def item_terms(item: Item) -> Iterable[tuple[str, float]]:
    yield from field_terms(item.name, 3.0)
    yield from field_terms(item.category or "", 1.5)
    yield from field_terms(" ".join(str(c) for c in _as_list(item.attributes.get("colors"))), 1.5)
    yield from field_terms(item.description, 1.0)


def article_passage(article: Article) -> str:
    return f"{article.title}. {article.body}"


def item_passage(item: Item) -> str:
    colors = ", ".join(str(c) for c in _as_list(item.attributes.get("colors")))
    return f"{item.name}. {item.category or ''}. {colors}. {item.description}"


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


@dataclass(frozen=True, slots=True)
class _Doc:
    kind: Kind
    id: str
    lang: str | None
    article: Article | None = None
    item: Item | None = None


def answer_languages(lang: str | None, corpus: Corpus) -> tuple[str, ...]:
    """The article languages a customer writing in `lang` (BCP 47) can be answered in, best first.

    Native-script Hindi or Tamil: that language, then the store's default. Romanized text (`hi-Latn`) or a
    language the store has no articles in: the default language only, which Latin-script readers can read.
    """
    default = corpus.languages[0] if corpus.languages else "en"
    if not lang:
        return ()
    parts = lang.split("-")
    primary = parts[0].lower()
    romanized = any(p.lower() == "latn" for p in parts[1:])
    if romanized or primary == default or not any(a.lang == primary for a in corpus.articles):
        return (default,)
    return (primary, default)


def language_factor(article_lang: str, languages: tuple[str, ...]) -> float:
    if not languages:
        return 1.0
    if article_lang not in languages:
        return THIRD_LANG
    return OWN_LANG if len(languages) > 1 and article_lang == languages[0] else 1.0


class HybridRetriever:
    def __init__(self, corpus: Corpus, embed: Embed | None = None, *, sync_limit: int | None = None) -> None:
        self._corpus = corpus
        self._docs: list[_Doc] = [_Doc("article", a.id, a.lang, article=a) for a in corpus.articles]
        self._docs += [_Doc("item", i.id, None, item=i) for i in corpus.items]
        terms = [article_terms(a) for a in corpus.articles] + [item_terms(i) for i in corpus.items]
        self._lexical = LexicalIndex(terms)
        self._dense: DenseIndex | None = None
        self._ready = threading.Event()
        if embed is None or not self._docs:
            self._ready.set()
            return
        passages = [article_passage(a) for a in corpus.articles] + [item_passage(i) for i in corpus.items]
        if sync_limit is None or len(missing_passages(embed, passages)) <= sync_limit:
            self._fill(embed, passages, background=False)
        else:
            threading.Thread(
                target=self._fill, args=(embed, passages), kwargs={"background": True}, name="dense-index", daemon=True
            ).start()

    def _fill(self, embed: Embed, passages: list[str], *, background: bool) -> None:
        try:
            self._dense = DenseIndex(embed, embed_passages(embed, passages, background=background))
        except Exception:  # the lexical index still answers; never fail a search for the dense half
            log.exception("building the dense index failed; searching lexically")
        finally:
            self._ready.set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until the dense half is in place (or given up on); True when done."""
        return self._ready.wait(timeout)

    def search(self, query: str, *, lang: str | None = None, kind: Kind | None = None, limit: int = 5) -> list[Hit]:
        slots = self._lexical.slots(query)
        scored = self._lexical.score(slots) if slots else []
        lexical: dict[int, float] = {}
        if scored:
            # Relevance in [0, 1], saturating: ranking by BM25 itself measured best (coverage is used by the
            # reply composer to decide whether to answer, not to rank).
            lexical = {s.doc: s.bm25 / (s.bm25 + 3) for s in scored}
        dense = self._dense.similarities(query) if self._dense is not None and query.strip() else None
        languages = answer_languages(lang, self._corpus)
        ranked: list[tuple[float, int]] = []
        for index, doc in enumerate(self._docs):
            if kind is not None and doc.kind != kind:
                continue
            lex = lexical.get(index, 0.0)
            score = W_LEXICAL * lex + W_DENSE * float(dense[index]) if dense is not None else lex
            if score <= 0.0:
                continue
            if doc.lang is not None:
                score *= language_factor(doc.lang, languages)
            ranked.append((score, index))
        ranked.sort(key=lambda pair: (-pair[0], pair[1]))
        hits: list[Hit] = []
        for score, index in ranked[: max(limit, 0)]:
            doc = self._docs[index]
            hits.append(Hit(kind=doc.kind, id=doc.id, score=round(score, 4), article=doc.article, item=doc.item))
        return hits


class HybridFactory:
    """Builds a `HybridRetriever`; with `embed` (text → vectors) the dense signal is fused in.

    Embedding passages costs ~50 ms each on 2 cores, so a corpus with more than `sync_limit` passages not yet
    embedded (a first build after start-up, a large import) gets its dense half in a background thread: the
    retriever answers lexically at once, and with both signals as soon as the vectors are there. Vectors are
    cached by text, so rebuilding after an edit embeds only what changed. `sync_limit=None` always waits.
    """

    def __init__(self, embed: Embed | None = None, *, sync_limit: int | None = 24) -> None:
        self._embed = embed
        self._sync_limit = sync_limit

    def build(self, corpus: Corpus) -> HybridRetriever:
        return HybridRetriever(corpus, self._embed, sync_limit=self._sync_limit)
