from __future__ import annotations

import pytest

from skchat.agent.nlu.offline import OfflineNLU


@pytest.mark.parametrize(
    "text",
    [
        "is there someone I can actually talk to?",
        "please transfer me to your supervisor",
        "could someone call me back this evening",
        "give me the customer care number",
        "mujhe kisi insaan se baat karni hai",
        "customer care ka number do",
        "कृपया किसी एजेंट से बात करवाइए",
        "ஒரு மனிதரிடம் பேச விரும்புகிறேன்",
        "agent kitta pesanum",
        "আমি একজন এজেন্টের সাথে কথা বলতে চাই",
    ],
)
def test_wants_human(nlu: OfflineNLU, text: str) -> None:
    assert nlu.annotate(text, ()).wants_human


@pytest.mark.parametrize(
    "text",
    [
        "I'm taking this to the consumer court",
        "my lawyer will send you a legal notice",
        "I'll ask my bank for a chargeback",
        "going to post this on twitter so everyone knows",
        "police complaint karunga main",
        "मैं आपके खिलाफ उपभोक्ता फोरम जाऊँगा",
        "நுகர்வோர் நீதிமன்றம் போவேன்",
        "you people are cheats",
        "THIS IS THE WORST STORE EVER!!!",
    ],
)
def test_escalation(nlu: OfflineNLU, text: str) -> None:
    assert nlu.annotate(text, ()).escalation


@pytest.mark.parametrize(
    "text",
    [
        "I was charged twice for the same order",
        "double payment ho gaya UPI se",
        "पैसे दो बार कट गए",
        "someone asked for my OTP saying they were from your store",
        "there is an unauthorised transaction on my card",
        "பணம் இரண்டு முறை எடுக்கப்பட்டது",
    ],
)
def test_sensitive(nlu: OfflineNLU, text: str) -> None:
    assert nlu.annotate(text, ()).sensitive


@pytest.mark.parametrize(
    "text",
    [
        "the delivery agent was so polite, thanks",
        "which courier agent do you use for Pune?",
        "koi baat nahi, thanks",
        "my payment failed, can I try another card?",
        "the OTP is not coming",
        "received a slightly faded towel, can I exchange it?",
        "do you have this in a bigger size?",
        "I'll write a great review, loved it!",
    ],
)
def test_no_handoff_signal(nlu: OfflineNLU, text: str) -> None:
    annotation = nlu.annotate(text, ())
    assert not (annotation.wants_human or annotation.escalation or annotation.sensitive), annotation
