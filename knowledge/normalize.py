"""Text normalization shared by the knowledge base index and the questions.

Arabic: NFKC, diacritics and tatweel removed, hamza-carrying letters reduced to their base letter (أ إ آ ٱ → ا,
ؤ → و, ئ → ي), ى → ي, Arabic-Indic digits → Western, light10 stemming, then ة → ه (after stemming, so that
suffix stripping still sees the ة). Latin script: accents folded, case folded, Arabizi digits read as letters,
French words stemmed with Snowball. Arabizi words read in Arabic letters (arabizi_to_arabic), and French words given a
rough sound key that Darija spellings share (french_sounds: dosie ~ dossier, konji ~ congé).
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
# French words whose Snowball stem is another matter's word once accents are folded: communiqué(s) and
# communication would both be "commun", a commune.
_FRENCH_STEM_KEPT = (("communiq", "communiqu"), ("communica", "communicat"))


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
    for start, kept in _FRENCH_STEM_KEPT:
        if word.startswith(start):
            return kept
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


# Arabizi → Arabic letters. Digraphs are read before single letters; digits stand for the letters Latin lacks.
_ARABIZI_DIGRAPHS = (("kh", "خ"), ("gh", "غ"), ("ch", "ش"), ("sh", "ش"), ("ou", "و"), ("th", "ت"), ("dh", "د"))
_DIGRAPH_LETTERS = dict(_ARABIZI_DIGRAPHS)
_ARABIZI_LETTERS = {
    "b": "ب", "p": "ب", "t": "ت", "j": "ج", "d": "د", "r": "ر", "z": "ز", "s": "س", "c": "ك", "f": "ف", "v": "ف",
    "q": "ق", "k": "ك", "g": "ك", "l": "ل", "m": "م", "n": "ن", "h": "ه", "w": "و", "y": "ي", "x": "كس",
    "2": "ء", "3": "ع", "4": "ع", "5": "خ", "6": "ط", "7": "ح", "8": "غ", "9": "ق",
}
_ARABIZI_VOWELS = {"a": "ا", "e": "", "i": "ي", "o": "و", "u": "و", "é": "ي"}
_HAMZA_SEATS = {"a": "ا", "e": "ي", "i": "ي", "é": "ي", "o": "و", "u": "و"}
_PLURAL_ENDINGS = ("at", "in", "un")
_SUN_LETTERS = "tdrzsnlj"  # as Arabizi spells them; ch, sh, d and t also stand for the emphatic ones
_LATIN_WORD = re.compile(r"[a-z0-9]+")


def _arabizi_letters(word: str, short: str) -> str:
    """One reading of a Latin word in Arabic letters. ``short``: the vowels that, inside the word, are read short
    (not written); the others are written long (a → ا, i → ي, o/u/ou → و). e is never written."""
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        letter = _DIGRAPH_LETTERS.get(word[i : i + 2])
        if letter is not None:
            if letter == "و" and "o" in short and i > 0 and i + 2 < n and not (i + 3 == n and word[-1] == "n"):
                letter = ""
            out.append(letter)
            i += 2
            continue
        c = word[i]
        if c == "2":  # the hamza: on the seat its vowel asks for (2i → ئ → ي, 2o → ؤ → و), alone before a consonant
            # the seat of the stronger vowel around it (i, then u, then a): ra2is → رئيس, mo2assasa → مؤسسة
            around = {word[i - 1] if i else "", word[i + 1] if i + 1 < n else ""}
            seat = next((_HAMZA_SEATS[v] for v in "ieéuoa" if v in around), None) if word[i + 1 : i + 2] else None
            if seat is None:
                out.append("ء")
                i += 1
                continue
            if not (out and out[-1] == seat):
                out.append("ا" if i == 0 else seat)
            i += 2
            continue
        if c in _ARABIZI_VOWELS:
            if out and out[-1] == _ARABIZI_VOWELS[c] and c in "aiou":  # a long vowel written twice: aa, ii
                i += 1
                continue
            if i == 0:
                out.append("ا")  # a word never begins with a vowel in Arabic letters: it carries an alef
            elif i == n - 1 and c == "a":
                out.append("ة")
            elif c in short and 0 < i < n - 1 and not (i == n - 2 > 2 and word[-2:] in _PLURAL_ENDINGS):
                pass  # a short vowel; but the plural endings -at, -in, -un are long (lajnat → لجنات)
            else:
                out.append(_ARABIZI_VOWELS[c])
        else:
            letter = _ARABIZI_LETTERS.get(c, "")
            # doubled consonants: one letter (shadda); not two consonants with a short vowel between (sasa), but
            # y and w after the vowel they lengthen (iy, uw) are that vowel's letter
            if not (out and out[-1] == letter and (word[i - 1] not in _ARABIZI_VOWELS or c in "wy")):
                out.append(letter)
        i += 1
    return "".join(out)


@lru_cache(maxsize=32768)
def arabizi_to_arabic(word: str, literal: bool = False) -> tuple[str, ...]:
    """Readings of an Arabizi word (folded Latin letters and digits) in Arabic letters, most literal first (see
    _readings). x stands for ش (kifax, xno) or خ (xdma) as often as for ks: both are read, ks last. e, never written
    otherwise, is also read as the i it often stands for (bghet → بغيت, che → شي), after the other readings."""
    if "x" not in word and "e" not in word:
        return _readings(word, literal)
    words = [word.replace("x", "ch"), word.replace("x", "kh"), word] if "x" in word else [word]
    if "e" in word:
        words += [w.replace("e", "i") for w in words]
    return tuple(dict.fromkeys(r for w in words for r in _readings(w, literal)))


def _readings(word: str, literal: bool) -> tuple[str, ...]:
    """Readings of an Arabizi word (folded Latin letters and digits) in Arabic letters, most literal first:
    long vowels written (kayn → كاين), then a/o/u read short (lmudiriya → المديرية), then i too (imti7an →
    امتحان), then i short and a/o/u long (dirasa → دراسة), each also with a final a read as ا (daba → دابا). The
    plural endings -at, -in, -un are long (lajnat → لجنات); 2 is the hamza on its seat (ra2is → رئيس, folded). The
    article l-/el-/al- before a consonant is written ال (l9ism → القسم); glued to a preposition (flmadrasa) or
    before a vowel (lasatida), the word is also read with the article.
    ``literal``: only the first reading (and its final-a variant). Empty for a word that is not Latin letters
    and digits only."""
    if not _LATIN_WORD.fullmatch(word) or not _HAS_LETTER.search(word):
        return ()
    head, body = "", word
    for article in ("el", "al", "l"):
        rest = word[len(article) :]
        if word.startswith(article) and len(rest) >= 3 and rest[0] not in "aeiou" and rest[:2] != rest[0] * 2:
            head, body = "ال", rest
            break
    else:
        # the article before a sun letter is heard as that letter doubled: ttalamid, ssi7a, jjama3a (Darija)
        if len(word) >= 5 and word[0] == word[1] and word[0] in _SUN_LETTERS:
            head, body = "ال", word[1:]
    readings: list[str] = []
    # the modes that can differ: a/o/u read short only if the word has them, i short only if it has an i
    modes = ("",) if literal else ("", "aou", "aiou", "ie") if "i" in body else ("", "aou")
    for short in modes:
        reading = head + _arabizi_letters(body, short)
        readings.append(reading)
        if reading.endswith("ة"):
            readings.append(reading[:-1] + "ا")
            if reading.endswith("عة"):  # the a of 3 is its own vowel: m3a → مع
                readings.append(reading[:-1])
    if not literal and head == "":
        # glued to the word: a preposition and the article (flmadrasa, blkhdma: في/ب + ال), or the preposition l-
        # before a word that begins with a vowel (lasatida: لـ + الأساتذة); read after the word as written
        glued = next((p for p in _GLUED if word.startswith(p) and len(word) - len(p) >= 3), None)
        if glued is not None and word[len(glued)] not in "aeiou":
            readings += ["ال" + r for r in _readings(word[len(glued) :], False) if not r.startswith("ال")]
        elif word[0] == "l" and len(word) >= 5 and word[1] in "aiou":
            readings += ["ال" + r for r in _readings(word[1:], False)]
    return tuple(dict.fromkeys(r for r in readings if len(r) >= 2))


_GLUED = ("fel", "bel", "del", "fl", "bl", "dl")


# French words as Darija speakers spell them (dosie, atestasyon, konji, biro, salir, lmutasyon): both sides are
# reduced to a rough sound key. Order matters: groups of letters first, then single letters, then the endings.
_FRENCH_GROUPS = (
    ("eaux", "o"), ("eau", "o"), ("eur", "or"), ("au", "o"), ("ou", "U"), ("qu", "k"), ("ph", "f"), ("sh", "C"),
    ("ch", "C"), ("tion", "sion"), ("ai", "e"), ("ei", "e"), ("y", "i"), ("w", "U"), ("x", "ks"), ("gu", "g"),
)
_SOFT = re.compile(r"c(?=[eiy])")
_SOFT_G = re.compile(r"g(?=[ei])")
_SILENT_END = re.compile(r"(?:er|ez|et|[stxdz])$")
_FINAL_VOWELS = re.compile(r"[aeiouU]+$")
_SOUND_LETTERS = str.maketrans({"c": "k", "q": "k", "h": "", "z": "s", "e": "i", "u": "i"})
_MENT = re.compile(r"(?<=.{3})i?man$")
_NASAL = re.compile(r"[aei][nm](?=[^aeiouU]|$)")  # an, en, in alike: lanspektor, inspecteur


@lru_cache(maxsize=32768)
def french_sounds(word: str) -> tuple[str, ...]:
    """Rough sound keys of a Latin word, its last consonant silent or not: dossier, dosie → dos; attestation,
    atestasyon → atistasion; congé, konji → konj; bureau, biro → bir; salaire, salir → salir; certificat,
    certifika → sirtifik. Empty for words with digits or other scripts."""
    if not word.isascii() or not word.isalpha():
        return ()
    words = [word, word.replace("x", "ch")] if "x" in word else [word]  # x for ch as in Arabizi: xeque
    return tuple(dict.fromkeys(k for w in words for k in (_sound(_SILENT_END.sub("", w)), _sound(w)) if k))


def _sound(word: str) -> str:
    word = _SOFT.sub("s", word)
    word = _SOFT_G.sub("j", word)
    for group, sound in _FRENCH_GROUPS:
        word = word.replace(group, sound)
    word = _NASAL.sub("an", word)
    word = word.translate(_SOUND_LETTERS)
    word = word.replace("U", "o")  # ou, o and u (w) alike: sotien, soutien
    word = _FINAL_VOWELS.sub("", word)
    word = _MENT.sub("m", word)  # -ment as Darija says it: avancement, lavansma; mouvement, lmouvma
    return re.sub(r"(.)\1+", r"\1", word)
