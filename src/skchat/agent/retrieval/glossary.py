"""A small cross-language glossary for shop talk: Hindi (Devanagari and romanized) and Tamil (script and
romanized) words for the everyday notions of online retail, mapped to English search terms.

Loanwords ("डिलीवरी", "ரீஃபண்ட்", "kurta") already meet their English forms through sound keys; this
list covers the native words that don't sound like their English meaning ("वापस" = return, "விலை" =
price, "लाल" = red). It is general vocabulary, written for any shop, not for one tenant's articles.
"""

from __future__ import annotations

from skchat.agent.retrieval.text import indic_stem, is_indic, normalize, sound_key, stem

# english terms | forms (Devanagari, Hinglish, Tamil, romanized Tamil), one notion a line.
_ENTRIES = """
price cost | कीमत क़ीमत दाम मूल्य भाव keemat kimat qeemat daam bhav விலை vilai velai evvalavu evlo
day days | दिन din दिनों dino நாள் நாட்கள் நாளில் naal naatkal naatkalil
week | हफ्ता हफ़्ता सप्ताह hafta haftey வாரம் vaaram
month | महीना महीने mahina mahine மாதம் maadham maasam
deliver arrive | पहुँच पहुंच पहुँचेगा पहुंचेगा पहुंचाना pahunch pahuch pahunchega aayega ayega aega வரும் varum வந்து
ship send | भेज भेजना भेजोगे bhej bhejna bhejoge அனுப்ப அனுப்பு anuppa anuppu
cancel | रद्द radd ரத்து rathu rattu
return | वापस वापसी लौटाना लौटा wapas wapis vapas vapis wapasi lautana lautao திருப்பி திருப்ப thiruppi tiruppi
refund money | पैसा पैसे रकम paisa paise paisey பணம் பணத் panam kaasu காசு
exchange replace | बदलना बदल बदली badal badalna badli மாற்ற மாற்றி maatra maatri maatha
size measurement | नाप naap அளவு alavu
colour color | रंग rang rangg நிறம் நிற niram
available stock | இருக்கா இருக்கிறதா இருக்குமா உண்டா irukka irukkaa irukkuma undaa उपलब्ध milega milegi मिलेगा मिलेगी
available stock | मिलेगे स्टॉक கிடைக்கும் kidaikkum kidaikuma இருப்பு iruppu
shop store showroom | दुकान dukaan dukan shop கடை kadai
open hours | खुला खुली खुलता खुलती खुलेगा khula khuli khulta khulti khulega திறந்து திறக்கும் திறந்திருக்கும்
open hours | thirandhu thiranthu
closed | बंद band மூடி மூடப்படும் மூடப்பட்டிருக்கும் moodi
time hours | समय टाइम बजे samay baje மணி நேரம் mani neram
address location | पता pata முகவரி mugavari
free | मुफ़्त मुफ्त फ्री muft mufat இலவசம் இலவச ilavasam
charge fee | शुल्क चार्ज shulk கட்டணம் கட்டண kattanam
pay payment | भुगतान bhugtan bhugtaan செலுத்த செலுத்து செலுத்தலாம் selutha seluththa
cash | नकद नक़द कैश nakad nakd ரொக்கம் rokkam
discount offer coupon | छूट chhoot choot chhut डिस्काउंट ऑफर ऑफ़र தள்ளுபடி thallupadi சலுகை salugai
sale | सेल விற்பனை virpanai
new first | नया नए नई naya naye nayi புதிய புது pudhiya puthiya pudhu
customer | ग्राहक grahak வாடிக்கையாளர் vaadikkaiyalar
gift | तोहफ़ा तोहफा उपहार tohfa uphaar gift பரிசு parisu
wash care | धुलाई धोना धोने dhulai dhona dhone துவை துவைக்க thuvai thuvaikka
damaged torn defective | फटा फटी फट टूटा टूटी खराब ख़राब phata phati toota tooti kharab kharaab கிழிந்த கிழிஞ்ச
damaged torn defective | kizhindha sethamana சேதமான
wrong | गलत ग़लत galat ghalat தவறான தப்பான thavarana thappana
quality | क्वालिटी गुणवत्ता quality தரம் tharam
saree | साड़ी साडी saadi saadee sadi sari புடவை சேலை pudavai selai
dupatta | चुन्नी ओढ़नी chunni odhni
veshti dhoti | धोती dhoti வேட்டி vetti veshti mundu
bedsheet | चादर chadar chaadar படுக்கை விரிப்பு bedsheet
towel | तौलिया tauliya towel துண்டு thundu
cushion cover | तकिया takiya
handloom | हथकरघा hathkargha கைத்தறி kaithari
silk | रेशम रेशमी resham reshmi பட்டு pattu
cotton | सूती suti sooti பருத்தி paruthi
red | लाल lal laal சிவப்பு சிவப்பான sivappu sigappu
blue | नीला नीली नीले neela neeli நீலம் நீல neelam neela
green | हरा हरी हरे hara hari பச்சை pachai pacha
white | सफ़ेद सफेद safed sufed வெள்ளை vellai
black | काला काली काले kala kaala kali கருப்பு கறுப்பு karuppu
yellow | पीला पीली peela peeli மஞ்சள் manjal
pink | गुलाबी gulabi இளஞ்சிவப்பு ilanjivappu
gold golden | सुनहरा सुनहरी sunehra sunehri தங்க தங்கம் thanga thangam
purple | बैंगनी baingani ஊதா oodha
brown | भूरा भूरी bhura bhoora பழுப்பு pazhuppu
grey gray | स्लेटी सलेटी sleti saleti சாம்பல் saambal
big large | बड़ा बड़ी bada badi பெரிய periya
small | छोटा छोटी chhota chota choti சின்ன சிறிய chinna siriya
men | पुरुष मर्द mard gents ஆண் ஆண்கள் aangal
women | महिला औरत ladies mahila பெண் பெண்கள் pengal
kids children | बच्चे बच्चों बच्चा bachche bacche bachon குழந்தை குழந்தைகள் kuzhandhai kuzhanthai
talk contact person human | बात baat इंसान insaan आदमी aadmi मनुष्य பேச பேசணும் pesa pesanum மனிதர் ஆள் manidhar aal
phone call | फोन फ़ोन कॉल phone call அழை azhai
account | खाता khata கணக்கு kanakku
bill invoice | बिल bill பில் rasid रसीद
stitch tailoring | सिलाई silai सिला தையல் thaiyal
fabric cloth | कपड़ा कपड़े kapda kapde kapda துணி thuni
wedding | शादी shaadi shadi विवाह கல்யாணம் திருமணம் kalyanam thirumanam
festive festival | त्योहार tyohar tyohaar பண்டிகை pandigai
deepavali diwali | दिवाली दीवाली दीपावली diwali deewali தீபாவளி deepavali
abroad international | विदेश videsh வெளிநாடு velinaadu
bulk wholesale | थोक thok மொத்த moththa motha
track | ट्रैक ट्रैकिंग track tracking
late delay | देर deri der late தாமதம் thaamadham
redeem apply | use istemal इस्तेमाल உபயோக பயன்படுத்த
international abroad | overseas foreign uae dubai usa uk london singapore canada australia gulf
"""


def _indic_prefix(form: str) -> str:
    """The form without its last virama, so that an inflected word (virama replaced by a vowel sign) still
    starts with it: "நாட்கள்" → "நாட்கள" matches "நாட்களில்"."""
    return form[:-1] if form and form[-1] in "\u094d\u09cd\u0a4d\u0acd\u0b4d\u0bcd\u0c4d\u0ccd\u0d4d" else form


class Glossary:
    def __init__(self, entries: str = _ENTRIES) -> None:
        self._latin: dict[str, tuple[str, ...]] = {}
        self._indic_exact: dict[str, tuple[str, ...]] = {}
        self._indic_prefix: list[tuple[str, tuple[str, ...]]] = []
        # Romanized forms by sound key, for scripts the list doesn't spell out ("દિવાળી" sounds like "diwali").
        by_sound: dict[str, set[tuple[str, ...]]] = {}
        for line in entries.strip().splitlines():
            english, _, forms = line.partition("|")
            targets = tuple(dict.fromkeys(stem(w) for w in english.split()))
            for raw in forms.split():
                form = normalize(raw)
                if is_indic(form):
                    self._indic_exact[form] = targets
                    self._indic_exact[indic_stem(form)] = targets
                    prefix = _indic_prefix(form)
                    if len(prefix) >= 3:
                        self._indic_prefix.append((prefix, targets))
                else:
                    self._latin[form] = targets
                    self._latin[stem(form)] = targets
                    key = sound_key(form)
                    if key and len(key.lstrip("_")) >= 3:
                        by_sound.setdefault(key, set()).add(targets)
        self._indic_prefix.sort(key=lambda pair: len(pair[0]), reverse=True)
        self._sound = {key: next(iter(t)) for key, t in by_sound.items() if len(t) == 1}

    def expand(self, token: str) -> tuple[str, ...]:
        """English terms (stemmed) for one normalised token, or () when the glossary doesn't know it."""
        if is_indic(token):
            hit = self._indic_exact.get(token) or self._indic_exact.get(indic_stem(token))
            if hit:
                return hit
            for prefix, targets in self._indic_prefix:
                if token.startswith(prefix):
                    return targets
            key = sound_key(token)
            return self._sound.get(key, ()) if key else ()
        return self._latin.get(token) or self._latin.get(stem(token)) or ()


GLOSSARY = Glossary()
