from __future__ import annotations

import pytest

from skchat.agent.nlu.language import LanguageDetector, primary_subtag
from tests.agent.nlu.samples import SAMPLES

detector = LanguageDetector()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Could you tell me when the sale starts?", "en"),
        ("ok", "en"),
        ("hi", "en"),
        ("👍", "en"),
        ("KT123456", "en"),
        ("क्या यह कुर्ता नीले रंग में मिलेगा?", "hi"),
        ("मेरा order कब deliver होगा?", "hi"),
        ("yeh dupatta kitne ka hai bhai?", "hi-Latn"),
        ("refund abhi tak nahi aaya yaar", "hi-Latn"),
        ("mujhe order cancel karna hai please", "hi-Latn"),
        ("இந்த சேலை எப்போ வரும்?", "ta"),
        ("saree eppo varum nu sollunga", "ta-Latn"),
        ("Coimbatore ku delivery irukka?", "ta-Latn"),
        ("শাড়িটা কত টাকা?", "bn"),
        ("ఈ కుర్తా ఎప్పుడు వస్తుంది?", "te"),
        ("ಈ ಸೀರೆ ಬೆಲೆ ಎಷ್ಟು?", "kn"),
        ("ഈ സാരിയുടെ വില എത്ര?", "ml"),
        ("આ સાડી કેટલાની છે?", "gu"),
        ("मला ही साडी हवी आहे, किती रुपये?", "mr"),
        ("ਇਹ ਕੁੜਤਾ ਕਿੰਨੇ ਦਾ ਹੈ?", "pa"),
        ("ଏହି ଶାଢ଼ୀର ଦାମ କେତେ?", "or"),
        ("یہ کرتا کتنے کا ہے؟", "ur"),
    ],
)
def test_detects_language(text: str, expected: str) -> None:
    assert detector.detect(text) == expected


def test_marathi_and_hindi_are_told_apart() -> None:
    assert detector.detect("माझी ऑर्डर अजून आली नाही") == "mr"
    assert detector.detect("मेरा ऑर्डर अभी तक नहीं आया") == "hi"


def test_own_samples_languages() -> None:
    wrong = [
        (text, lang, detector.detect(text))
        for text, lang, *_ in SAMPLES
        if primary_subtag(detector.detect(text)) != lang
    ]
    assert len(wrong) <= len(SAMPLES) * 0.03, wrong


def test_primary_subtag() -> None:
    assert primary_subtag("hi-Latn") == "hi"
    assert primary_subtag("ta") == "ta"
