"""The grounded prompt and the strict reading of a model's answer (pure functions)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from skchat.agent.llm.base import ChatModelError
from skchat.agent.llm.prompt import (
    chat_messages,
    grounded_sources,
    language_name,
    numbers_in,
    parse_reply,
    system_prompt,
    unsupported_numbers,
)
from skchat.agent.types import Article, Hit, Item, Turn

ARTICLE = Article("kb_returns", "Returns", "Unworn items can be returned within 10 days of delivery.", "returns")
ITEM = Item(
    "itm_linen_shirt",
    "Linen shirt",
    "A breathable shirt.",
    "Shirts",
    "1499.00",
    attributes={"sizes": ["M", "L"], "stock_by_size": {"M": 3, "L": 0}},
)
HITS = [Hit("article", "kb_returns", 0.9, article=ARTICLE), Hit("item", "itm_linen_shirt", 0.7, item=ITEM)]


def test_system_prompt_holds_the_sources_the_store_and_the_language() -> None:
    text = system_prompt("Mango Lane", "ta", HITS)
    assert "Mango Lane" in text
    assert "[kb_returns]" in text and "within 10 days of delivery" in text
    assert "[itm_linen_shirt]" in text and "1499.00 INR" in text and '"stock_by_size":{"M":3,"L":0}' in text
    assert "in Tamil" in text
    assert "Answer ONLY from the SOURCES" in text
    assert '"answered"' in text


def test_system_prompt_without_hits_says_there_are_none() -> None:
    assert "SOURCES:\n(none" in system_prompt("Mango Lane", "en", [])


def test_language_names() -> None:
    assert language_name("hi-Latn").startswith("Hindi written in Latin letters (Hinglish)")
    assert language_name("ta-Latn").startswith("Tamil written in Latin letters")
    assert language_name("hi") == "Hindi"
    assert language_name("en") == "English"
    assert language_name("xx") == "xx"


def test_chat_messages_alternate_start_with_the_customer_and_end_with_the_message() -> None:
    history = [
        Turn("agent", "Welcome!"),
        Turn("customer", "hi"),
        Turn("customer", "anyone there?"),
        Turn("agent", "Yes, how can I help?"),
        Turn("customer", "Is the shirt in L?"),  # a copy of the message itself is dropped
    ]
    messages = chat_messages(history, "Is the shirt in L?")
    assert [(m.role, m.content) for m in messages] == [
        ("user", "hi\nanyone there?"),
        ("assistant", "Yes, how can I help?"),
        ("user", "Is the shirt in L?"),
    ]


def test_parse_plain_json() -> None:
    reply = parse_reply('{"answer": "Yes.", "sources": ["kb_returns"], "answered": true}')
    assert (reply.answer, reply.source_ids, reply.answered) == ("Yes.", ("kb_returns",), True)


def test_parse_fenced_json_with_chatter_and_loose_fields() -> None:
    reply = parse_reply(
        'Here you go:\n```json\n{"answer": " Sorry, I do not know. ", "sources": [{"id": "kb_x"}, 3],'
        ' "answered": "false"}\n```'
    )
    assert (reply.answer, reply.source_ids, reply.answered) == ("Sorry, I do not know.", ("kb_x",), False)


@pytest.mark.parametrize(
    "text",
    ["Sure, returns are accepted.", '{"answer": ""}', '{"sources": ["kb_x"]}', "[1, 2]", '{"answer": 5}'],
)
def test_unusable_replies_are_invalid_output(text: str) -> None:
    with pytest.raises(ChatModelError) as caught:
        parse_reply(text)
    assert caught.value.reason == "invalid_output"


def test_only_sources_among_the_hits_are_kept() -> None:
    ids = ["kb_returns", "kb_made_up", "item:itm_linen_shirt", "[kb_returns]", "itm_other"]
    assert grounded_sources(ids, HITS) == (("article", "kb_returns"), ("item", "itm_linen_shirt"))


def test_numbers_in_any_script_and_format() -> None:
    assert numbers_in("₹1,499 or 1499.00, in २-३ days; ௧௦ days") == {Decimal(1499), Decimal(2), Decimal(3), Decimal(10)}


def test_numbers_not_in_any_source_are_unsupported() -> None:
    grounds = ["Unworn items can be returned within 10 days.", "price 1499.00"]
    assert unsupported_numbers("Returns within 10 days; the shirt is ₹1,499.", grounds) == set()
    assert unsupported_numbers("Returns within 30 days.", grounds) == {Decimal(30)}
