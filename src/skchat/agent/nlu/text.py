"""Text plumbing shared by the NLU modules: Unicode scripts and a tokenizer that keeps Indic words whole."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# (first, last, script). Bengali script also writes Assamese, Arabic script Urdu (the Indian case).
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "Latn"),
    (0x0061, 0x007A, "Latn"),
    (0x00C0, 0x024F, "Latn"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"),
    (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"),
    (0x0A00, 0x0A7F, "Guru"),
    (0x0A80, 0x0AFF, "Gujr"),
    (0x0B00, 0x0B7F, "Orya"),
    (0x0B80, 0x0BFF, "Taml"),
    (0x0C00, 0x0C7F, "Telu"),
    (0x0C80, 0x0CFF, "Knda"),
    (0x0D00, 0x0D7F, "Mlym"),
    (0x0D80, 0x0DFF, "Sinh"),
    (0xA8E0, 0xA8FF, "Deva"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
)

# Word characters: letters, digits, combining marks of Indic scripts, and the zero-width (non-)joiners.
_TOKEN = re.compile(r"[\w\u0900-\u0DFF\u0600-\u06FF\u0750-\u077F\uA8E0-\uA8FF\u200C\u200D']+")
_NUMBERISH = re.compile(r"^[\d.,']+$")


def script_of(ch: str) -> str | None:
    """The script code (ISO 15924) of one character, among those the NLU tells apart; None otherwise."""
    cp = ord(ch)
    if cp < 0x41:
        return None
    for first, last, script in _RANGES:
        if first <= cp <= last:
            return script
    return None


def script_counts(text: str) -> Counter[str]:
    """How many letters of each script the text has (digits, punctuation and emoji do not count)."""
    counts: Counter[str] = Counter()
    for ch in text:
        script = script_of(ch)
        if script is not None and (script != "Latn" or ch.isalpha()):
            counts[script] += 1
    return counts


def normalize(text: str) -> str:
    """NFC, lower case, typographic apostrophes folded; what every lexicon lookup sees."""
    return unicodedata.normalize("NFC", text).lower().replace("\u2019", "'").replace("\u2018", "'")


def tokens(text: str) -> list[str]:
    """Lower-cased words; Indic words keep their vowel signs; pure numbers are dropped."""
    out = []
    for tok in _TOKEN.findall(normalize(text)):
        tok = tok.strip("'_")
        if tok and not _NUMBERISH.match(tok):
            out.append(tok)
    return out
