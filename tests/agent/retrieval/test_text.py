"""Tokens and sound keys across scripts."""

from __future__ import annotations

from skchat.agent.retrieval.glossary import GLOSSARY
from skchat.agent.retrieval.text import raw_tokens, sound_key, terms


def test_indic_words_keep_their_vowel_signs_and_viramas() -> None:
    assert raw_tokens("क्या यह कुर्ता मिलेगा?") == ["क्या", "यह", "कुर्ता", "मिलेगा"]
    assert raw_tokens("பட்டுப் புடவை இருக்கா?") == ["பட்டுப்", "புடவை", "இருக்கா"]


def test_numbers_lose_thousands_separators_and_ranges_split() -> None:
    assert raw_tokens("₹1,999 in 1\u20132 days, or ₹1,18,500") == ["1999", "in", "1", "2", "days", "or", "118500"]


def test_latin_is_case_folded_and_stemmed_without_stopwords() -> None:
    assert terms("Which Payment OPTIONS do you have?") == ["payment", "option"]


def test_sound_keys_meet_across_scripts() -> None:
    assert sound_key("chanderi") == sound_key("चंदेरी")
    assert sound_key("cotton") == sound_key("காட்டன்") == sound_key("കോട്ടൺ")
    assert sound_key("dupatta") == sound_key("துப்பட்டா")
    assert sound_key("delivery") == sound_key("டெலிவரி") == sound_key("डिलीवरी")
    assert sound_key("hyderabad") == sound_key("హైదరాబాద్")


def test_sound_keys_keep_apart_what_only_shares_consonants() -> None:
    assert sound_key("option") != sound_key("पटना")  # a leading vowel is kept
    assert sound_key("ok") is None  # too short to mean anything
    assert sound_key("2024") is None


def test_glossary_translates_native_words_with_their_inflections() -> None:
    assert GLOSSARY.expand("விலை") == ("price", "cost")
    assert GLOSSARY.expand("நாட்களில்") == ("day",)  # inflected: the virama became a vowel sign
    assert GLOSSARY.expand("वापसी") == ("return",)
    assert GLOSSARY.expand("wapas") == ("return",)
    assert GLOSSARY.expand("zzzz") == ()
