"""Language identification for short customer messages: script first, then words.

1. The dominant Unicode script decides most languages outright (Tamil, Bengali, Telugu, Kannada, Malayalam,
   Gujarati, Gurmukhi, Odia, Urdu/Arabic). Indic letters weigh more than Latin ones, because customers mix
   English product words into Indic sentences ("मेरा order कब आएगा") and such a message is Hindi.
2. Devanagari is Hindi or Marathi: distinctive function words first (आहे/नाही/मला vs है/नहीं/मुझे); when they
   do not settle it, lingua restricted to those two languages (17 MB, <1 ms).
3. Latin script is English, romanized Hindi (`hi-Latn`) or romanized Tamil (`ta-Latn`) (and, with stricter
   evidence, romanized Bengali, Telugu, Marathi, Kannada, Malayalam): weighted lexicons of function words,
   pronouns, auxiliaries and common verb forms, which carry the language even when the nouns are English
   ("refund kab aayega", "delivery eppo varum"). Statistical detectors know no romanized Indic, so none is used.
Very short or wordless messages ("ok", "👍") default to English.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from skchat.agent.nlu.lexicons.romanized import ENGLISH, ROMANIZED, TAMIL_SUFFIX
from skchat.agent.nlu.text import script_counts, tokens

_SCRIPT_LANG = {
    "Beng": "bn",
    "Guru": "pa",
    "Gujr": "gu",
    "Orya": "or",
    "Taml": "ta",
    "Telu": "te",
    "Knda": "kn",
    "Mlym": "ml",
    "Sinh": "si",
    "Arab": "ur",
}
_ASSAMESE_LETTERS = re.compile("[\u09f0\u09f1]")  # ৰ ৱ: Assamese, not Bengali

_MARATHI = frozenset(
    [
        "आहे",
        "आहेत",
        "आहात",
        "आहोत",
        "नाही",
        "नाहीत",
        "मला",
        "माझा",
        "माझी",
        "माझे",
        "माझ्या",
        "तुम्ही",
        "तुमचा",
        "तुमची",
        "तुमचे",
        "तुमच्या",
        "आम्ही",
        "आमचा",
        "आमची",
        "आमचे",
        "आमच्या",
        "काय",
        "कधी",
        "कुठे",
        "कसा",
        "कशी",
        "कसे",
        "किती",
        "पाहिजे",
        "हवा",
        "हवी",
        "हवे",
        "होईल",
        "झाला",
        "झाली",
        "झाले",
        "करायचा",
        "करायची",
        "करायचे",
        "करा",
        "द्या",
        "आणि",
        "मध्ये",
        "साठी",
        "होते",
        "असेल",
        "नको",
        "येईल",
        "मिळेल",
        "मिळणार",
        "पाठवा",
        "सांगा",
        "त्याचा",
        "त्याची",
        "हे",
        "ते",
        "आता",
        "अजून",
        "केली",
        "केला",
        "केले",
        "दिवसात",
        "लागतील",
        "लागेल",
    ]
)
_HINDI = frozenset(
    [
        "है",
        "हैं",
        "नहीं",
        "मुझे",
        "मेरा",
        "मेरी",
        "मेरे",
        "आप",
        "आपका",
        "आपकी",
        "आपके",
        "आपको",
        "क्या",
        "कब",
        "कहाँ",
        "कहां",
        "कैसे",
        "कितना",
        "कितने",
        "कितनी",
        "चाहिए",
        "और",
        "को",
        "से",
        "में",
        "का",
        "की",
        "के",
        "था",
        "थी",
        "थे",
        "गया",
        "गयी",
        "गई",
        "होगा",
        "होगी",
        "रहा",
        "रही",
        "रहे",
        "हूँ",
        "हूं",
        "करना",
        "करें",
        "कीजिए",
        "दीजिए",
        "बताइए",
        "भेजिए",
        "मिलेगा",
        "मिलेगी",
        "लगेगा",
        "लगेंगे",
        "पर",
        "तक",
        "लिए",
        "यह",
        "ये",
        "वह",
        "वो",
        "कोई",
        "कुछ",
        "बहुत",
        "अभी",
        "हम",
        "हमें",
        "हमारा",
        "करो",
        "कर",
        "दो",
        "दिया",
        "किया",
        "हुआ",
        "हुई",
    ]
)


class LanguageDetector:
    """`detect(text)` -> BCP 47 tag. Thread-safe; the lingua model loads lazily, once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lingua: Any = None

    def warm(self) -> None:
        self._hindi_or_marathi_model()

    def detect(self, text: str) -> str:
        counts = script_counts(text)
        if not counts:
            return "en"
        weighted = {script: n * (1.0 if script == "Latn" else 1.5) for script, n in counts.items()}
        script = max(weighted, key=lambda s: weighted[s])
        if script == "Latn":
            return self._latin(text)
        if script == "Deva":
            return self._devanagari(text)
        if script == "Beng" and _ASSAMESE_LETTERS.search(text):
            return "as"
        return _SCRIPT_LANG.get(script, "en")

    def _latin(self, text: str) -> str:
        words = tokens(text)
        english = sum(ENGLISH.get(w, 0.0) for w in words)
        scores: dict[str, float] = {}
        for lang, lexicon in ROMANIZED.items():
            scores[lang] = sum(lexicon.get(w, 0.0) for w in words)
        scores["ta"] += 0.5 * sum(1 for w in words if len(w) > 4 and TAMIL_SUFFIX.search(w) and w not in ENGLISH)
        best = max(scores, key=lambda lang: scores[lang])
        top = scores[best]
        # The less common romanized languages need more evidence than Hinglish or Tanglish.
        needed = 1.0 if best in ("hi", "ta") or english == 0 else 1.5
        if top >= needed and top >= 0.8 * english:
            return f"{best}-Latn"
        return "en"

    def _devanagari(self, text: str) -> str:
        words = tokens(text)
        marathi = sum(1 for w in words if w in _MARATHI) + sum(
            0.5 for w in words if w.endswith(("ायचे", "ायची", "ायचा", "ाल का", "च्या"))
        )
        hindi = sum(1 for w in words if w in _HINDI)
        if abs(marathi - hindi) >= 1:
            return "mr" if marathi > hindi else "hi"
        model = self._hindi_or_marathi_model()
        if model is None:
            return "hi"
        from lingua import Language

        values = {v.language: v.value for v in model.compute_language_confidence_values(text)}
        return "mr" if values.get(Language.MARATHI, 0.0) > 0.6 else "hi"

    def _hindi_or_marathi_model(self) -> Any:
        with self._lock:
            if self._lingua is None:
                try:
                    from lingua import Language, LanguageDetectorBuilder
                except ImportError:  # pragma: no cover - lingua is a declared dependency
                    return None
                self._lingua = (
                    LanguageDetectorBuilder.from_languages(Language.HINDI, Language.MARATHI)
                    .with_preloaded_language_models()
                    .build()
                )
            return self._lingua


def primary_subtag(tag: str) -> str:
    """`hi-Latn` -> `hi`: the language without its script."""
    return tag.split("-", 1)[0].lower()
