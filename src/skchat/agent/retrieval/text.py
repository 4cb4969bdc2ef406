"""Tokens for retrieval in the store's languages: English, Hindi, Tamil and the other Indian scripts.

Three things are easy to get wrong and are done carefully here:
- Indic vowel signs and viramas are combining marks (Unicode category M), which `\\w` does not match: a naive
  `re.findall(r"\\w+")` cuts "कुर्ता" into pieces. Tokens here keep every mark.
- Numbers keep their digits: "₹1,999" and "1999" are the same token, a range "1-2" (any dash) is "1" and "2".
- Words in different scripts meet through a *sound key* (see `sound_key`), so "டெலிவரி", "डिलीवरी" and
  "delivery" match, as do "चंदेरी" and "Chanderi", without a transliteration dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type information

_STEMMER = Stemmer.Stemmer("english")

# A token: letters, digits and combining marks (Indic matras, viramas, nuktas), joined by ZWJ/ZWNJ.
_TOKEN = re.compile(r"[^\W_](?:[\w\u0300-\u036f\u0900-\u0dff\u200c\u200d]|'(?=[a-z]))*|[\u0900-\u0dff]+")
_THOUSANDS = re.compile(r"(?<=\d)[,\u066c\u2009\u202f](?=\d{2,3}\b)")

_INDIC_FIRST, _INDIC_LAST = 0x0900, 0x0DFF


def words(text: str) -> list[str]:
    """The whitespace-separated words of a multi-line literal (word lists stay readable in the source)."""
    return text.split()


# Function words that carry no topic, in English, Hinglish, Hindi and Tamil (romanized and native).
STOPWORDS: frozenset[str] = frozenset(
    words(
        """
    a an the and or but if of to in on at by for with from into about as is are was were be been being am do does
    did doing have has had having i me my mine we our us you your yours he him his she her it its they them their
    this that these those there here what which who whom whose when where why how can could would should will
    shall may might must not no nor so than too very just also any some all each both more most other such only
    own same s t don't doesn't didn't isn't aren't wasn't can't won't i'm it's what's that's there's please pls
    plz hi hello hey ok okay yes yeah sir madam maam ji bhai bhaiya yaar dear kindly tell know want need get got
    let like one much many thing things someone something anything still yet already now then today tomorrow
    yesterday hai hain ho hoga hogi honge tha thi kya kyu kyun kaise kaisa kaisi kab kahan kaha kon kaun koi kuch
    ka ki ke ko se mein mai main mera meri mere hum hamara humara aap aapka aapki aapke ap tum tumhara ye yeh wo
    woh vo isko usko iska uska na nahi nahin nhi haan han bhi toh par pe aur ya lekin kar karo karna karke karte
    karta karti kiya kiye gaya gayi gaye raha rahi rahe sakta sakte sakti diya dijiye dena dedo de chahiye chahie
    milega milegi mil jayega jaayega jayegi hota hoti hote है हैं हो होगा होगी था थी थे क्या क्यों कैसे कैसा कैसी
    कब कहाँ कहां कौन कोई कुछ का की के को से में मैं मेरा मेरी मेरे हम हमारा आप आपका आपकी आपके तुम यह ये वह वो इस
    उस इसका उसका ना नहीं हाँ हां भी तो पर और या लेकिन कर करो करना करके करते करता करती किया गया गयी गई गए रहा रही
    रहे सकता सकते सकती दीजिए चाहिए मिलेगा मिलेगी जी कृपया நான் நாங்கள் நீங்கள் நீ அது இது அந்த இந்த என் என்ன
    எப்படி எப்போது எங்கே யார் ஏன் உங்கள் உங்க ஒரு மற்றும் அல்லது ஆனால் இருக்கு இருக்கா இருக்கிறது உள்ளது உண்டா
    உண்டு வேண்டும் முடியுமா தயவுசெய்து naan naanga neenga nee adhu idhu andha indha en enna eppadi eppo enge yen
    unga ungal oru irukku irukka irukkaa undaa unda venum mudiyuma mudiyumaa konjam kitna kitne kitni lagta lagti
    lagte lagega lagegi lagenge aana aane aata aati aate wala wali wale abhi कितना कितने कितनी लगता लगती लगते
    लगेगा लगेगी लगेंगे आना आने वाला वाली वाले अभी
        """
    )
)


def normalize(text: str) -> str:
    """NFC, case-folded Latin, plain dashes and no thousands separators inside numbers."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    text = _THOUSANDS.sub("", text)
    return text.casefold()


def raw_tokens(text: str) -> list[str]:
    """The words and numbers of `text`, normalised, marks kept, stopwords included."""
    return _TOKEN.findall(normalize(text))


def is_indic(token: str) -> bool:
    return any(_INDIC_FIRST <= ord(ch) <= _INDIC_LAST for ch in token)


def is_latin(token: str) -> bool:
    return token.isascii() and any(ch.isalpha() for ch in token)


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """English Snowball stem for Latin words (cheap and harmless on Hinglish); Indic words get a light
    suffix strip (see `indic_stem`); numbers are kept as they are."""
    if is_latin(token):
        return str(_STEMMER.stemWord(token.replace("'", "")))
    if is_indic(token):
        return indic_stem(token)
    return token


def terms(text: str) -> list[str]:
    """Content terms of `text`: stemmed, stopwords removed."""
    return [stem(t) for t in raw_tokens(text) if t not in STOPWORDS]


# Light inflection stripping, longest suffix first (Ramanathan & Rao's light stemmer for Hindi; common
# Tamil case and clitic endings). It only needs to bring a word and its inflected forms to one key.
_HINDI_SUFFIXES = sorted(
    words(
        """
    ाएंगी ाएंगे ाऊंगी ाऊंगा ाइयाँ ाइयों ाइयां ुओं ियों ियाँ ियां ाओं ाएं ाओ ाई ाए ीं ें ों ाँ ां ीय ो े ू ु ी ि ा
        """
    ),
    key=len,
    reverse=True,
)
_TAMIL_SUFFIXES = sorted(
    words(
        """
    களுக்கு களில் களை கள் க்கு த்தில் த்தை த்துக்கு ிலிருந்து லிருந்து ிடம் ுடன் ோடு ிற்கு ில் ுக்கு ுக்கா க்கா
    ுமா ுமே ும் ிலா ாவது ையா ைய ை ா ோ ே
        """
    ),
    key=len,
    reverse=True,
)


_HINDI_VERBAL = ("ने", "ना", "नी")  # infinitive/oblique endings: "पहुँचने" → "पहुँच", but "पटना" stays


def indic_stem(token: str) -> str:
    first = ord(token[0])
    hindi = 0x0900 <= first <= 0x097F
    if hindi:
        for suffix in _HINDI_VERBAL:
            if token.endswith(suffix) and len(token) - len(suffix) >= 3:
                return token[: -len(suffix)]
    suffixes = _TAMIL_SUFFIXES if 0x0B80 <= first <= 0x0BFF else _HINDI_SUFFIXES if hindi else ()
    for suffix in suffixes:
        if token.endswith(suffix) and len(token) - len(suffix) >= 2:
            return token[: -len(suffix)]
    return token


# --- sound keys -------------------------------------------------------------------------------------------
# All nine main Indic blocks (Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada,
# Malayalam) share one layout (from ISCII): the same offset is the same sound. A consonant maps to a coarse
# class: voicing, aspiration, retroflexion and vowels are dropped, because romanizations disagree on them.
_CLASS_BY_OFFSET: dict[int, str] = {}
for _offsets, _cls in (
    ((0x15, 0x16, 0x17, 0x18, 0x58, 0x59, 0x5A, 0x7F), "K"),
    ((0x1A, 0x1B, 0x1C, 0x1D, 0x36, 0x37, 0x38, 0x5B), "S"),
    ((0x1F, 0x20, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27), "T"),
    ((0x19, 0x1E, 0x23, 0x28, 0x29, 0x2E, 0x01, 0x02, 0x7A, 0x7B), "N"),
    ((0x2A, 0x2B, 0x2C, 0x2D, 0x5E), "P"),
    ((0x2F, 0x5F), "Y"),
    ((0x30, 0x31, 0x5C, 0x5D, 0x7C), "R"),
    ((0x32, 0x33, 0x34, 0x7D, 0x7E), "L"),
    ((0x35,), "P"),  # v/w merge with p/b/bh: Bengali writes "delivery" with bha
):
    for _o in _offsets:
        _CLASS_BY_OFFSET[_o] = _cls

_LATIN_DIGRAPHS = {"ch": "S", "sh": "S", "zh": "L", "th": "T", "dh": "T", "kh": "K", "gh": "K", "ph": "P"}
_LATIN_DIGRAPHS |= {"bh": "P", "ck": "K", "jh": "S", "ks": "KS"}
_LATIN_SINGLE = {"b": "P", "d": "T", "f": "P", "g": "K", "j": "S", "k": "K", "l": "L", "m": "N", "n": "N"}
_LATIN_SINGLE |= {"p": "P", "q": "K", "r": "R", "s": "S", "t": "T", "v": "P", "x": "KS", "z": "S"}
_VOWELS = frozenset("aeiouy")


def _latin_classes(word: str) -> list[str]:
    out: list[str] = ["_"] if word[0] in "aeiou" else []
    i, n = 0, len(word)
    while i < n:
        pair = word[i : i + 2]
        ch = word[i]
        if pair in _LATIN_DIGRAPHS:
            out.append(_LATIN_DIGRAPHS[pair])
            i += 2
            continue
        if ch == "c":
            out.append("S" if i + 1 < n and word[i + 1] in "eiy" else "K")
        elif ch in "yw":
            if i + 1 < n and word[i + 1] in "aeiou":  # a semivowel only before a vowel: "kya", "diwali"
                out.append("Y" if ch == "y" else "P")
        elif ch in _LATIN_SINGLE:
            out.append(_LATIN_SINGLE[ch])
        i += 1
    return out


def _indic_classes(word: str) -> list[str]:
    # A word that starts with an independent vowel keeps a mark of it: "option" must not meet "पटना".
    out: list[str] = ["_"] if 0x04 <= ord(word[0]) & 0x7F <= 0x14 or 0x60 <= ord(word[0]) & 0x7F <= 0x61 else []
    for ch in word:
        code = ord(ch)
        if not _INDIC_FIRST <= code <= _INDIC_LAST:
            continue
        cls = _CLASS_BY_OFFSET.get(code & 0x7F if code < 0x0D80 else -1)
        if code == 0x09CE:  # Bengali khanda ta
            cls = "T"
        if cls:
            out.append(cls)
    return out


@lru_cache(maxsize=65536)
def sound_key(token: str) -> str | None:
    """A coarse consonant skeleton shared across scripts, or None when too short to be trusted.

    "chanderi" and "चंदेरी" → "SNTR"; "cotton", "காட்டன்" and "കോട്ടൺ" → "KTN"; "dupatta" and "துப்பட்டா"
    → "TPT". Doubled classes collapse, `h` is dropped (aspiration), nasals merge, v/b/p merge, and a `y`
    after a consonant is dropped.
    """
    if token.isdigit():
        return None
    if is_indic(token):
        classes = _indic_classes(token)
    elif is_latin(token):
        classes = _latin_classes(token)
    else:
        return None
    collapsed: list[str] = []
    for cls in classes:
        if cls == "Y" and collapsed and collapsed[-1] not in ("_", "Y"):
            continue  # "kya", "क्या", Bengali "ক্যাশ": y after a consonant is a glide romanizations drop
        if not collapsed or collapsed[-1] != cls:
            collapsed.append(cls)
    if len(collapsed) - (collapsed[:1] == ["_"]) < 2:
        return None
    return "".join(collapsed)
