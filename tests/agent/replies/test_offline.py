"""The offline composer answers only from the tenant's knowledge (questions written for these tests)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pytest

from skchat.agent.replies.offline import OfflineReplyGenerator, gather_hits, intent_role
from skchat.agent.retrieval.hybrid import HybridFactory, HybridRetriever
from skchat.agent.types import Annotation, Article, Corpus, Draft, Hit, Item, Sentiment, Turn

composer = OfflineReplyGenerator()


def ask(
    retriever: HybridRetriever,
    corpus: Corpus,
    message: str,
    lang: str = "en",
    intent: str | None = None,
    *,
    history: Sequence[Turn] = (),
    sentiment: Sentiment = "neutral",
    greeting: str | None = None,
) -> Draft:
    annotation = Annotation(lang=lang, intent=intent, confidence=0.9, sentiment=sentiment, sentiment_score=0.0)
    hits = gather_hits(retriever, message, annotation, history)
    return composer.compose(message, annotation, hits, corpus, history, greeting=greeting)


def sentences_of(corpus: Corpus, article_id: str) -> list[str]:
    body = next(a.body for a in corpus.articles if a.id == article_id)
    return [s for s in re.split(r"(?<=[.!?।])\s+", body) if s]


def test_article_answer_quotes_the_article_verbatim(lexical: HybridRetriever, demo: Corpus) -> None:
    draft = ask(lexical, demo, "Is there a fee for cash on delivery outside Chennai?", intent="payment_methods")
    assert draft.answered
    assert draft.sources == (("article", "kb_cod_rules"),)
    assert "a COD handling fee of ₹40 is added" in draft.text
    # Every sentence of the reply is a sentence of the article: nothing is made up.
    body = next(a.body for a in demo.articles if a.id == "kb_cod_rules")
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", draft.text):
        assert sentence in body


def test_codes_ranges_and_amounts_reach_the_customer_exactly(lexical: HybridRetriever, demo: Corpus) -> None:
    draft = ask(lexical, demo, "what is the minimum order for the first order coupon?", intent="discount_offers")
    assert draft.sources == (("article", "kb_discount_first_order"),)
    for fact in ("FIRST10", "₹999", "₹300"):
        assert fact in draft.text
    draft = ask(lexical, demo, "how long do UPI refunds take after a return?", intent="return_refund")
    assert "1\u20132 working days" in draft.text  # the en dash is kept


def test_answers_in_tamil_from_the_tamil_article(lexical: HybridRetriever, demo: Corpus) -> None:
    draft = ask(lexical, demo, "பொருட்களை எத்தனை நாட்களுக்குள் திருப்பி அனுப்பலாம்?", "ta", "return_refund")
    assert draft.answered and draft.lang == "ta"
    assert draft.sources == (("article", "kb_returns_policy_ta"),)
    assert "7 நாட்களுக்குள்" in draft.text


def test_answers_in_hindi_from_the_hindi_article(lexical: HybridRetriever, demo: Corpus) -> None:
    draft = ask(lexical, demo, "क्या मैं क्रेडिट कार्ड की EMI से ख़रीद सकती हूँ?", "hi", "payment_methods")
    assert draft.lang == "hi"
    assert draft.sources == (("article", "kb_payment_methods_hi"),)
    assert "₹3,000" in draft.text


def test_falls_back_to_english_plainly_when_no_translation_exists(lexical: HybridRetriever, demo: Corpus) -> None:
    draft = ask(lexical, demo, "गिफ्ट रैपिंग का चार्ज कितना है?", "hi", "store_info")
    assert draft.answered and draft.lang == "en"
    assert draft.sources == (("article", "kb_gift_wrapping"),)
    assert "₹50 per item" in draft.text


def test_item_stock_for_the_asked_size(lexical: HybridRetriever, demo: Corpus) -> None:
    # Rose Pink Chanderi Kurta: S 0, M 2, L 1, XL 0; ₹2,199.
    draft = ask(lexical, demo, "Is the rose pink chanderi kurta available in XL?", intent="product_availability")
    assert draft.sources == (("item", "itm_kurta_chanderi_pink"),)
    assert "sold out in XL" in draft.text
    assert "available in M and L" in draft.text
    assert "₹2,199" in draft.text
    draft = ask(lexical, demo, "rose pink chanderi kurta M size hai kya?", "hi-Latn", "product_availability")
    assert "in stock in M" in draft.text
    assert "sold out" not in draft.text.split("Colours")[0]


def test_item_answer_in_tamil_with_indian_digit_grouping(lexical: HybridRetriever, demo: Corpus) -> None:
    draft = ask(lexical, demo, "சிவப்பு காஞ்சிபுரம் பட்டுப் புடவை விலை என்ன?", "ta", "product_price")
    assert draft.lang == "ta"
    assert draft.sources[0] == ("item", "itm_saree_kanchipuram_red")
    assert "₹18,500" in draft.text and "விலை" in draft.text


def test_sold_out_item_with_the_restock_policy(lexical: HybridRetriever, demo: Corpus) -> None:
    draft = ask(lexical, demo, "when is the olive linen kurta for men back in stock?", intent="product_availability")
    assert draft.sources[0] == ("item", "itm_kurta_linen_olive_men")
    assert "sold out" in draft.text
    assert ("article", "kb_restock") in draft.sources
    assert "Notify me" in draft.text


@pytest.mark.parametrize(
    ("message", "lang", "intent"),
    [
        ("Who will win the football world cup?", "en", None),
        ("Who will win the football world cup?", "en", "out_of_scope"),
        ("Can you write a short poem about the moon?", "en", "out_of_scope"),
        ("मुझे एक चुटकुला सुनाओ", "hi", "out_of_scope"),
        ("zxqv blorft?", "en", None),
    ],
)
def test_never_answers_an_unrelated_question(
    lexical: HybridRetriever, demo: Corpus, message: str, lang: str, intent: str | None
) -> None:
    draft = ask(lexical, demo, message, lang, intent)
    assert not draft.answered
    assert draft.sources == ()
    assert "₹" not in draft.text


def test_a_near_miss_is_not_dressed_up_as_an_answer(lexical: HybridRetriever, demo: Corpus) -> None:
    # Shares "Chennai" with the delivery articles, but asks about something the store doesn't know.
    draft = ask(lexical, demo, "Can you recommend a good restaurant in Chennai for dinner?")
    assert not draft.answered and draft.sources == ()


def test_greeting_thanks_and_request_for_a_person(lexical: HybridRetriever, demo: Corpus) -> None:
    hello = ask(lexical, demo, "vanakkam!", "ta-Latn", "greeting")
    assert hello.answered and hello.sources == () and "Vanakkam" in hello.text and "Kaveri Threads" in hello.text
    custom = ask(lexical, demo, "hello", "en", "greeting", greeting="Hi, I'm Kavi from Kaveri Threads!")
    assert custom.text == "Hi, I'm Kavi from Kaveri Threads!"
    thanks = ask(lexical, demo, "धन्यवाद!", "hi", "thanks_goodbye")
    assert thanks.lang == "hi" and thanks.sources == ()
    person = ask(lexical, demo, "I want to talk to a person", "en", "human_request")
    assert person.sources == () and "team" in person.text


def test_order_status_is_honest_without_an_order_database(lexical: HybridRetriever, demo: Corpus) -> None:
    draft = ask(lexical, demo, "Where is my order KT123456? How do I track it?", intent="order_status")
    assert draft.text.startswith("I can't look up individual orders")
    assert draft.sources == (("article", "kb_order_tracking"),)
    bare = ask(lexical, demo, "KT654321 status??", intent="order_status")
    assert not bare.answered or bare.sources  # either a policy with its source, or an honest "can't"
    assert "Delivered" not in bare.text.replace("Delivered.", "")  # no invented status


def test_complaint_gets_the_complaint_policy_and_an_apology(lexical: HybridRetriever, demo: Corpus) -> None:
    draft = ask(lexical, demo, "The bath towel I got has a big hole in it", intent="complaint", sentiment="negative")
    assert draft.sources == (("article", "kb_damaged_item"),)
    assert draft.text.startswith("I'm sorry")
    assert "48 hours" in draft.text


def test_follow_up_uses_the_previous_question(lexical: HybridRetriever, demo: Corpus) -> None:
    history = [Turn("customer", "Do you deliver to Hyderabad?"), Turn("agent", "We ship to Bengaluru, Hyderabad …")]
    draft = ask(lexical, demo, "how many days?", intent="delivery_time", history=history)
    assert "3\u20135" in draft.text


def test_sources_only_ever_name_this_tenants_documents(lexical: HybridRetriever, demo: Corpus) -> None:
    known = {("article", a.id) for a in demo.articles} | {("item", i.id) for i in demo.items}
    stranger = Hit("article", "kb_other_tenant", 0.99, article=Article("kb_other_tenant", "Secret", "₹1 only."))
    annotation = Annotation(lang="en", intent=None, confidence=0.5, sentiment="neutral", sentiment_score=0.0)
    assert composer.compose("Secret ₹1 offer?", annotation, [stranger], demo, ()).sources == ()
    for message in ("do you deliver to Salem?", "price of the grey kora saree", "what are the showroom hours", "hi"):
        hits = [stranger, *gather_hits(lexical, message, annotation, ())]
        draft = composer.compose(message, annotation, hits, demo, ())
        assert set(draft.sources) <= known
        assert "kb_other_tenant" not in json.dumps(draft.sources)


def test_intent_roles_are_recognised_by_name() -> None:
    assert intent_role("greeting") == "greeting"
    assert intent_role("thanks_goodbye") == "thanks"
    assert intent_role("out_of_scope") == "out_of_scope"
    assert intent_role("human_request") == "human"
    assert intent_role("order_status") == "order_status"
    assert intent_role("complaint") == "complaint"
    assert intent_role("product_price") is None
    assert intent_role(None) is None


def test_another_tenant_in_other_words() -> None:
    corpus = Corpus(
        articles=(Article("a_warranty", "Warranty", "Mixers carry a 2-year warranty on the motor.", "warranty"),),
        items=(
            Item(
                "i_shirt",
                "Linen Shirt",
                "Half sleeves.",
                "Shirts",
                "1249.50",
                attributes={"sizes": ["S", "M", "L"], "stock_by_size": {"S": 0, "M": 3, "L": 0}, "colors": ["Sand"]},
            ),
        ),
        store_name="Pune Kitchens & Co",
    )
    retriever = HybridFactory().build(corpus)
    warranty = ask(retriever, corpus, "how long is the warranty on the mixer motor?", intent="warranty")
    assert warranty.sources == (("article", "a_warranty"),) and "2-year warranty" in warranty.text
    shirt = ask(retriever, corpus, "is the linen shirt available in large?", intent="availability")
    assert shirt.sources == (("item", "i_shirt"),)
    assert "₹1,249.50" in shirt.text and "sold out in L" in shirt.text and "available in M" in shirt.text
    unknown = ask(retriever, corpus, "do you repair washing machines?", intent=None)
    assert not unknown.answered and unknown.sources == ()


def test_text_comes_from_the_tenants_own_copy_of_a_document(demo: Corpus) -> None:
    forged = Article("kb_cod_rules", "Cash on delivery (COD)", "COD costs ₹999 everywhere.", "payment_methods")
    annotation = Annotation(lang="en", intent="payment_methods", confidence=0.9, sentiment="neutral", sentiment_score=0)
    draft = composer.compose(
        "Is there a COD fee outside Chennai?", annotation, [Hit("article", forged.id, 0.9, article=forged)], demo, ()
    )
    assert draft.sources == (("article", "kb_cod_rules"),)
    assert "₹999" not in draft.text and "₹40" in draft.text
