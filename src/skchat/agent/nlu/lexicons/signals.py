"""Phrasings of the three handoff signals, per language, as regular expressions over normalised text.

A person is wanted when a *person word* meets a *contact verb* ("connect me to an agent", "किसी इंसान से
बात", "மனிதரிடம் பேச"), or on a standalone request ("call me back", "customer care number"). A person word
alone is not enough: "your delivery agent was rude" asks for nobody.
Latin-script patterns use word boundaries; Indic ones do not (Python's `\\b` breaks at vowel signs).
"""

from __future__ import annotations

from skchat.agent.nlu.lexicons import any_of

# --- wants_human -----------------------------------------------------------------------------------
PERSON = any_of(
    r"\b(human|humans|person|(?<!delivery )(?<!courier )agents?|representative|rep|executive|manager|supervisor|"
    r"senior|someone|somebody|team ?lead|owner|operator|customer (care|service|support)|support (team|staff)|"
    r"live (chat|agent|person|support)|real (person|human|people|agent))\b",
    r"\b(insaan|insan|aadmi|admi|banda|bande|kisi)\b",
    r"इंसान|इन्सान|आदमी|एजेंट|एजेन्ट|मैनेजर|प्रबंधक|कस्टमर केयर|कस्टमर सर्विस|ग्राहक सेवा|किसी|कोई व्यक्ति|व्यक्ति|अधिकारी",
    r"\b(aal|aalu|aalunga|yaaravadhu|yaravathu|manushan|manushar)\b",
    r"மனிதர்|மனுஷ|ஆளிடம்|ஆள்|யாராவது|ஏஜென்ட்|ஏஜெண்ட்|மேனேஜர்|மேலாளர்|கஸ்டமர் கேர்|வாடிக்கையாளர் சேவை|அதிகாரி",
    r"মানুষ|এজেন্ট|ম্যানেজার|কাস্টমার কেয়ার|কেউ",
    r"మనిషి|ఏజెంట్|మేనేజర్|కస్టమర్ కేర్|ఎవరైనా",
    r"ಮನುಷ್ಯ|ಏಜೆಂಟ್|ಮ್ಯಾನೇಜರ್|ಕಸ್ಟಮರ್ ಕೇರ್|ಯಾರಾದರೂ",
    r"മനുഷ്യ|ഏജന്റ്|മാനേജർ|കസ്റ്റമർ കെയർ|ആരെങ്കിലും",
    r"માણસ|એજન્ટ|મેનેજર|કસ્ટમર કેર|કોઈ",
    r"माणस|एजंट|व्यवस्थापक",
    r"ਇਨਸਾਨ|ਬੰਦੇ|ਏਜੰਟ|ਮੈਨੇਜਰ|ਕਸਟਮਰ ਕੇਅਰ|ਕਿਸੇ",
    r"ମଣିଷ|ଏଜେଣ୍ଟ|ମ୍ୟାନେଜର",
    r"انسان|ایجنٹ|مینیجر|کسٹمر کیئر|کسی",
)
CONTACT = any_of(
    r"\b(talk|speak|chat|connect|transfer|put me through|escalate|forward|hand (me )?over|reach|contact|call|ring)\b",
    r"\b(baat|baatchit|connect|transfer|milwa\w*|milao|jod\w*|call|phone)\b",
    r"बात|कनेक्ट|ट्रांसफर|जोड़|मिलवा|मिलाइए|कॉल|फोन|फ़ोन",
    r"\b(pesa|pesanum|pesanam|peasanum|pesa mudiyuma|pesalama|pesanumnu|connect|transfer)\b",
    r"பேச|பேசணும்|பேசலாமா|இணை|கனெக்ட்|டிரான்ஸ்ஃபர்|அழை|கால்|போன்",
    r"কথা বল|যোগাযোগ|কল",
    r"మాట్లాడ|కనెక్ట్|కాల్",
    r"ಮಾತನಾಡ|ಮಾತಾಡ|ಕನೆಕ್ಟ್|ಕರೆ",
    r"സംസാരിക്ക|കണക്ട്|വിളിക്ക",
    r"વાત|કનેક્ટ|કોલ",
    r"बोलायच|बोलायचं|बोलू|जोडा",
    r"ਗੱਲ|ਕਨੈਕਟ|ਕਾਲ",
    r"କଥା|କଲ",
    r"بات|رابطہ|کال",
)
# Requests that need no person word.
HUMAN_REQUEST = any_of(
    r"\b(call|ring|phone) me\b(?! (?:if|when|only))|\bcall ?back\b|\bget a call\b|\bcallback\b",
    r"\b(customer (care|service|support)|helpline|support|contact|toll[- ]free|complaint) (ka |ki |oda |da )?"
    r"(number|no|num|nambar|phone)\b",
    r"\b(koi|kya koi|ek) (insaan|insan|aadmi|banda|real person|human)\b|\b(insaan|insan|human|aadmi) (hai|h|he) kya\b",
    r"\bis there (a|any|an actual|a real) (human|person|agent|people)\b|\b(anyone|someone) (real|human) (here|there)\b",
    r"\bnot (a|an|the) (bot|chatbot|robot|machine|ai)\b|\b(no|stop the|enough of the|hate) (bot|bots|chatbot)\b",
    r"\b(real|actual|live) (human|person|people|agent|someone)\b|\bhuman (being|agent|support|please|pls)\b",
    r"\bare you (a |an )?(bot|robot|human|real)\b|\b(bot|robot) (nahi|nahin|nhi|not)\b",
    r"\b(mujhe|muje|hume|hamein)? ?(call|phone) (karo|karein|kare|kijiye|kar do|kardo|karwao|karwa do|karna)\b",
    r"\b(call|phone) (pannunga|pannuga|panni|pannunka|pannungal)\b",
    r"(मुझे|हमें)? ?(कॉल|फोन|फ़ोन) (करो|करें|कीजिए|कर दो|करवाइए|करवा दो)|(कस्टमर केयर|हेल्पलाइन) (का )?(नंबर|नम्बर)",
    r"(கால்|போன்) (பண்ணுங்க|செய்யுங்கள்|பண்ணுங்கள்)|(கஸ்டமர் கேர்|ஹெல்ப்லைன்) (நம்பர்|எண்)",
    r"\b(escalate|forward) (this|it|my|the)\b",
    r"\b(want|need|get me|give me|bring|i'?d like|looking for) (a |an |the |your |some |one of your )?"
    r"(real |live |actual |human )?(human|person|agent|representative|rep|executive|manager|supervisor|"
    r"customer (care|service|support)|senior|staff member)\b",
    r"\b((?<!courier )(?<!delivery )agent|insaan|insan|manager|customer care|senior|aadmi|human) "
    r"(chahiye|chaiye|chahie|venum|vendum)\b",
)
# A person word and a contact verb must be near each other (within this many characters).
NEAR = 40

# --- escalation ------------------------------------------------------------------------------------
THREAT = any_of(
    r"\bconsumer (court|forum|forums|commission|helpline|complaint|case|cell|protection)\b|\bnch\b|\bedaakhil\b",
    r"\b(file|lodge|register|darj)\w* (an? )?fir\b|\bfir (file|lodge|darj|karunga|karenge)",
    r"\b(police|cyber ?(cell|crime|police)|lawyer|lawyers|advocate|attorney|legal (action|notice|case|team)|"
    r"sue|suing|lawsuit|ombudsman|rbi)\b(?! (station|line|lines|colony|quarters|ground|chowki))",
    r"\b(take|taking|drag|dragging|see|go|going)\b.{0,25}\bcourt\b|\bcourt (case|notice|mein|me)\b",
    r"\b(charge ?back|dispute|disputing|disputed)\b|\b(block|stop) (the )?(payment|transaction|card)\b",
    r"\b(post|posting|share|sharing|tweet|tweeting|write|writing|put|putting|expose|exposing|report|reporting)\b"
    r".{0,40}\b(twitter|x\.com|instagram|insta|facebook|fb|social media|youtube|linkedin|reddit|everyone|"
    r"everywhere|public)\b",
    r"\b(1|one)[- ]?star\b|\bbad review\b|\bnegative review\b|\b(make|making) (this|it) viral\b",
    r"उपभोक्ता (फोरम|अदालत|न्यायालय)|कंज्यूमर (फोरम|कोर्ट)|पुलिस|एफआईआर|वकील|कानूनी|कोर्ट|अदालत|"
    r"(लीगल|कानूनी) नोटिस|चार्जबैक|बैंक (में|से) (शिकायत|डिस्प्यूट)|"
    r"(सोशल मीडिया|ट्विटर|इंस्टाग्राम|फेसबुक|यूट्यूब) (पर|में) (डाल|पोस्ट|शेयर|बता|लिख)",
    r"\b(social media|twitter|insta|instagram|facebook|fb|youtube) (pe|par|mein|la|le) "
    r"(daal|dal|post|share|likh|podu|poduven|poduvom)\w*",
    r"\b(case|complaint|shikayat) (karunga|karungi|karenge|kar dunga|kar dungi|karta hoon|karti hoon|daal\w*|file)\b",
    r"\b(thana|thane|kanooni|kanuni|vakeel|vakil)\b",
    r"நுகர்வோர் (நீதிமன்றம்|மன்றம்|கோர்ட்)|கன்ஸ்யூமர் (கோர்ட்|ஃபோரம்)|போலீஸ்|காவல்|வழக்கு|வக்கீல்|நீதிமன்றம்|"
    r"கோர்ட்|சார்ஜ்பேக்|(சோஷியல் மீடியா|ட்விட்டர்|இன்ஸ்டாகிராம்|பேஸ்புக்|யூடியூப்)\S* (போடு|போஸ்ட்|பதிவு|ஷேர்)",
    r"\b(case|complaint) (poduven|poduvom|kuduppen|pannuven|file pannuven)\b",
    r"ভোক্তা আদালত|পুলিশ|উকিল|আইনি|వినియోగదారుల ఫోరం|పోలీస్|లాయర్|ಗ್ರಾಹಕ ನ್ಯಾಯಾಲಯ|ಪೊಲೀಸ್|ವಕೀಲ|ഉപഭോക്തൃ|പോലീസ്|"
    r"വക്കീൽ|ગ્રાહક ફોરમ|પોલીસ|વકીલ|ग्राहक मंच|ਪੁਲਿਸ|ਵਕੀਲ|ପୋଲିସ|پولیس|وکیل|عدالت",
)
ABUSE = any_of(
    r"\b(fuck\w*|f\*+k\w*|wtf|shit\w*|bullshit|bastards?|idiots?|morons?|stupid people|useless people|"
    r"cheaters?|thieves|thief|frauds|scammers?|liars?|crooks?|bloody|damn you|shameless|disgusting|disgusted)\b",
    r"\b(chutiya\w*|chutiye|bc|mc|bhenchod|madarchod|bsdk|saala|saale|kamina|kamine|kaminey|harami|ullu|"
    r"gadha|gadhe|besharam|choron|lutere)\b",
    r"\b(naaye|loosu|porukki|poramboku|thevdiya\w*|muttal|muttaal|muttaalgal)\b",
    r"\b(you|you all|you guys|you people|tum|tum log|aap log|aaplog|tumlog|neenga|ninga) (are |ho |hai |sab )?"
    r"(chor|chors|cheats?|cheaters|thieves|frauds?|liars?|scammers?|crooks|looters|lutere|fraud company)\b",
    r"(तुम|आप) (लोग|सब) (चोर|धोखेबाज|फ्रॉड|लुटेरे)",
    r"कमीने|कमीना|हरामी|चोर|लुटेरे|बेशर्म|उल्लू|गधे|चूतिया|साले|घटिया लोग|धोखेबाज़|धोखेबाज",
    r"முட்டாள்|நாய்|திருடன்|திருடர்கள்|ஏமாற்றுக்காரர்|பொறுக்கி|வெட்கம் கெட்ட",
)
# Anger that a human should take over: strong words about the store or its staff.
FURY = any_of(
    r"\b(worst|pathetic|horrible|terrible|disgusting|ridiculous|unacceptable|outrageous|nonsense|rubbish|"
    r"cheating|cheated|scam|looted|rude|misbehaved|misbehaving|abused|abusive|shouted|"
    r"(threw|thrown|throwing|tossed) (the |my )?(parcel|package|box|order)|"
    r"fed up|had enough|enough is enough|i'?m done|never (again|order|buy|shop)|lost (all )?(my )?(trust|faith)|"
    r"how dare|shame on)\b",
    r"\b(ghatiya|bakwas|bakwaas|dhokha|dhoka|dhokebaaz|bewakoof|badtameez|badtamiz|tameez|loot|lootna|looted|"
    r"bardasht|had hai|hadd hai|sharam)\b",
    r"घटिया|बकवास|धोखा|बदतमीज़|बदतमीज|लूट|शर्म|बर्दाश्त|हद है|हद हो गई|बेहद खराब|सबसे खराब",
    r"\b(mosam|mosamana|kevalam|kevalamana|emathitinga|emathuringa|ematharanga|mariyadhai illa)\b",
    r"கேவலம்|கேவலமான|ஏமாத்திட்டீங்க|ஏமாற்றி|மரியாதை இல்ல|மோசமான சேவை|ரொம்ப மோசம்",
)

# --- sensitive (money and security) ----------------------------------------------------------------
SENSITIVE = any_of(
    r"\b(debited|deducted|charged|paid|cut|taken|billed)\b.{0,30}\b(twice|two times|2 times|double|thrice|"
    r"three times|multiple times)\b",
    r"\b(double|duplicate|twice|multiple) (debit|debits|debited|charge|charges|charged|deduction|payment|payments|"
    r"transaction|transactions)\b",
    r"\b(fraud|fraudulent|unauthori[sz]ed|scam|scammed|phishing|hacked|stolen|compromised|fake (call|link|sms|"
    r"message|website|page|offer))\b",
    r"\botp\b.{0,40}\b(share|shared|asked|asking|called|someone|scam|fraud|not me)\b|"
    r"\b(asked|asking|share|shared|gave|given|told) (for |me |him |her |them )?(my |the |an? )?otp\b",
    r"\b(upi|gpay|phonepe|paytm|card|account|bank)\b.{0,40}\b(fraud|scam|hacked|stolen|misused|without my "
    r"(permission|consent|knowledge)|i didn'?t (make|do|authori[sz]e))\b",
    r"\bwithout my (permission|consent|knowledge)\b|\bi (didn'?t|did not|never) (make|do|authori[sz]e|place) "
    r"(this|that|the|any) (payment|transaction|purchase)\b",
    r"\b(do|2|two|teen|3) (baar|bar|baari)\b.{0,30}\b(kat|kata|kati|kaat|debit|deduct|charge|payment)|"
    r"\b(kat|kaat|debit|deduct)\w* .{0,20}\b(do|2) (baar|bar)\b",
    r"\b(rendu|renda|2) (thadava|thadavai|murai)\b.{0,30}\b(cut|debit|kattiduchu|pochu|poyiduchu)",
    r"डबल (पेमेंट|चार्ज|डेबिट)|धोखाधड़ी|फ्रॉड|फ़्रॉड|अनधिकृत|हैक",
    r"(ओटीपी|ओ टी पी|otp).{0,30}(माँग|मांग|शेयर|बताया|बता दिया|दे दिया|फ्रॉड)",
    r"மோசடி|ஃப்ராட்|ஹேக்|(ஓடிபி|ஓ.டி.பி|otp).{0,30}(கேட்ட|சொல்லிட்டேன்|கொடுத்த|ஷேர்)",
    r"প্রতারণা|మోసం|ವಂಚನೆ|തട്ടിപ്പ്|છેતરપિંડી|फसवणूक|ਧੋਖਾਧੜੀ|فراڈ|دھوکہ",
)
# "Twice" in any language counts when the message is about money.
TWICE = any_of(
    r"\b(twice|two times|2 times|do baar|do bar|rendu thadava|rendu murai)\b",
    r"दो बार|दोनदा|दोन वेळा|ரெண்டு (தடவை|முறை)|இரண்டு (முறை|தடவை)|இருமுறை|দুবার|దুই বার|రెండుసార్లు|రెండు సార్లు|"
    r"ಎರಡು ಬಾರಿ|രണ്ടുതവണ|രണ്ട് തവണ|બે વાર|ਦੋ ਵਾਰ|ଦୁଇଥର|دو بار",
)
MONEY = any_of(
    r"\b(money|amount|payment|paid|rs|inr|rupees?|debited|deducted|charged|bank|account|card|upi|transaction|"
    r"paisa|paise|rupaye|panam|kaasu|kat|kata|kaat|cut)\b|₹",
    r"पैसे|पैसा|रुपये|रुपए|भुगतान|पेमेंट|खाते|बैंक|कट|डेबिट|பணம்|காசு|ரூபாய்|பேமெண்ட்|வங்கி|டெபிட்|கட் ஆ",
    r"টাকা|ডেবিট|কেটে|డబ్బు|డెబిట్|కట్|ಹಣ|ಡೆಬಿಟ್|ಕಡಿತ|പണം|ഡെബിറ്റ്|પૈસા|ડેબિટ|કપાયા|पैसे|ਪੈਸੇ|ਕੱਟ|ଟଙ୍କା|پیسے|رقم",
)
