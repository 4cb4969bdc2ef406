"""The fixed phrases of the offline agent, in the languages it can speak: English, Hindi (Devanagari and
romanized) and Tamil (script and romanized). Facts never come from here, only the wording around them."""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "greeting": "Hello! Welcome to {store}. How can I help you today?",
        "greeting_anon": "Hello! How can I help you today?",
        "thanks": "You're welcome! Happy to help. Is there anything else you'd like to know?",
        "human": "Sure, I'm asking a member of our team to join this chat. They'll reply here shortly.",
        "out_of_scope": (
            "Sorry, I can only help with questions about {store}: our products, orders, delivery, returns and "
            "payments. Is there something there I can help you with?"
        ),
        "not_found": (
            "I don't have that information, so I won't guess. A member of our team can help you with it. "
            "Could you tell me a little more about what you need?"
        ),
        "clarify": "Could you tell me a little more about what you'd like to know?",
        "order_lookup": "I can't look up individual orders from this chat.",
        "order_lookup_none": (
            "I can't look up individual orders from this chat. A member of our team can check it for you."
        ),
        "sorry": "I'm sorry about that.",
        "price": "{name} costs {price}.",
        "in_stock_size": "It is in stock in {size}.",
        "sold_out_size": "It is sold out in {size}.",
        "available_in": "It is available in {sizes}.",
        "sold_out_all": "It is sold out right now.",
        "in_stock": "It is in stock.",
        "sold_out_sizes": "Sold out: {sizes}.",
        "colours": "Colours: {colours}.",
        "list": "Here is what we have:",
        "list_sold_out": "sold out",
        "and": "and",
    },
    "hi": {
        "greeting": "नमस्ते! {store} में आपका स्वागत है। बताइए, मैं आपकी क्या मदद कर सकता हूँ?",
        "greeting_anon": "नमस्ते! बताइए, मैं आपकी क्या मदद कर सकता हूँ?",
        "thanks": "आपका स्वागत है! और कुछ जानना हो तो ज़रूर पूछिए।",
        "human": "ज़रूर, मैं हमारी टीम के किसी सदस्य को इस चैट में बुला रहा हूँ। वे जल्द ही यहीं जवाब देंगे।",
        "out_of_scope": (
            "माफ़ कीजिए, मैं सिर्फ़ {store} से जुड़े सवालों में मदद कर सकता हूँ: प्रोडक्ट, ऑर्डर, डिलीवरी, रिटर्न और "
            "पेमेंट। क्या इनमें से किसी बारे में मदद चाहिए?"
        ),
        "not_found": (
            "मेरे पास यह जानकारी नहीं है, इसलिए मैं अंदाज़ा नहीं लगाऊँगा। हमारी टीम का कोई सदस्य इसमें मदद कर सकता है। "
            "क्या आप थोड़ा और बता सकते हैं कि आपको क्या चाहिए?"
        ),
        "clarify": "क्या आप थोड़ा और बता सकते हैं कि आप क्या जानना चाहते हैं?",
        "order_lookup": "मैं इस चैट से किसी ऑर्डर की जानकारी नहीं देख सकता।",
        "order_lookup_none": "मैं इस चैट से किसी ऑर्डर की जानकारी नहीं देख सकता। हमारी टीम का कोई सदस्य इसे देख सकता है।",
        "sorry": "इसके लिए माफ़ी चाहते हैं।",
        "price": "{name} की कीमत {price} है।",
        "in_stock_size": "यह {size} साइज़ में स्टॉक में है।",
        "sold_out_size": "{size} साइज़ में यह ख़त्म हो गया है।",
        "available_in": "यह {sizes} में उपलब्ध है।",
        "sold_out_all": "यह अभी स्टॉक में नहीं है।",
        "in_stock": "यह स्टॉक में है।",
        "sold_out_sizes": "ख़त्म: {sizes}।",
        "colours": "रंग: {colours}।",
        "list": "हमारे पास ये हैं:",
        "list_sold_out": "स्टॉक में नहीं",
        "and": "और",
    },
    "hi-Latn": {
        "greeting": "Namaste! {store} mein aapka swagat hai. Bataiye, main aapki kya madad kar sakta hoon?",
        "greeting_anon": "Namaste! Bataiye, main aapki kya madad kar sakta hoon?",
        "thanks": "Aapka swagat hai! Aur kuch jaanna ho to zaroor poochhiye.",
        "human": (
            "Zaroor, main hamari team ke kisi member ko is chat mein bula raha hoon. Woh jaldi yahin reply karenge."
        ),
        "out_of_scope": (
            "Maaf kijiye, main sirf {store} se jude sawaalon mein madad kar sakta hoon: products, orders, delivery, "
            "returns aur payments. Kya inmein se kisi baare mein madad chahiye?"
        ),
        "not_found": (
            "Mere paas yeh jaankari nahi hai, isliye main andaaza nahi lagaunga. Hamari team ka koi member isme madad "
            "kar sakta hai. Kya aap thoda aur bata sakte hain ki aapko kya chahiye?"
        ),
        "clarify": "Kya aap thoda aur bata sakte hain ki aap kya jaanna chahte hain?",
        "order_lookup": "Main is chat se kisi order ki details nahi dekh sakta.",
        "order_lookup_none": (
            "Main is chat se kisi order ki details nahi dekh sakta. Hamari team ka koi member ise check kar sakta hai."
        ),
        "sorry": "Iske liye maafi chahte hain.",
    },
    "ta": {
        "greeting": "வணக்கம்! {store}-க்கு உங்களை வரவேற்கிறோம். நான் உங்களுக்கு எப்படி உதவலாம்?",
        "greeting_anon": "வணக்கம்! நான் உங்களுக்கு எப்படி உதவலாம்?",
        "thanks": "நன்றி! வேறு ஏதாவது தெரிந்துகொள்ள வேண்டுமென்றால் கேளுங்கள்.",
        "human": "சரி, எங்கள் குழுவைச் சேர்ந்த ஒருவரை இந்த உரையாடலில் இணைக்கிறேன். அவர் விரைவில் இங்கே பதில் அளிப்பார்.",
        "out_of_scope": (
            "மன்னிக்கவும், {store} பற்றிய கேள்விகளுக்கு மட்டுமே என்னால் உதவ முடியும்: பொருட்கள், ஆர்டர்கள், டெலிவரி, "
            "ரிட்டர்ன் மற்றும் பணம் செலுத்துதல். இவற்றில் ஏதாவது உதவி வேண்டுமா?"
        ),
        "not_found": (
            "இந்தத் தகவல் என்னிடம் இல்லை, அதனால் ஊகித்துச் சொல்ல மாட்டேன். எங்கள் குழுவைச் சேர்ந்த ஒருவர் உதவுவார். "
            "உங்களுக்கு என்ன வேண்டும் என்று இன்னும் கொஞ்சம் சொல்ல முடியுமா?"
        ),
        "clarify": "நீங்கள் என்ன தெரிந்துகொள்ள விரும்புகிறீர்கள் என்று இன்னும் கொஞ்சம் சொல்ல முடியுமா?",
        "order_lookup": "இந்த உரையாடலில் இருந்து தனிப்பட்ட ஆர்டர்களைப் பார்க்க என்னால் முடியாது.",
        "order_lookup_none": (
            "இந்த உரையாடலில் இருந்து தனிப்பட்ட ஆர்டர்களைப் பார்க்க என்னால் முடியாது. எங்கள் குழுவைச் சேர்ந்த ஒருவர் அதைச் சரிபார்ப்பார்."
        ),
        "sorry": "இதற்கு வருந்துகிறோம்.",
        "price": "{name} விலை {price}.",
        "in_stock_size": "{size} அளவில் இருப்பு உள்ளது.",
        "sold_out_size": "{size} அளவில் இருப்பு இல்லை.",
        "available_in": "{sizes} அளவுகளில் கிடைக்கும்.",
        "sold_out_all": "இப்போது இருப்பு இல்லை.",
        "in_stock": "இருப்பு உள்ளது.",
        "sold_out_sizes": "இருப்பு இல்லாதவை: {sizes}.",
        "colours": "நிறங்கள்: {colours}.",
        "list": "எங்களிடம் உள்ளவை:",
        "list_sold_out": "இருப்பு இல்லை",
        "and": "மற்றும்",
    },
    "ta-Latn": {
        "greeting": "Vanakkam! {store}-ku ungalai varaverkirom. Naan ungalukku eppadi udhavalaam?",
        "greeting_anon": "Vanakkam! Naan ungalukku eppadi udhavalaam?",
        "thanks": "Nandri! Vera edhavadhu therinjukkanum-na kelunga.",
        "human": "Sari, engal team-la oruvarai indha chat-la inaikkiren. Avar seekiram inge badhil solluvaar.",
    },
}


def phrase_lang(lang: str | None) -> str:
    """The phrase set for a BCP 47 tag: exact (`hi-Latn`), else the primary language, else English."""
    if not lang:
        return "en"
    parts = lang.split("-")
    primary = parts[0].lower()
    if any(p.lower() == "latn" for p in parts[1:]):
        tagged = f"{primary}-Latn"
        return tagged if tagged in PHRASES else "en"
    return primary if primary in PHRASES else "en"


def say(key: str, lang: str, **values: str) -> tuple[str, str]:
    """The phrase `key` in `lang` (falling back to English), formatted; and the language actually used."""
    table = PHRASES.get(lang, {})
    used = lang if key in table else "en"
    text = (table if key in table else PHRASES["en"])[key]
    return text.format(**values), used
