"""What the agent says when it stands down, in the customer's language."""

from __future__ import annotations

HANDOFF_NOTICE = {
    "en": "I'm connecting you with a member of our team. They will reply here shortly.",
    "hi": "मैं आपको हमारी टीम के एक सदस्य से जोड़ रहा हूँ। वे जल्द ही यहाँ जवाब देंगे।",
    "hi-Latn": "Main aapko hamari team ke ek sadasya se jod raha hoon. Woh jald hi yahan jawab denge.",
    "ta": "உங்களை எங்கள் குழுவில் ஒருவருடன் இணைக்கிறேன். அவர்கள் விரைவில் இங்கே பதிலளிப்பார்கள்.",
    "ta-Latn": "Ungalai engal kuzhuvil oruvarudan inaikkiren. Avargal viraivil inge badhil solvaargal.",
}


def handoff_notice(lang: str | None) -> tuple[str, str]:
    """The notice and the language it is in (English when we have none in that language)."""
    if lang in HANDOFF_NOTICE:
        return HANDOFF_NOTICE[lang], lang
    base = (lang or "en").split("-")[0]
    if base in HANDOFF_NOTICE:
        return HANDOFF_NOTICE[base], base
    return HANDOFF_NOTICE["en"], "en"
