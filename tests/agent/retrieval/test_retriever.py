"""Ranking articles and items for questions in the store's languages (questions written for these tests)."""

from __future__ import annotations

import statistics
import time
from dataclasses import replace

import pytest

from skchat.agent.retrieval import default_factory
from skchat.agent.retrieval.hybrid import HybridFactory, HybridRetriever, answer_languages
from skchat.agent.types import Article, Corpus, Item


def top(retriever: HybridRetriever, query: str, lang: str | None = None, **kw: object) -> str:
    hits = retriever.search(query, lang=lang, **kw)  # type: ignore[arg-type]
    assert hits, f"nothing found for {query!r}"
    return hits[0].id


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("Is shipping free inside Chennai city?", "en", "kb_delivery_chennai"),
        ("How can I contact customer care by phone?", "en", "kb_customer_care"),
        ("is my money safe if payment fails", "en", "kb_payment_issues"),
        ("Do you ship abroad?", "en", "kb_delivery_international"),
        # Hindi in Devanagari: the Hindi translation, not the English original.
        ("रिटर्न पॉलिसी क्या है? कितने दिन में सामान वापस कर सकते हैं?", "hi", "kb_returns_policy_hi"),
        # Tamil: the Tamil translation.
        ("பணம் செலுத்தும் வழிகள் என்ன? UPI ஏற்கிறீர்களா?", "ta", "kb_payment_methods_ta"),
        ("டெலிவரிக்கு எத்தனை நாள் ஆகும்?", "ta", "kb_delivery_chennai_ta"),
        # Hinglish is answered from the English article, which Latin-script readers can read.
        ("refund aane mein kitne din lagte hain?", "hi-Latn", "kb_refund_timeline"),
        # Romanized Tamil.
        ("cash on delivery irukka?", "ta-Latn", "kb_cod_rules"),
        # A loanword in Telugu script meets its English form by sound.
        ("ఆర్డర్ క్యాన్సిల్ చేయడం ఎలా?", "te", "kb_cancel_order"),
    ],
)
def test_finds_the_article_in_any_store_language(
    lexical: HybridRetriever, query: str, lang: str, expected: str
) -> None:
    assert top(lexical, query, lang) == expected


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("price of the rose pink chanderi kurta", "en", "itm_kurta_chanderi_pink"),
        ("चंदेरी कुर्ता गुलाबी", "hi", "itm_kurta_chanderi_pink"),  # Devanagari → English name, by sound
        ("சிவப்பு பந்தனி துப்பட்டா", "ta", "itm_dupatta_bandhani_red"),  # colour by glossary, name by sound
        ("navy terry towel", "en", "itm_towel_bath_terry_navy"),
    ],
)
def test_finds_items_by_name_in_any_script(lexical: HybridRetriever, query: str, lang: str, expected: str) -> None:
    assert top(lexical, query, lang, kind="item") == expected


def test_kind_and_limit_are_respected(lexical: HybridRetriever) -> None:
    items = lexical.search("silk saree", kind="item", limit=3)
    assert len(items) == 3
    assert all(h.kind == "item" and h.item is not None and h.article is None for h in items)
    articles = lexical.search("silk saree", kind="article", limit=2)
    assert len(articles) == 2
    assert all(h.kind == "article" and h.article is not None for h in articles)
    assert lexical.search("silk saree", limit=0) == []


def test_scores_are_ordered_and_bounded(lexical: HybridRetriever) -> None:
    hits = lexical.search("how many days for delivery to Mumbai", lang="en", limit=8)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1.1 for s in scores)


def test_nothing_for_words_the_store_never_uses(lexical: HybridRetriever) -> None:
    assert lexical.search("zxqv blorft", lang="en") == []
    assert lexical.search("", lang="en") == []


def test_customer_language_decides_between_translations(demo: Corpus) -> None:
    assert answer_languages("ta", demo) == ("ta", "en")
    assert answer_languages("hi-Latn", demo) == ("en",)
    assert answer_languages("te", demo) == ("en",)  # no Telugu articles: English, never Hindi or Tamil
    assert answer_languages(None, demo) == ()


def test_a_third_language_translation_is_not_preferred(lexical: HybridRetriever) -> None:
    # A Telugu customer is answered in English (the store's default), not from the Tamil translation.
    hits = lexical.search("డెలివరీ ఛార్జ్ ఎంత?", lang="te", kind="article", limit=5)
    assert hits
    assert hits[0].article is not None and hits[0].article.lang == "en"


def test_hybrid_fuses_meaning_and_stays_multilingual(hybrid: HybridRetriever) -> None:
    assert hybrid.wait_ready(0)
    assert top(hybrid, "டெலிவரிக்கு எத்தனை நாள் ஆகும்?", "ta") == "kb_delivery_chennai_ta"
    assert top(hybrid, "Do you ship abroad?", "en") == "kb_delivery_international"
    assert top(hybrid, "Is the indigo block print kurta in stock?", "en", kind="item") == "itm_kurta_cotton_blue"


def test_dense_half_fills_in_the_background_and_then_counts(small_demo: Corpus, hybrid: HybridRetriever) -> None:
    retriever = default_factory(sync_limit=-1).build(small_demo)  # vectors are cached by now; -1 forces a thread
    assert isinstance(retriever, HybridRetriever)
    assert retriever.wait_ready(60)
    query = "where can I see your clothes in person"
    assert [h.id for h in retriever.search(query, lang="en")] == [h.id for h in hybrid.search(query, lang="en")]


def _grown(demo: Corpus, copies: int) -> Corpus:
    articles = tuple(replace(a, id=f"{a.id}_{n}") for n in range(copies) for a in demo.articles)
    items = tuple(replace(i, id=f"{i.id}_{n}") for n in range(copies) for i in demo.items)
    return replace(demo, articles=articles, items=items)


def test_lexical_build_and_search_are_fast(demo: Corpus) -> None:
    corpus = _grown(demo, 4)  # ~380 documents
    assert len(corpus.articles) + len(corpus.items) > 300
    started = time.perf_counter()
    retriever = HybridFactory().build(corpus)
    assert time.perf_counter() - started < 1.0
    queries = ["do you deliver to Chennai", "रिफंड कब आएगा", "விலை என்ன", "kurta XL available?", "gift wrap"] * 20
    timings = []
    for query in queries:
        started = time.perf_counter()
        retriever.search(query, lang="en", limit=8)
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.005


def test_another_tenant_with_its_own_languages_and_intents() -> None:
    corpus = Corpus(
        articles=(
            Article("a_ship", "Shipping times", "Orders reach Pune in 3\u20134 days. Express costs ₹150.", "shipping"),
            Article("a_ship_hi", "शिपिंग का समय", "पुणे में ऑर्डर 3\u20134 दिन में पहुँचता है।", "shipping", lang="hi"),
            Article("a_warranty", "Warranty", "Mixers carry a 2-year warranty on the motor.", "warranty"),
        ),
        items=(Item("i_mixer", "Steel Mixer Grinder 750W", "Three jars.", "Kitchen", "3499.00"),),
        store_name="Pune Kitchens",
        languages=("en", "hi"),
    )
    retriever = HybridFactory().build(corpus)
    assert top(retriever, "mixer ki warranty kitni hai?", "hi-Latn") == "a_warranty"
    assert top(retriever, "पुणे में शिपिंग कितने दिन?", "hi") == "a_ship_hi"
    assert top(retriever, "mixer grinder price", "en", kind="item") == "i_mixer"
