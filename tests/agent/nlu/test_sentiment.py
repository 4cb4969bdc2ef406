from __future__ import annotations

import pytest

from skchat.agent.nlu.offline import OfflineNLU
from skchat.agent.nlu.sentiment import SentimentScorer

scorer = SentimentScorer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English: customer-service tone
        ("Thanks a ton, the bedsheet is beautiful!", "positive"),
        ("Do you have this towel in grey?", "neutral"),
        ("This is the second time the parcel came open. Not acceptable.", "negative"),
        ("still not received my refund after two weeks", "negative"),
        ("the OTP is not coming on the payment page", "negative"),
        ("what if the saree arrives with a defect?", "neutral"),
        ("Can I talk to a real person please", "neutral"),
        # Hindi
        ("आपका बहुत बहुत शुक्रिया, साड़ी शानदार है", "positive"),
        ("कुर्ते की सिलाई बेकार है, पैसे बर्बाद", "negative"),
        ("यह रंग अच्छा नहीं है", "negative"),
        ("क्या यह तौलिया सूती है?", "neutral"),
        # Hinglish
        ("mast kurta hai, bahut pasand aaya", "positive"),
        ("ekdum bekaar packing thi, sab gila ho gaya", "negative"),
        ("quality achhi nahi hai", "negative"),
        ("size chart kahan milega?", "neutral"),
        # Tamil
        ("புடவை ரொம்ப அழகா இருக்கு, நன்றி!", "positive"),
        ("மிகவும் மோசமான பேக்கிங்", "negative"),
        ("ஷோரூம் எத்தனை மணிக்கு திறக்கும்?", "neutral"),
        # Tanglish
        ("semma quality, romba nandri", "positive"),
        ("romba mosamana service, innum varala", "negative"),
        # Emoji
        ("got the parcel 😍", "positive"),
        ("again late 😡", "negative"),
    ],
)
def test_label(text: str, expected: str) -> None:
    assert scorer.score(text)[0] == expected


def test_score_is_bounded_and_ordered() -> None:
    good = scorer.score("absolutely love it, thank you so much!!! 😍😍")[1]
    bad = scorer.score("worst, pathetic, useless, fraud, cheating, never again!!! 😡😡")[1]
    assert 0.5 < good <= 1.0
    assert -1.0 <= bad < -0.5


def test_threat_is_negative_even_in_calm_words(nlu: OfflineNLU) -> None:
    annotation = nlu.annotate("I will file a case in the consumer forum", ())
    assert annotation.escalation
    assert annotation.sentiment == "negative"
    assert annotation.sentiment_score < 0
