"""Prices with Indian digit grouping and the sizes a message asks about."""

from __future__ import annotations

from skchat.agent.replies.items import asked_sizes, format_price, indian_grouping

SIZES = ["XS", "S", "M", "L", "XL", "XXL"]


def test_indian_digit_grouping() -> None:
    assert indian_grouping(999) == "999"
    assert indian_grouping(1999) == "1,999"
    assert indian_grouping(24900) == "24,900"
    assert indian_grouping(118500) == "1,18,500"
    assert indian_grouping(12345678) == "1,23,45,678"


def test_prices_as_customers_read_them() -> None:
    assert format_price("1999.00") == "₹1,999"
    assert format_price("49.50") == "₹49.50"
    assert format_price("100000") == "₹1,00,000"
    assert format_price("12.00", "USD") == "$12"
    assert format_price(None) is None
    assert format_price("n/a") is None


def test_sizes_named_in_a_message() -> None:
    assert asked_sizes("Is it available in XL?", SIZES) == ["XL"]
    assert asked_sizes("do you have M or L", SIZES) == ["M", "L"]
    assert asked_sizes("kya ye L size mein hai?", SIZES) == ["L"]
    assert asked_sizes("क्या यह M साइज़ में है?", SIZES) == ["M"]
    assert asked_sizes("I need a large one", SIZES) == ["L"]
    assert asked_sizes("extra large please", SIZES) == ["XL"]
    assert asked_sizes("I'm not sure which size", SIZES) == []  # "I'm" is not M
    assert asked_sizes("is the free size saree in stock?", ["Free Size"]) == ["Free Size"]
    assert asked_sizes("for my 4-5Y son", ["2-3Y", "4-5Y"]) == ["4-5Y"]
