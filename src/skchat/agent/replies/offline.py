"""The offline reply composer: answers only with what the tenant's articles and catalog say.

It never writes a fact of its own. An article answer quotes the article's most relevant sentences verbatim;
an item answer fills fixed phrases with the item's price, stock by size and colours. When retrieval found
nothing relevant enough, or the message is out of scope, the draft says so (`answered=False`) instead of
guessing. Greetings, thanks and requests for a person get short fixed replies.

Intents are read by *role* (greeting, thanks, out of scope, request for a person, order status, complaint),
recognised from the usual names, so another tenant's taxonomy works as long as it names these roles
recognisably; every other intent is an information request answered from the knowledge.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from skchat.agent.replies.items import describe, sizes_of, summarize
from skchat.agent.replies.phrases import phrase_lang, say
from skchat.agent.replies.sentences import select
from skchat.agent.retrieval.base import Retriever
from skchat.agent.retrieval.hybrid import answer_languages, article_terms, item_terms
from skchat.agent.retrieval.lexical import LexicalIndex, Slot, query_slots
from skchat.agent.retrieval.text import raw_tokens, stem
from skchat.agent.types import Annotation, Corpus, Draft, Hit, Item, Turn

Role = Literal["greeting", "thanks", "out_of_scope", "human", "order_status", "complaint"]
Source = tuple[Literal["article", "item"], str]

# Retrieval scores are in [0, 1]. Below MIN_SCORE nothing is relevant; above it, a hit must also be of the
# message's intent, or cover MIN_COVERAGE of the message's words (idf-weighted).
MIN_SCORE = 0.3
MIN_COVERAGE = 0.3
INTENT_BONUS = 1.08
# Items whose scores are this close to the best one are listed together ("Do you have silk sarees?").
LIST_RATIO = 0.92
LIST_MAX = 3

_ORDER_NUMBER = re.compile(r"\b[A-Za-z]{1,4}-?\d{5,}\b|#\s?\d{4,}")


def intent_role(intent: str | None) -> Role | None:
    name = (intent or "").casefold()
    if not name:
        return None
    if name.startswith("greet") or name in {"hello", "welcome"}:
        return "greeting"
    if "thank" in name or "bye" in name:
        return "thanks"
    if "out_of_scope" in name or name in {"other", "unrelated", "chitchat", "small_talk", "off_topic"}:
        return "out_of_scope"
    if "human" in name or name in {"agent_request", "talk_to_agent", "escalation", "escalate"}:
        return "human"
    if "order_status" in name or "track" in name:
        return "order_status"
    if "complain" in name:
        return "complaint"
    return None


def gather_hits(
    retriever: Retriever, message: str, annotation: Annotation, history: Sequence[Turn], *, limit: int = 8
) -> list[Hit]:
    """What the composer should see for `message`: its own hits, and for a short follow-up ("how many days?")
    also the hits of the previous customer turn joined to it, slightly discounted."""
    hits = retriever.search(message, lang=annotation.lang, limit=limit)
    previous = next((t.text for t in reversed(history) if t.role == "customer"), None)
    if previous and len(query_slots(message)) <= 3:
        merged = {h.id: h for h in hits}
        for hit in retriever.search(f"{previous} {message}", lang=annotation.lang, limit=limit):
            discounted = Hit(hit.kind, hit.id, round(hit.score * 0.9, 4), hit.article, hit.item)
            if hit.id not in merged or merged[hit.id].score < discounted.score:
                merged[hit.id] = discounted
        hits = sorted(merged.values(), key=lambda h: -h.score)[:limit]
    return hits


class _Coverage:
    """How much of a message each article or item covers (idf-weighted share of its words), from a lexical
    index of the corpus kept for the last few corpora composed against."""

    _cache: ClassVar[dict[int, tuple[Corpus, LexicalIndex, list[str]]]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def of(cls, message: str, corpus: Corpus) -> dict[str, float]:
        with cls._lock:
            cached = cls._cache.get(id(corpus))
            if cached is None or cached[0] is not corpus:
                terms = [article_terms(a) for a in corpus.articles] + [item_terms(i) for i in corpus.items]
                ids = [a.id for a in corpus.articles] + [i.id for i in corpus.items]
                cached = (corpus, LexicalIndex(terms), ids)
                if len(cls._cache) >= 16:
                    cls._cache.pop(next(iter(cls._cache)))
                cls._cache[id(corpus)] = cached
        _, index, ids = cached
        return {ids[s.doc]: s.coverage for s in index.score(index.slots(message))}


@dataclass(frozen=True, slots=True)
class _Candidate:
    hit: Hit
    score: float  # retrieval score, with the intent bonus


class OfflineReplyGenerator:
    """The default `ReplyGenerator`: grounded, extractive, multilingual where the knowledge is."""

    def compose(
        self,
        message: str,
        annotation: Annotation,
        hits: Sequence[Hit],
        corpus: Corpus,
        history: Sequence[Turn],
        *,
        greeting: str | None = None,
    ) -> Draft:
        lang = phrase_lang(annotation.lang)
        role = intent_role(annotation.intent)
        store = corpus.store_name or "our store"
        if role == "greeting":
            if greeting:
                return Draft(text=greeting, lang=annotation.lang)
            text, used = say("greeting" if corpus.store_name else "greeting_anon", lang, store=store)
            return Draft(text=text, lang=used)
        if role == "thanks":
            text, used = say("thanks", lang)
            return Draft(text=text, lang=used)
        if role == "human":
            text, used = say("human", lang)
            return Draft(text=text, lang=used)
        if role == "out_of_scope":
            text, used = say("out_of_scope", lang, store=store)
            return Draft(text=text, answered=False, lang=used)
        candidates = self._rank(_own_hits(hits, corpus), annotation)
        if role == "complaint":
            candidates = self._complaint_policies(candidates, annotation, corpus) or candidates
        slots = query_slots(message)
        if not slots:  # nothing to look up ("ok", "hmm", an emoji): ask, don't answer
            text, used = say("clarify", lang)
            return Draft(text=text, answered=False, lang=used)
        coverage = _Coverage.of(message, corpus)
        if role == "order_status" or _ORDER_NUMBER.search(message):
            return self._order_status(message, annotation, candidates, slots, lang, role, coverage)
        draft = self._answer(message, annotation, candidates, slots, lang, role, coverage)
        if draft is None:
            text, used = say("not_found", lang)
            return Draft(text=text, answered=False, lang=used)
        if role == "complaint" or annotation.sentiment == "negative":
            sorry, _ = say("sorry", draft.lang)
            if draft.lang in (lang, "en") and sorry:
                draft = Draft(f"{sorry} {draft.text}", draft.sources, draft.answered, draft.lang)
        return draft

    # --- ranking and answerability ---------------------------------------------------------------------

    @staticmethod
    def _rank(hits: Sequence[Hit], annotation: Annotation) -> list[_Candidate]:
        """Hits re-scored for answering: an article of the message's intent gains a little (a tie-breaker:
        article intents are coarse, and the message's intent may be wrong)."""
        out: list[_Candidate] = []
        for hit in hits:
            score = hit.score
            if hit.article is not None and annotation.intent and hit.article.intent == annotation.intent:
                score *= INTENT_BONUS
            out.append(_Candidate(hit, score))
        out.sort(key=lambda c: -c.score)
        return out

    @staticmethod
    def _complaint_policies(
        candidates: Sequence[_Candidate], annotation: Annotation, corpus: Corpus
    ) -> list[_Candidate]:
        """For a complaint, the tenant's complaint-handling articles are the answer, whatever products the
        message mentions ("got a towel instead of the bedsheet" is about wrong items, not about towels).
        Retrieved ones keep their order; the others follow at the lowest relevant score."""
        languages = answer_languages(annotation.lang, corpus)
        policies = [
            a for a in corpus.articles if a.intent == annotation.intent and (not languages or a.lang in languages)
        ]
        retrieved = {c.hit.id: c for c in candidates if c.hit.article is not None}
        out = [retrieved[a.id] for a in policies if a.id in retrieved]
        out.sort(key=lambda c: -c.score)
        for article in policies:
            if article.id not in retrieved:
                out.append(_Candidate(Hit("article", article.id, MIN_SCORE, article=article), MIN_SCORE))
        return out

    @staticmethod
    def _relevant(candidate: _Candidate, annotation: Annotation, coverage: float) -> bool:
        """Relevant enough to answer from: retrieved with some confidence, and either of the message's intent
        or covering a good part of what it asks (by meaning alone, an unrelated question can look close)."""
        hit = candidate.hit
        if hit.score < MIN_SCORE:
            return False
        backed_by_intent = hit.article is not None and _same_family(hit.article.intent, annotation.intent)
        return backed_by_intent or coverage >= MIN_COVERAGE

    # --- answers -----------------------------------------------------------------------------------------

    def _answer(
        self,
        message: str,
        annotation: Annotation,
        candidates: Sequence[_Candidate],
        slots: Sequence[Slot],
        lang: str,
        role: Role | None,
        coverage: dict[str, float],
    ) -> Draft | None:
        if not candidates:
            return None
        # An item named by the question beats a policy that merely shares its intent: items and articles are
        # compared on their retrieval scores, articles among themselves with the intent bonus.
        best = candidates[0]
        best_item = next((c for c in candidates if c.hit.item is not None), None)
        if (
            best_item is not None
            and best_item.hit.item is not None
            and (
                role in ("complaint", "order_status")
                or not (_asks_about_products(message, slots) or _names_item(slots, best_item.hit.item))
            )
        ):
            # Not a question about products: items merely mentioned ("the saree arrived torn") aren't the answer.
            candidates = [c for c in candidates if c.hit.item is None]
            if not candidates:
                return None
            best, best_item = candidates[0], None
        best_article = next((c for c in candidates if c.hit.article is not None), None)
        if best_item is not None and best_article is not None:
            best = best_item if best_item.hit.score >= best_article.hit.score else best_article
        hit = best.hit
        if hit.item is not None:
            item = hit.item
            if not self._relevant(best, annotation, coverage.get(item.id, 0.0)):
                return None
            return self._item_answer(message, annotation, candidates, item, slots, lang)
        if hit.article is not None:
            article = hit.article
            selection = select(message, article.body, slots=slots, lead=role == "complaint")
            if not self._relevant(best, annotation, coverage.get(article.id, 0.0)):
                return None
            return Draft(text=" ".join(selection.sentences), sources=(("article", article.id),), lang=article.lang)
        return None

    def _item_answer(
        self,
        message: str,
        annotation: Annotation,
        candidates: Sequence[_Candidate],
        item: Item,
        slots: Sequence[Slot],
        lang: str,
    ) -> Draft:
        items = [c for c in candidates if c.hit.item is not None]
        asked = _matched_slots(slots, item)
        close = [item]
        for other in items[1:]:
            if other.hit.item is None or other.score < LIST_RATIO * items[0].score:
                continue
            # A near tie is listed only when the question doesn't tell the items apart ("silk sarees?"), not
            # when it names what only the first one has ("the red one").
            if not _matched_slots(slots, other.hit.item) < asked:
                close.append(other.hit.item)
        if len(close) > 1:
            listed = close[:LIST_MAX]
            header, used = say("list", lang)
            lines = "; ".join(summarize(i, used) for i in listed)
            return Draft(text=f"{header} {lines}.", sources=tuple(("item", i.id) for i in listed), lang=used)
        text, used = describe(item, message, lang)
        sources: list[Source] = [("item", item.id)]
        # A policy that the question also asks about ("when will it be back in stock?"): only for words of the
        # question that the item does not answer, and only when the policy is about as relevant as the item.
        article = next((c for c in candidates if c.hit.article is not None), None)
        if article is not None and article.hit.article is not None and article.score >= 0.85 * candidates[0].score:
            item_terms_ = {t for s in query_slots(_item_text(item)) for t, _ in s.alternatives}
            rest = [s for s in slots if not any(t in item_terms_ or t in _PRODUCT_CUES for t, _ in s.alternatives)]
            selection = select(message, article.hit.article.body, slots=rest) if rest else None
            if selection is not None and selection.overlap > 0 and article.hit.article.lang == used:
                text = f"{text} {selection.sentences[0]}"
                sources.append(("article", article.hit.article.id))
        return Draft(text=text, sources=tuple(sources), lang=used)

    def _order_status(
        self,
        message: str,
        annotation: Annotation,
        candidates: Sequence[_Candidate],
        slots: Sequence[Slot],
        lang: str,
        role: Role | None,
        coverage: dict[str, float],
    ) -> Draft:
        """There is no order database behind the agent: it says so, and gives the policy that applies."""
        answer = self._answer(message, annotation, candidates, slots, lang, role, coverage)
        if answer is None or not any(kind == "article" for kind, _ in answer.sources):
            if role != "order_status" and answer is not None:
                return answer
            text, used = say("order_lookup_none", lang)
            return Draft(text=text, answered=False, lang=used)
        lead, _ = say("order_lookup", answer.lang)
        return Draft(f"{lead} {answer.text}", answer.sources, True, answer.lang)


# Words that make a message about products (price, stock, size, colour), as stems after glossary expansion.
_PRODUCT_CUES = frozenset(
    stem(w)
    for w in ["price", "cost", "rate", "avail", "availability", "stock", "size", "colour", "color", "sell", "buy"]
)


def _asks_about_products(message: str, slots: Sequence[Slot]) -> bool:
    words = set(raw_tokens(message))
    if "how" in words and "much" in words:
        return True
    return any(term in _PRODUCT_CUES for slot in slots for term, _ in slot.alternatives)


def _names_item(slots: Sequence[Slot], item: Item) -> bool:
    """Whether the message names this item: at least two of its name's words, and half of them."""
    name = [slot for slot in query_slots(item.name)]
    name_terms = [{t for t, _ in slot.alternatives} for slot in name]
    asked = {t for slot in slots for t, _ in slot.alternatives}
    matched = sum(1 for terms in name_terms if terms & asked)
    return matched >= 2 and matched >= 0.5 * len(name_terms)


def _same_family(article_intent: str | None, intent: str | None) -> bool:
    """The same intent, or one of its family: intents named `delivery_area` and `delivery_time` both speak
    of delivery."""
    if not article_intent or not intent:
        return False
    return article_intent == intent or article_intent.split("_", 1)[0] == intent.split("_", 1)[0]


def _item_text(item: Item) -> str:
    colours = item.attributes.get("colors", [])
    colour_text = " ".join(str(c) for c in colours) if isinstance(colours, list | tuple) else ""
    sizes = " ".join(sizes_of(item))
    return f"{item.name} {item.category or ''} {colour_text} {sizes} {item.description}"


def _matched_slots(slots: Sequence[Slot], item: Item) -> frozenset[str]:
    """The question's words that this item's text contains."""
    terms = {t for s in query_slots(_item_text(item)) for t, _ in s.alternatives}
    return frozenset(s.token for s in slots if any(t in terms for t, _ in s.alternatives))


def _own_hits(hits: Sequence[Hit], corpus: Corpus) -> list[Hit]:
    """The hits that name this tenant's documents, carrying the corpus's own copy of each: the reply's text
    and its `sources` always come from the same, current document of this tenant."""
    articles = {a.id: a for a in corpus.articles}
    items = {i.id: i for i in corpus.items}
    own: list[Hit] = []
    for hit in hits:
        if hit.kind == "article" and hit.id in articles:
            own.append(Hit("article", hit.id, hit.score, article=articles[hit.id]))
        elif hit.kind == "item" and hit.id in items:
            own.append(Hit("item", hit.id, hit.score, item=items[hit.id]))
    return own
