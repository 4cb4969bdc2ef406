"""Hand-written word lists for the offline NLU (general vocabulary, no tenant data)."""

from __future__ import annotations

import re

# An Indic word's final virama (Tamil pulli, Malayalam chandrakkala, …) turns into a vowel sign when a case
# ending follows (மனிதர் -> மனிதரிடம்), so it is optional at the end of an alternative: words match as stems.
_FINAL_VIRAMA = re.compile("[\u094d\u09cd\u0a4d\u0acd\u0b4d\u0bcd\u0c4d\u0ccd\u0d4d](?=[|)]|$)")


def _optional(match: re.Match[str]) -> str:
    return match.group(0) + "?"


def any_of(*patterns: str) -> re.Pattern[str]:
    """One regex matching any of the patterns (Indic stems tolerate a case ending)."""
    return re.compile("|".join(f"(?:{_FINAL_VIRAMA.sub(_optional, p)})" for p in patterns))
