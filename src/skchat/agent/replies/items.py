"""Answers about catalog items: price (₹ with Indian digit grouping), stock for the size asked, colours."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from skchat.agent.replies.phrases import say
from skchat.agent.retrieval.text import normalize, raw_tokens
from skchat.agent.types import Item

_SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}

# Words customers use for the usual letter sizes, in English, Hindi and Tamil.
_SIZE_WORDS: dict[str, str] = {
    "small": "S",
    "medium": "M",
    "large": "L",
    "xlarge": "XL",
    "मीडियम": "M",
    "लार्ज": "L",
    "स्मॉल": "S",
    "மீடியம்": "M",
    "லார்ஜ்": "L",
}


def indian_grouping(whole: int) -> str:
    """1999 → "1,999"; 118500 → "1,18,500" (the last three digits, then groups of two)."""
    digits = str(abs(whole))
    if len(digits) <= 3:
        grouped = digits
    else:
        head, tail = digits[:-3], digits[-3:]
        pairs: list[str] = []
        while len(head) > 2:
            pairs.insert(0, head[-2:])
            head = head[:-2]
        grouped = ",".join([head, *pairs, tail]) if head else ",".join([*pairs, tail])
    return ("-" if whole < 0 else "") + grouped


def format_price(price: str | None, currency: str = "INR") -> str | None:
    """ "1999.00" → "₹1,999"; paise are kept when there are any ("₹49.50")."""
    if price is None:
        return None
    try:
        amount = Decimal(str(price))
    except InvalidOperation:
        return None
    whole = int(amount)
    fraction = amount - whole
    text = indian_grouping(whole) if currency == "INR" else f"{whole:,}"
    if fraction:
        text += f"{fraction:.2f}"[1:]
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def sizes_of(item: Item) -> list[str]:
    raw = item.attributes.get("sizes")
    sizes = [str(s) for s in raw] if isinstance(raw, list | tuple) else []
    stock = item.attributes.get("stock_by_size")
    if isinstance(stock, dict):
        sizes += [str(s) for s in stock if str(s) not in sizes]
    return sizes


def stock_of(item: Item) -> dict[str, int]:
    stock = item.attributes.get("stock_by_size")
    if not isinstance(stock, dict):
        return {}
    out: dict[str, int] = {}
    for size, count in stock.items():
        try:
            out[str(size)] = int(count)
        except (TypeError, ValueError):
            continue
    return out


def colours_of(item: Item) -> list[str]:
    raw = item.attributes.get("colors", item.attributes.get("colours"))
    return [str(c) for c in raw] if isinstance(raw, list | tuple) else []


def asked_sizes(message: str, sizes: list[str]) -> list[str]:
    """The item's sizes that the message names: "XL", "size M", "free size", "4-5Y", "large", "लार्ज"."""
    if not sizes:
        return []
    text = normalize(message)
    tokens = raw_tokens(message)
    token_set = set(tokens)
    found: list[str] = []
    for size in sizes:
        label = normalize(size)
        label_tokens = raw_tokens(size)
        if len(label_tokens) > 1 or not label.isalpha():
            # Multi-word or mixed labels ("Free Size", "4-5Y", "16x16 in"): match the phrase.
            if re.search(r"(?<![\w])" + re.escape(label) + r"(?![\w])", text):
                found.append(size)
        elif label in token_set:
            found.append(size)
    if not found:
        wanted = {_SIZE_WORDS[t] for t in tokens if t in _SIZE_WORDS}
        for phrase in ("extra large", "extra-large", "x large"):
            if phrase in text:
                wanted.discard("L")
                wanted.add("XL")
        found = [s for s in sizes if s.upper() in wanted]
    return found


def _join(values: list[str], lang: str) -> str:
    if len(values) <= 1:
        return "".join(values)
    conjunction, _ = say("and", lang)
    return f"{', '.join(values[:-1])} {conjunction} {values[-1]}"


def describe(item: Item, message: str, lang: str) -> tuple[str, str]:
    """One item's price, stock (for the asked size if any) and colours, in `lang` where phrases exist.
    Returns the text and the language used."""
    parts: list[str] = []
    used = "en"
    price = format_price(item.price, item.currency)
    if price:
        text, used = say("price", lang, name=item.name, price=price)
        parts.append(text)
    else:
        parts.append(f"{item.name}.")
    stock = stock_of(item)
    sizes = sizes_of(item)
    asked = asked_sizes(message, sizes)
    available = [s for s in sizes if stock.get(s, 0) > 0] if stock else []
    sold_out = [s for s in sizes if s in stock and stock[s] <= 0]
    several = len(sizes) > 1
    if asked and stock:
        in_stock = [s for s in asked if stock.get(s, 0) > 0]
        missing = [s for s in asked if stock.get(s, 0) <= 0]
        if in_stock:
            parts.append(say("in_stock_size", lang, size=_join(in_stock, lang))[0])
        if missing:
            parts.append(say("sold_out_size", lang, size=_join(missing, lang))[0])
            others = [s for s in available if s not in asked]
            if others:
                parts.append(say("available_in", lang, sizes=_join(others, lang))[0])
            elif not available:
                parts.append(say("sold_out_all", lang)[0])
    elif stock:
        if not available:
            parts.append(say("sold_out_all", lang)[0])
        elif several:
            parts.append(say("available_in", lang, sizes=_join(available, lang))[0])
            if sold_out:
                parts.append(say("sold_out_sizes", lang, sizes=_join(sold_out, lang))[0])
        else:
            parts.append(say("in_stock", lang)[0])
    else:
        parts.append(say("in_stock" if item.in_stock else "sold_out_all", lang)[0])
    colours = colours_of(item)
    if colours:
        parts.append(say("colours", lang, colours=", ".join(colours))[0])
    return " ".join(parts), used


def summarize(item: Item, lang: str) -> str:
    """A one-line entry for a list of items: name, price, and whether it is sold out."""
    price = format_price(item.price, item.currency)
    stock = stock_of(item)
    sold_out = (not any(v > 0 for v in stock.values())) if stock else not item.in_stock
    details = [p for p in (price, say("list_sold_out", lang)[0] if sold_out else None) if p]
    return f"{item.name} ({', '.join(details)})" if details else item.name
