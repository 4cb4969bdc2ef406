"""Sentiment vocabulary for Hindi, Hinglish, Tamil, Tanglish and a few words of the other Indian languages,
plus the customer-service cues that general lexicons miss ("still not received", "third time").

Polarity words are matched on whole tokens; `PHRASES` are regular expressions over the normalised text.
Weights are in VADER's spirit: about ±1 for an ordinary word, ±2 for a strong one.
"""

from __future__ import annotations

import re


def _words(spec: str, weight: float) -> dict[str, float]:
    return dict.fromkeys(spec.split(), weight)


POSITIVE: dict[str, float] = {
    # Hindi (Devanagari)
    **_words("अच्छा अच्छी अच्छे", 0.6),
    **_words("बढ़िया बढिया सुंदर सुन्दर प्यारा प्यारी प्यारे खुश पसंद उत्तम मजा मज़ा आभार", 1.0),
    **_words("शानदार बेहतरीन खूबसूरत ख़ूबसूरत कमाल लाजवाब धन्यवाद शुक्रिया मस्त ज़बरदस्त जबरदस्त", 1.6),
    # Hinglish
    **_words("accha acha achha achhi acchi acche", 0.5),
    **_words("badhiya badiya sundar pyara pyari khush pasand maza mazaa", 1.0),
    **_words("shandar shaandaar behtareen khubsurat lajawab dhanyavad dhanyawad shukriya mast zabardast", 1.6),
    # Tamil
    **_words("நல்ல நல்லா நல்லது நன்று அழகு அழகா அழகான சந்தோஷம் மகிழ்ச்சி சிறப்பு சிறந்த பிடிச்சிருக்கு", 1.0),
    **_words("நன்றி அருமை அருமையான சூப்பர் அற்புதம் பிடித்தது பிடிச்சது", 1.6),
    # Tanglish
    **_words("nalla nallaa nalladhu azhagu azhaga azhagana santhosham sandhosham magizhchi sirappu", 1.0),
    **_words("nandri nanri arumai arumaiyana pudichirukku pidichirukku semma sema", 1.6),
    # Other Indian languages: thanks and "good"
    **_words("ধন্যবাদ ভালো ধন্যবাদ ధన్యవాదాలు బాగుంది ಧನ್ಯವಾದ ಧನ್ಯವಾದಗಳು ಚೆನ್ನಾಗಿದೆ നന്ദി നല്ലത് നല്ല", 1.5),
    **_words("આભાર ધન્યવાદ સરસ छान ਧੰਨਵਾਦ ਵਧੀਆ ଧନ୍ୟବାଦ ଭଲ شکریہ اچھا بہت", 1.5),
    # English words VADER misses or underrates in shopping chat
    **_words("thanku thankyou tnx ty tysm gorgeous stunning", 1.5),
}

NEGATIVE: dict[str, float] = {
    # Hindi (Devanagari)
    **_words("खराब ख़राब बुरा बुरी गलत ग़लत देर लेट परेशान परेशानी दिक्कत तकलीफ समस्या नुकसान शिकायत निराश नाराज़ नाराज", 1.0),
    **_words("फटा फटी टूटा टूटी दाग छेद सिकुड़ गायब घटिया बेकार बकवास गंदा गंदी धोखा धोखाधड़ी ठगी फ्रॉड झूठ झूठे", 1.6),
    **_words("चोर लूट शर्मनाक बर्बाद गुस्सा बेवकूफ बदतमीज़ बदतमीज वाहियात", 1.8),
    # Hinglish
    **_words("kharab kharaab bura buri galat der pareshan pareshaan dikkat takleef nuksan nuksaan shikayat", 1.0),
    **_words("naraz naraaz nirash phata fata phati fati toota tuta tooti tuti daag gayab", 1.0),
    **_words("ghatiya bekaar bekar bakwas bakwaas ganda gandi dhoka dhokha thagi jhooth jhoot faltu faaltu", 1.6),
    **_words("chor loot barbaad gussa bewakoof badtameez wahiyat", 1.8),
    # Tamil
    **_words("தவறு தப்பு தப்பான தாமதம் லேட் கஷ்டம் பிரச்சனை பிரச்சினை சேதம் புகார் கிழிந்த கிழிஞ்சு ஏமாற்றம்", 1.0),
    **_words("மோசம் மோசமான கேவலம் கேவலமான குப்பை மட்டமான ஏமாற்று ஏமாத்திட்டீங்க பொய் எரிச்சல் கோபம் வீண்", 1.6),
    # Tanglish
    **_words("thappu thappana thamadham kashtam prachanai pirachanai kizhinja kizhinjirukku", 1.0),
    **_words("mosam mosamana kevalam kevalamana kuppai mattam ematharu emathitinga emaathu erichal kobam", 1.6),
    # Other Indian languages: "bad"
    **_words("খারাপ বাজে చెత్త బాగాలేదు ಕೆಟ್ಟ ಕೆಟ್ಟದಾಗಿ മോശം ખરાબ वाईट ਖਰਾਬ ଖରାପ خراب بکواس", 1.5),
    # Shopping problems VADER does not know
    **_words("faded stained shrank shrunk ripped overcharged", 1.2),
    **_words("rubbish", 1.8),
}

NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "nahi",
        "nahin",
        "nhi",
        "mat",
        "नहीं",
        "नही",
        "मत",
        "न",
        "இல்லை",
        "இல்ல",
        "illa",
        "illai",
        "ila",
    ]
)
INTENSIFIERS = frozenset(
    [
        "very",
        "so",
        "too",
        "really",
        "extremely",
        "totally",
        "absolutely",
        "super",
        "bahut",
        "bohot",
        "bahot",
        "bhot",
        "ekdum",
        "bilkul",
        "बहुत",
        "बेहद",
        "एकदम",
        "बिल्कुल",
        "romba",
        "rombha",
        "மிகவும்",
        "ரொம்ப",
        "மிக",
    ]
)

POSITIVE_EMOJI = frozenset("😍😊🙂😀😃😄😁🥰❤💕💖👍🙏✨🎉🎁😘🤩💯👌😇🤗☺🥳")
NEGATIVE_EMOJI = frozenset("😡😠🤬😤😞😢😭😒🙄👎💔😩😫😑😣😖☹🙁😔")

# (pattern, weight): complaint and frustration phrasings, in each language. Plain questions stay neutral.
PHRASES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        # English: things that did not happen, waiting, repetition, failures
        (r"\b(still|yet) (not|no|nothing|haven't|hasn't|didn't|waiting|pending)\b", -1.5),
        (
            r"\b(not|never|haven't|hasn't|didn't|did not|has not|have not) (yet )?(been )?"
            r"(received?|arrived?|delivered|come|got|gotten|get|reached|refunded|credited|processed|shipped)\b",
            -1.3,
        ),
        (r"\bno (response|reply|update|updates|refund|one|answer|call|callback|information)\b", -1.2),
        (r"\b(nobody|no one|noone)\b", -1.0),
        (r"\b(second|third|fourth|fifth|2nd|3rd|4th|5th|\d+th|many|multiple|several|umpteen) times?\b", -1.5),
        (r"\bagain and again\b|\bevery time\b|\bover and over\b", -1.3),
        (r"\b(been )?waiting (for|since)\b|\bhow long (do|should|must) i wait\b", -1.2),
        (r"\b(days|weeks|months) (and|but|now|already|since|still)\b|\bit'?s been \w+ (days|weeks)\b", -0.8),
        (r"\balready \w+ (working |business )?(days|weeks|months)\b|\b(days|weeks) (have )?passed\b", -1.2),
        (r"\bwrong (item|size|colou?r|product|order|parcel|saree|address|one)\b|\binstead of\b", -1.2),
        (r"\b(failed|declined|not working|doesn't work|does not work|isn't working|won't work|invalid|error)\b", -1.0),
        (r"\b(debited|deducted|charged) (twice|two times|2 times|double)\b|\bdouble (charged|debit|deduct)", -1.5),
        (r"\bnothing (since|yet|happened|has|at all)\b|\bno (sign|trace) of\b", -1.2),
        (r"\bwhat kind of (service|quality|company|store|shop|behaviou?r)\b|\bis this how you\b", -1.5),
        (r"\b(don't|do not|dont) want to (chat|talk|speak) (with|to) (a |the |your )?(bot|machine|robot)\b", -1.0),
        (r"\b(stupid|useless|dumb|silly) (bot|chatbot|robot|machine)\b|\bbot se (kaam )?(nahi|nhi)\b", -1.2),
        (r"\bwhy (can't|cannot|is it not|isn't|hasn't|didn't|won't|haven't|do you|did you|is my)\b", -0.8),
        (r"\b(fed up|had enough|enough is enough|i'?m done|waste of (money|time)|never again|last time)\b", -1.8),
        (
            r"\b(rude|misbehav\w*|shout\w*)\b|\b(threw|thrown|throwing|tossed) (the |my )?(parcel|package|box|order)\b",
            -1.2,
        ),
        (r"\bnot (coming|working|showing|loading|opening|updating|responding|reachable|picking)\b", -1.0),
        (
            r"\b(different|another) (shade|colou?r|size|design|product|item) (than|from|instead)\b|"
            r"\b(not|doesn'?t|does not|didn'?t) (match|look like) (the )?(photo|picture|image|website)",
            -1.2,
        ),
        (r"\banother (day|week|month) of waiting\b|\bwaiting (again|forever)\b|\bstill waiting\b", -1.5),
        (r"\b(money|paisa|amount|payment|rs|₹)\b.*\b(gone|lost|stuck|debited|deducted|kat)\b", -0.8),
        # Hindi / Hinglish
        (r"(अब|अभी) तक .*(नहीं|नही)|(ab|abhi) ?tak .*(nahi|nahin|nhi)\b", -1.3),
        (
            r"(नहीं|नही) (मिला|मिली|आया|आई|आयी|पहुँचा|पहुंचा)|"
            r"\b(nahi|nahin|nhi) (mila|mili|aaya|aya|aayi|pahucha|pahuncha)\b",
            -1.2,
        ),
        (
            r"(कितनी|कितने) (बार|दिन) (से|हो)|\b(kitni|kitne) (baar|bar|din) (se|ho)\b|"
            r"\b(teesri|tisri|dusri) (baar|bar)\b",
            -1.2,
        ),
        (r"(तीसरी|दूसरी) बार|बार[- ]बार|\bbaar[- ]baar\b", -1.2),
        (
            r"\b(\d+|do|teen|char|chaar|paanch|panch|kai|hafta|hafte) (din|dino|hafte|mahine) "
            r"(ho )?(gaye|gye|ho gaye)\b|"
            r"(दिन|हफ्ते|हफ़्ते|महीने) (हो )?(गए|गये)",
            -1.2,
        ),
        (r"(நாள்|நாளா|வாரம்|வாரமா) (ஆச்சு|ஆகுது|ஆகிறது|ஆகியும்)|\b(naal|naala|vaaram|vaarama) (aachu|aagudhu|aagiyum)\b", -1.2),
        (r"(पैसे|पैसा|रुपये) .*(कट|डूब)|\b(paise|paisa|rupaye) .*\b(kat|dub|doob)", -1.0),
        (r"\b(ye|yeh) kya \w+ (hai|h|he)\b|(ये|यह) क्या \S+ है", -1.2),
        (r"\b(kya|ye kya) (bakwas|majak|mazak|tamasha)\b|क्या (बकवास|मज़ाक|मजाक|तमाशा)", -1.5),
        # Tamil / Tanglish
        (r"இன்னும் .*(இல்லை|இல்ல|வரல|வரவில்லை|கிடைக்கல|கிடைக்கவில்லை|வரலை)", -1.3),
        (r"\binnum .*\b(illa|illai|varala|varalai|kidaikala|kedaikala)\b", -1.3),
        (r"(வரல|வரவில்லை|கிடைக்கல|கிடைக்கவில்லை)(?![\u0b80-\u0bff])|\b(varala|varalai|kidaikala|kedaikala)\b", -0.6),
        (
            r"(மூணாவது|மூன்றாவது|ரெண்டாவது|பல) (தடவை|முறை)|\b(moonavathu|munavadhu|rendavadhu) (thadava|thadavai|murai)\b",
            -1.2,
        ),
    )
)

# A hypothetical ("what if it is damaged?", "in case of a defect") is a question, not a complaint.
HYPOTHETICAL = re.compile(
    r"\b(what if|if|in case|incase|suppose|agar|yadi|policy|policies|rules|niyam)\b|अगर|यदि|नियम|ஒருவேளை"
)

# "suggest a good phone", "which is the best saree?": adjectives of a request, not the customer's feelings.
REQUEST_ADJECTIVE = re.compile(r"\b(a|an|the|any|some|your|ur) (good|best|nice|better|great|cheap|cheaper|cheapest)\b")
QUESTION = re.compile(r"\?|^\W*(suggest|recommend|which|what|who|where|can you|could you|do you|is there)\b")
