"""Text normalization shared by the knowledge base index and the questions.

Arabic: NFKC, diacritics and tatweel removed, hamza-carrying letters reduced to their base letter (أ إ آ ٱ → ا,
ؤ → و, ئ → ي), ى → ي, Arabic-Indic digits → Western, light10 stemming, then ة → ه (after stemming, so that
suffix stripping still sees the ة). Latin script: accents folded, case folded, Arabizi digits read as letters,
French words stemmed with Snowball.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# pyarabic.araby.normalize_hamza would turn hamza-on-alef into a bare ء (العائلية → العاءلية); map to the base letter.
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ک": "ك",
        "ی": "ي",
        "ڤ": "ف",
        "ڭ": "ك",
        "گ": "ك",
        "’": "'",
    }
)
# Arabic diacritics (harakat, tanwin, shadda, sukun, dagger alef, Quranic marks), tatweel, and the combining marks
# left after decomposing accented Latin letters. One regex: per-character Python loops are ten times slower.
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u0300-\u036f]")
_FOLD = {**_ARABIC_DIGITS, **_LETTERS}
_TOKEN = re.compile(r"[\w']+", re.UNICODE)
_ARABIC_CHAR = re.compile(r"[\u0600-\u06FF]")
_HAS_DIGIT = re.compile(r"\d")
_HAS_LETTER = re.compile(r"[^\W\d_]")
# Arabizi writes some Arabic letters with digits: 3 = ع, 7 = ح, 9 = ق, 5 = خ, 2 = ء, 8 = غ.
_ARABIZI_DIGITS = (("5", "kh"), ("7", "h"), ("9", "q"), ("3", "a"), ("8", "gh"), ("2", ""))

# Larkey's light10 stemmer, with the Darija "ف" + article ("فالمدرسة") among the prefixes.
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")

_french = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Letter-level normalization, no tokenization: what both sides of every comparison go through."""
    # NFKD splits compatibility forms and accents off their letters, and the hamza off its carrier
    # (أ → ا + U+0654, ئ → ي + U+0654): dropping the marks then leaves the base letter, as wanted.
    text = unicodedata.normalize("NFKD", text).translate(_FOLD)
    return _MARKS.sub("", text).casefold()


def is_arabic(token: str) -> bool:
    return bool(_ARABIC_CHAR.search(token))


def stem_arabic(word: str) -> str:
    """Larkey's light10: one leading و, one article-like prefix, then the suffixes, keeping 2+ letters."""
    if len(word) > 3 and word.startswith("و"):
        word = word[1:]
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word.replace("ة", "ه")


def stem_latin(word: str) -> str:
    if _HAS_DIGIT.search(word) and _HAS_LETTER.search(word):
        for digit, letters in _ARABIZI_DIGITS:
            word = word.replace(digit, letters)
    word = word.replace("'", "")
    if len(word) <= 3:
        return word
    return _french.stemWord(word)


def stem(token: str) -> str:
    return stem_arabic(token) if is_arabic(token) else stem_latin(token)


def raw_tokens(text: str) -> list[str]:
    """Folded tokens before stemming; French elisions (l', d', qu') split off."""
    out: list[str] = []
    for token in _TOKEN.findall(fold(text)):
        if "'" in token and not is_arabic(token):
            head, _, tail = token.rpartition("'")
            if head in {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu"}:
                token = tail
        token = token.strip("'_")
        if token:
            out.append(token)
    return out


@lru_cache(maxsize=65536)
def stem_cached(token: str) -> str:
    return stem(token)


def terms(text: str, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """The stemmed content terms of a text, stopwords removed (stopwords are given folded, unstemmed)."""
    return [stem_cached(t) for t in raw_tokens(text) if t not in stopwords and len(t) > 1]
