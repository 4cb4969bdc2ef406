"""Customer-service concepts in the languages customers write in, to line a message up with intents.

A tenant's intents are described mostly in English; a customer may write "kitne din lagenge" or
"எத்தனை நாள் ஆகும்". Tagging both sides with the same concepts (DURATION here) lets a Hindi or Tamil message
meet an English example even where the embedding is unsure. The concepts are general to shops and
services (delivery, orders, payments, returns, prices, stock, the store, offers) and say nothing about any
one tenant: an intent's concept profile is computed from its own examples and description.
"""

from __future__ import annotations

import re

from skchat.agent.nlu.lexicons import any_of

CONCEPTS: dict[str, re.Pattern[str]] = {
    "GREET": any_of(
        r"^\W*(hi+|hello+|hey+|hii+|helo|hlo|yo|namaste|namaskar|namaskaram|vanakkam|sat sri akal|salaam|salam|"
        r"good (morning|afternoon|evening|day))\b",
        r"^\W*(नमस्ते|नमस्कार|हैलो|हेलो|हाय|வணக்கம்|ஹலோ|নমস্কার|হ্যালো|నమస్కారం|హలో|ನಮಸ್ಕಾರ|ಹಲೋ|നമസ്കാരം|ഹലോ|"
        r"નમસ્તે|હેલો|ਸਤ ਸ੍ਰੀ ਅਕਾਲ|ਹੈਲੋ|ନମସ୍କାର|السلام|ہیلو)",
        r"\b(is anyone there|anybody there|koi hai)\b|कोई है|யாராவது இருக்கீங்களா",
    ),
    "THANKS": any_of(
        r"\b(thanks|thank|thanku|thankyou|thx|tnx|ty|tysm|cheers|shukriya|dhanyavad|dhanyawad|nandri|nanri|"
        r"dhonnobad|appreciate)\b",
        r"धन्यवाद|शुक्रिया|आभार|நன்றி|ধন্যবাদ|ధన్యవాదాలు|ಧನ್ಯವಾದ|നന്ദി|આભાર|ધન્યવાદ|ਧੰਨਵਾਦ|ଧନ୍ୟବାଦ|شکریہ",
    ),
    "BYE": any_of(
        r"\b(bye|goodbye|good night|see you|see ya|that'?s all|that is all|got it|alvida|tata|poitu varen)\b",
        r"अलविदा|बाय|फिर मिलते|போயிட்டு வரேன்|பை",
    ),
    "DELIVERY": any_of(
        r"\b(deliver\w*|ship|ships|shipping|shipped|courier\w*|dispatch\w*|arriv\w*|reach\w*|parcel|"
        r"pahuch\w*|pahunch\w*|pohch\w*)\b",
        r"डिलीवरी|डिलिवरी|डिलिव्हरी|पहुँच|पहुंच|शिपिंग|कूरियर|भेजते|भेजोगे|भेजेंगे|டெலிவரி|டெலிவர|அனுப்பு|வந்து சேர|ডেলিভারি|"
        r"ডেলিভারী|డెలివరీ|ಡೆಲಿವರಿ|ഡെലിവറി|ડિલિવરી|ડિલીવરી|ਡਿਲੀਵਰੀ|ଡେଲିଭରି|ڈیلیوری",
    ),
    "PLACE": any_of(
        r"\b(pin ?code|pincode|pin|postal|zip|city|cities|town|area|locality|state|country|countries|abroad|"
        r"international\w*|overseas|outside india|serviceable|service ?able|location)\b",
        r"\b(deliver|ship|send|courier)\w* (to|in|at|till|upto)\b|\b(mein|me|pe|par) (deliver|delivery|ship)",
        r"\b\w+(ku|kku|ukku) (deliver|delivery|ship)",
        r"पिनकोड|पिन कोड|शहर|इलाके|राज्य|देश|विदेश|में डिलीवरी|पर डिलीवरी|सर्विसेबल|பின்கோடு|பின் கோடு|நகர|ஊர்|"
        r"மாநில|வெளிநாடு|க்கு டெலிவரி|পিনকোড|শহর|పిన్‌కోడ్|ಪಿನ್‌ಕೋಡ್|പിൻകോഡ്|પિનકોડ|ਪਿੰਨਕੋਡ",
    ),
    "DURATION": any_of(
        r"\b(how long|how many days|how soon|how much time|when will|when would|when can i (get|expect)|"
        r"by (mon|tues|wednes|thurs|fri|satur|sun)day|same ?day|next ?day|express|urgent\w*|asap|"
        r"(fast|faster|quick|quicker) (delivery|shipping|dispatch)|"
        r"days?|today|tomorrow|tonight|weekend|eta|time|by then|in time|on time|before the \d+\w*|by the \d+\w*)\b",
        r"\b(kitne|kitna|kitni) (din|time|samay|waqt|ghante)\b|\bkab (tak|aayega|ayega|milega|pahuchega|hogi|hoga)\b",
        r"\b(ethana|ethanai|evlo|evvalavu|yevlo) (naal|naalu|days|time|neram)\b|\b(eppo|eppodhu|eppothu) (varum|"
        r"kidaikkum|kedaikum|deliver)",
        r"कितने दिन|कितना समय|कितना टाइम|कब तक|कब आएगा|कब पहुँचेगा|कब मिलेगा|कितने दिनों|दिनों में|आज|कल तक",
        r"எத்தனை நா|எவ்வளவு நா|எப்போ|எப்போது|எப்பொழுது|இன்னைக்கே|நாளைக்கு|নাগাদ|কত দিন|কবে|ఎన్ని రోజులు|"
        r"ఎప్పుడు|ಎಷ್ಟು ದಿನ|କେବେ|ಯಾವಾಗ|എത്ര ദിവസം|എപ്പോൾ|કેટલા દિવસ|ક્યારે|किती दिवस|कधी|ਕਿੰਨੇ ਦਿਨ|ਕਦੋਂ|କେତେ ଦିନ|کتنے دن|کب",
    ),
    "ORDER": any_of(
        r"\b(order|orders|ordered|purchase|bought|kt\d{4,})\b",
        r"ऑर्डर|आर्डर|ஆர்டர்|অর্ডার|ఆర్డర్|ಆರ್ಡರ್|ഓർഡർ|ઓર્ડર|ਆਰਡਰ|ଅର୍ଡର|آرڈر",
    ),
    "TRACK": any_of(
        r"\b(track\w*|status|where is|where'?s|not (yet )?(arrived|received|delivered|come)|hasn'?t (arrived|come)|"
        r"haven'?t (received|got)|didn'?t (get|receive|arrive)|still (not|no|waiting)|no update|late|delayed|stuck|"
        r"lost|missing|change (the |my )?(delivery )?address|awb|out for delivery|no sign of|not (yet )?reached)\b",
        r"\b(kahan|kaha|kahaan) (hai|h|he|pahucha)\b|\b(abhi|ab) tak\b|\b(nahi|nahin|nhi) (aaya|aya|mila|pahucha)\b",
        r"\b(enga|engae) (irukku|iruku|irukkudhu)\b|\binnum\b.*\b(varala|varalai|illa)\b",
        r"कहाँ है|कहां है|ट्रैक|स्टेटस|अभी तक|अब तक|नहीं आया|नहीं मिला|எங்கே|எங்க இருக்கு|டிராக்|ஸ்டேட்டஸ்|"
        r"இன்னும் வரல|இன்னும் வரவில்லை|কোথায়|ట్రాక్|ఎక్కడ|ಎಲ್ಲಿದೆ|എവിടെ|ક્યાં છે|कुठे आहे|ਕਿੱਥੇ|କେଉଁଠି|کہاں",
    ),
    "CANCEL": any_of(
        r"\b(cancel\w*|cancell\w*|kensal|kainsal)\b|\b(stop|hold) (my|the|this) order\b|\bchanged my mind\b|"
        r"\b(don'?t|do not|no longer) (want|need) (it|this|the \w+|my order)\b",
        r"कैंसल|कैन्सल|रद्द|रद|कॅन्सल|ரத்து|கேன்சல்|বাতিল|ক্যানসেল|రద్దు|క్యాన్సిల్|ರದ್ದು|ಕ್ಯಾನ್ಸಲ್|റദ്ദാക്ക|ക്യാൻസൽ|"
        r"રદ|કેન્સલ|ਰੱਦ|ਕੈਂਸਲ|ବାତିଲ|منسوخ|کینسل",
    ),
    "RETURN": any_of(
        r"\b(return\w*|exchang\w*|send (it )?back|replac\w*|swap|wapas|vapas|waapas|wapis|badal\w*|"
        r"thiruppi|thirupi|maathi\w*|mathi\w*)\b",
        r"वापस|वापिस|रिटर्न|एक्सचेंज|बदल|लौटा|திருப்பி|ரிட்டர்ன்|எக்ஸ்சேஞ்ச்|மாற்ற|ফেরত|রিটার্ন|ఎక్స్ఛేంజ్|"
        r"రిటర్న్|తిరిగి|ರಿಟರ್ನ್|ವಾಪಸ್|തിരികെ|റിട്ടേൺ|પરત|રિટર્ન|परत|ਵਾਪਸ|ଫେରସ୍ତ|واپس",
    ),
    "REFUND": any_of(
        r"\b(refund\w*|money back|reimburs\w*|paisa wapas|paise wapas|paise vapas|credited back)\b",
        r"रिफंड|रिफ़ंड|पैसे वापस|पैसा वापस|ரீஃபண்ட்|ரீபண்ட்|பணம் திரும்ப|রিফান্ড|రీఫండ్|ರೀಫಂಡ್|റീഫണ്ട്|રિફંડ|"
        r"ਰਿਫੰਡ|ରିଫଣ୍ଡ|ریفنڈ",
    ),
    "PAY": any_of(
        r"\b(pay|paying|payment\w*|paid|upi|gpay|google pay|phonepe|paytm|bhim|card|cards|credit|debit|"
        r"net ?banking|netbanking|cod|cash|emi|wallet|bank|debited|deducted|charged|transaction)\b",
        r"भुगतान|पेमेंट|पेमेन्ट|कैश|कार्ड|ईएमआई|यूपीआई|नेटबैंकिंग|डेबिट|கட்டண|பேமெண்ட்|பேமென்ட்|கேஷ்|கார்டு|"
        r"பணம் கட்ட|யுபிஐ|இஎம்ஐ|পেমেন্ট|ক্যাশ|పేమెంట్|క్యాష్|ಪಾವತಿ|ಪೇಮೆಂಟ್|പേയ്മെന്റ്|പണമടയ്ക്കൽ|ચુકવણી|પેમેન્ટ|"
        r"ਭੁਗਤਾਨ|ਪੇਮੈਂਟ|ପେମେଣ୍ଟ|ادائیگی|پیمنٹ|ಕ್ಯಾಶ್|ക്യാഷ്|કેશ|ਕੈਸ਼|କ୍ୟାସ|کیش|کارڈ",
    ),
    "STOCK": any_of(
        r"\b(available|availability|in stock|out of stock|stock|restock\w*|back in stock|sold out|size|sizes|"
        r"sizing|fit|fits|xs|xl|xxl|xxxl|colou?rs?|shades?|do you (have|sell|carry)|have you got|any \w+ in)\b",
        r"\b(milega|milegi|milenge|mil jayega|hai kya|available hai|kidaikkuma|kidaikuma|kedaikuma|irukka|irukkaa|"
        r"iruka|stock la)\b",
        r"उपलब्ध|स्टॉक|साइज़|साइज|मिलेगा|मिलेगी|मिल जाएगा|रंग|கிடைக்கு|இருப்பில்|இருப்பு|ஸ்டாக்|சைஸ்|அளவு|நிறம்|"
        r"স্টক|পাওয়া যাবে|సైజ్|స్టాక్|ಸ್ಟಾಕ್|ಸೈಜ್|സ്റ്റോക്ക്|സൈസ്|સ્ટોક|સાઇઝ|उपलब्ध आहे|ਸਟਾਕ|ਸਾਈਜ਼|سائز|اسٹاک",
    ),
    "PRICE": any_of(
        r"\b(price\w*|cost\w*|how much|rate|rates|mrp|gst|tax|expensive|cheap\w*|costly|bargain|discount on bulk|"
        r"bulk|wholesale|kitne ka|kitne ki|kitne ke|kitna ka|daam|dam|keemat|kimat|vilai|velai|evlo|evvalavu)\b",
        r"कीमत|क़ीमत|दाम|कितने का|कितने की|कितने के|प्राइस|रेट|मूल्य|விலை|எவ்வளவு|ரேட்|দাম|মূল্য|ధర|ಬೆಲೆ|ದರ|വില|"
        r"કિંમત|ભાવ|किंमत|ਕੀਮਤ|ମୂଲ୍ୟ|ଦାମ|قیمت",
    ),
    "STORE": any_of(
        r"\b(store|shop|showroom|outlet|branch|address|visit|timings?|hours|open|opens|opening|close|closes|closing|"
        r"parking|trial room|gift ?wrap\w*|gift card|invoice|bill|made|manufactur\w*|dukaan|dukan|kadai)\b",
        r"दुकान|शोरूम|स्टोर|पता|खुल|बंद|पार्किंग|इनवॉइस|बिल|கடை|ஷோரூம்|ஸ்டோர்|முகவரி|திறந்திருக்கு|திறக்க|"
        r"দোকান|শোরুম|షోరూమ్|దుకాణం|ಅಂಗಡಿ|ಶೋರೂಮ್|കട|ഷോറൂം|દુકાન|શોરૂમ|दुकान|ਦੁਕਾਨ|ଦୋକାନ|دکان|شوروم",
    ),
    "DISCOUNT": any_of(
        r"\b(discount\w*|offer|offers|coupon\w*|code|codes|promo\w*|sale|sales|deal|deals|cashback|loyalty|points|"
        r"reward\w*|voucher|chhoot|chhut|thallupadi)\b|\b[a-z]{3,}\d{1,3}\b",
        r"छूट|छुट|ऑफ़र|ऑफर|डिस्काउंट|कूपन|सेल|கூப்பன்|தள்ளுபடி|ஆஃபர்|சலுகை|டிஸ்கவுண்ட்|সেল|ছাড়|অফার|ডিসকাউন্ট|"
        r"ఆఫర్|డిస్కౌంట్|ರಿಯಾಯಿತಿ|ಆಫರ್|ഓഫർ|ഡിസ്കൗണ്ട്|ડિસ્કાઉન્ટ|ઓફર|સેલ|सवलत|ਛੋਟ|ਆਫ਼ਰ|ରିହାତି|ڈسکاؤنٹ|آفر",
    ),
    "PROBLEM": any_of(
        r"\b(damaged|torn|tear|defect\w*|broken|wrong|poor|bad|worst|rude|stain\w*|faded|fade|shrank|shrunk|"
        r"hole|quality|complain\w*|disappoint\w*|different from|not as (shown|described)|instead of|used|dirty|"
        r"fake|duplicate|pathetic|terrible|horrible)\b",
        r"\b(kharab|kharaab|ghatiya|bekaar|bekar|galat|phata|fata|tuta|toota|silai|daag)\b",
        r"खराब|ख़राब|गलत|ग़लत|घटिया|फटा|फटी|टूटा|टूटी|दाग|शिकायत|रंग निकल|मोसम|மோசம்|கிழி|தப்பா|தவறான|கறை|"
        r"புகார்|சேதம்|খারাপ|ভুল|చెత్త|తప్పు|ಕೆಟ್ಟ|ತಪ್ಪು|മോശം|തെറ്റ്|ખરાબ|ખોટ|वाईट|चुकीच|ਖਰਾਬ|ਗਲਤ|ଖରାପ|خراب|غلط",
    ),
    "OFFTOPIC": any_of(
        r"\b(weather|rain|cricket|ipl|football|movie|film|actor|actress|song|songs|joke|jokes|poem|poetry|essay|"
        r"homework|news|politics|election|recipe|train|flight|bus|hotel|laptop|smartphone|stock market|bitcoin|"
        r"horoscope|astrology|girlfriend|boyfriend|shayari|kavita|gaana|mausam|baarish|barish|cinema|capital of|"
        r"who won|prime minister|president|best phone|phone under)\b",
        r"मौसम|बारिश|क्रिकेट|फिल्म|गाना|चुटकुला|कविता|शायरी|निबंध|खबर|राजनीति|ट्रेन|"
        r"வானிலை|மழை|கிரிக்கெட்|சினிமா|நடிகர்|பாட்டு|ஜோக்|கவிதை|கட்டுரை|செய்தி|ரயில்|"
        r"আবহাওয়া|ক্রিকেট|సినిమా|క్రికెట్|ವಾತಾವರಣ|ಕ್ರಿಕೆಟ್|കാലാവസ്ഥ|ക്രിക്കറ്റ്|હવામાન|ક્રિકેટ|ਮੌਸਮ|ਕ੍ਰਿਕਟ|موسم|کرکٹ",
    ),
}


# Openers and closers: "Hi, do you have kids' kurtas?" is about stock, not a greeting; "thanks, and where
# is my order?" is about the order; but "thanks for the quick delivery!" is thanks.
_CLOSERS = frozenset({"THANKS", "BYE"})
_QUESTION = re.compile(
    r"\?|\b(what|when|where|which|how|why|can|could|do|does|is|are|will|kya|kab|kaise|kitne|kahan|enna|eppo|"
    r"evlo|enga)\b|क्या|कब|कैसे|कितन|कहाँ|என்ன|எப்போ|எவ்வளவு|எங்க"
)


def concepts_of(norm: str) -> frozenset[str]:
    """The concepts a normalised text mentions; greetings and thanks only when nothing else is asked."""
    found = frozenset(name for name, pattern in CONCEPTS.items() if pattern.search(norm))
    topical = found - _CLOSERS - {"GREET"}
    if not topical:
        return found
    if _QUESTION.search(norm):
        return topical
    return found - {"GREET"}
