"""The office finder: "which office handles this?" for questions in Arabic, Darija, Arabizi and French.

Ranking combines two kinds of evidence over each office's names, summary, task lines and keywords:
- lexical: BM25 over stemmed terms and adjacent-term pairs, with field weights (keywords and names weigh more
  than task lines), after the question is expanded through the synonym table (plurals, Darija, Arabizi, French
  → the formal Arabic term);
- fuzzy: a question word the index does not know is matched to the closest known words with rapidfuzz
  (misspellings, Arabizi variants), weighted by similarity;
- Arabizi read in Arabic letters: in a question written in Arabizi (digits among letters, or Darija function words
  such as dyal, kifach), Latin words are also read in Arabic letters (normalize.arabizi_to_arabic): a reading that
  is an Arabic stopword drops the word (kayn → كاين, lmudiriya → المديرية), and a reading that is a known Arabic
  word, or fits one with the same consonants, brings that word's term (l7irassa → الحراسة, ssi7a → الصحة); stopwords
  are compared as Arabizi spells them back (khass → خاس: خاص), k and g may stand for ق (kism), and a Darija verb
  with its affixes (kaytdfa3o → دفع) is weak evidence for its root;
- French words spelled as Darija says them (dosie, atestasyon, konji, lmutasyon) meet the French terms of the same
  rough sound (normalize.french_sounds).
The finder abstains when the evidence is weak, or when the question carries out-of-scope cues and little else.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

from rapidfuzz import fuzz, process

from knowledge.loader import Directory
from knowledge.normalize import arabizi_to_arabic, fold, french_sounds, is_arabic, raw_tokens, stem_cached
from knowledge.schema import Office, Service, Task

# Field weights: a keyword or an office name says more about an office than one word of a long task line.
NAME_WEIGHT = 2.0
KEYWORD_WEIGHT = 2.5
SUMMARY_WEIGHT = 1.0
TASK_WEIGHT = 1.0
PAIR_BONUS = 1.0  # a pair of adjacent terms found together counts this much more than its words alone
SYNONYM_WEIGHT = 1.0
K1 = 1.2
B = 0.5  # mild length normalization: offices with many task lines should not be drowned, nor win by size
FUZZY_CUTOFF = 84.0
MAX_NGRAM = 4
SKELETON_WEIGHT = 0.6
KNOWN_FUZZY_FACTOR = 0.5
KNOWN_PREFIX = 3  # a known word's neighbours are looked for among the words that begin like it
# Switches for each matching mechanism, all on; turning one off (in a bench session) measures what it brings.
ARABIZI_AS_ARABIC = True
ARABIZI_BRIDGE = True
ARABIZI_FIT = 70.0  # how well an Arabizi reading's vowels must fit a known Arabic word of the same consonants
ARABIZI_FIT_SHORT = 75.0
ARABIZI_KNOWN_WEIGHT = 0.5
ARABIZI_BUCKET_CONSONANTS = 4  # a Latin word without digits is matched on consonants alone from this many on
ARABIZI_SHORT_READING = 6  # shorter Latin words are read with all their vowels long only (voie is not في)
ARABIZI_STOPWORD_LENGTH = 10  # longer Latin words are not looked up among the Arabic stopwords
ARABIZI_VERBS = True
FRENCH_SOUNDS = True
FRENCH_SOUND_LENGTH = 4  # shorter sound keys match too many words
STRENGTH_SCALE = 8.0  # a best-office score of this size gives 63% of full strength
RIVAL_SHARE = 0.55  # "not us" scoring above this share of the best office weighs extra against it
RIVAL_SLOPE = 1.5
BUILT_PARTS = ("_stopwords", "_written", "_synonyms", "_task_terms", "_index")


@dataclass(frozen=True)
class Candidate:
    """An office the question may belong to, with the task lines that justify it."""

    office: Office
    service: Service
    score: float
    evidence: tuple[Task, ...]


@dataclass(frozen=True)
class Answer:
    question: str
    best: Candidate | None  # None: the finder abstains
    alternatives: tuple[Candidate, ...]
    confidence: float

    @property
    def abstained(self) -> bool:
        return self.best is None


@dataclass
class _Index:
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    idf: dict[str, float] = field(default_factory=dict)
    # Known words as written (folded, not stemmed) by length, for the fuzzy step: a word can only reach the cutoff
    # against similar lengths. Comparing written forms is fairer than stems (atestasion ~ attestation, not ~ attest).
    # Keyed by (Arabic script?, length): an Arabic word is never within the cutoff of a Latin one.
    by_length: dict[tuple[bool, int], list[str]] = field(default_factory=lambda: defaultdict(list))
    by_prefix: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    stem_of: dict[str, str] = field(default_factory=dict)
    # Arabizi spells vowels as it likes (nsajjal, nsjel, tsjil): Latin words by their consonant skeleton.
    by_skeleton: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Arabic words as written, by consonant classes, for Arabizi written with Latin letters (see latin_consonants):
    # an Arabizi word read in Arabic letters picks the one its vowels fit best (lmudiriya → المديرية, not المدار).
    written_by_consonants: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # Terms of the French texts (names, summaries, task lines, French keywords): a Latin word with one of these
    # terms is French, not Arabizi to be read in Arabic letters (internat is not انترنت).
    french: set[str] = field(default_factory=set)
    # Arabic words as Arabizi spells them back (see _plain), for an exact reading: lmadrasa → مدرسه → المدرسة.
    by_plain: dict[str, str] = field(default_factory=dict)
    # Arabic terms (stems) as Arabizi spells them back: a reading stemmed meets them (dirasa → دراسة → دراس).
    by_plain_stem: dict[str, str] = field(default_factory=dict)
    plain_of: dict[str, str] = field(default_factory=dict)  # _plain of each Arabic word of written_by_consonants
    # French terms by their rough sound (normalize.french_sounds), for French words spelled as Darija says them:
    # dosie → dossier, konji → congé, atestasyon → attestation.
    by_sound: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


class OfficeFinder:
    """Built once from the knowledge base; ``find`` is pure and safe to call from many tasks."""

    def __init__(
        self,
        directory: Directory,
        *,
        min_score: float = 4.0,
        min_confidence: float = 0.3,
        alternatives: int = 3,
        built: dict[str, Any] | None = None,
    ) -> None:
        """``built``: what :meth:`built` returned for this very knowledge base (see knowledge.compiled)."""
        self.directory = directory
        self.min_score = min_score
        self.min_confidence = min_confidence
        self.max_alternatives = alternatives
        self._offices: list[tuple[Service, Office]] = list(directory.offices())
        if built is not None:
            for name in BUILT_PARTS:
                setattr(self, name, built[name])
            self._spelled_stopwords = _spelled(self._stopwords)
            self._spelled_length = _longest(self._spelled_stopwords)
            self._task_lines = _task_lines(self._task_terms)
            return
        data = directory.data
        self._stopwords = frozenset(fold(w) for w in data.stopwords)
        self._written: set[str] = set()  # every word of the index as written, for the fuzzy step
        self._memo: dict[str, list[str]] = {}  # texts already analysed while building (task lines are read twice)
        self._synonyms = self._phrase_table((v, s.canonical) for s in data.synonyms for v in s.variants)
        self._task_terms: list[list[frozenset[str]]] = []
        self._index = self._build()
        self._memo.clear()
        self._spelled_stopwords = _spelled(self._stopwords)
        self._spelled_length = _longest(self._spelled_stopwords)
        self._task_lines = _task_lines(self._task_terms)

    def built(self) -> dict[str, Any]:
        """The index and the tables built from the knowledge base: plain data, picklable."""
        return {name: getattr(self, name) for name in BUILT_PARTS}

    # ------------------------------------------------------------------ building

    def _terms(self, text: str) -> list[str]:
        found = self._memo.get(text)
        if found is None:
            words = [t for t in raw_tokens(text) if t not in self._stopwords and len(t) > 1]
            self._written.update(words)
            found = self._memo[text] = [stem_cached(t) for t in words]
        return found

    def _phrase_table(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, ...], list[str]]:
        table: dict[tuple[str, ...], list[str]] = {}
        for variant, canonical in pairs:
            key = tuple(self._terms(variant))
            if key and len(key) <= MAX_NGRAM:
                table.setdefault(key, []).extend(self._terms(canonical))
        return table

    @staticmethod
    def _with_pairs(terms: list[str]) -> Counter[str]:
        bag: Counter[str] = Counter(terms)
        for left, right in pairwise(terms):
            bag[f"{left} {right}"] += PAIR_BONUS
        return bag

    def _build(self) -> _Index:
        index = _Index()
        documents: list[Counter[str]] = []
        for _service, office in self._offices:
            fields: list[tuple[str, float]] = [
                (office.name_ar, NAME_WEIGHT),
                (office.name_fr, NAME_WEIGHT),
                (office.summary_ar or "", SUMMARY_WEIGHT),
                (office.summary_fr or "", SUMMARY_WEIGHT),
            ]
            fields += [(k, KEYWORD_WEIGHT) for k in office.keywords.all()]
            task_terms = []
            for task in office.tasks:
                fields += [(task.ar, TASK_WEIGHT), (task.fr, TASK_WEIGHT)]
                task_terms.append(frozenset(self._terms(task.ar)) | frozenset(self._terms(task.fr)))
            self._task_terms.append(task_terms)
            french = [office.name_fr, office.summary_fr or "", *office.keywords.fr, *(t.fr for t in office.tasks)]
            for text in french:
                index.french.update(self._terms(text))
            documents.append(self._document(fields))
        # The "not us" profile competes like one more office; it is never answered.
        documents.append(self._document([(cue, KEYWORD_WEIGHT) for cue in self.directory.data.out_of_scope.all()]))
        lengths = [sum(d.values()) for d in documents]
        average = sum(lengths) / len(lengths)
        n_docs = len(documents)
        frequency: Counter[str] = Counter(term for d in documents for term in d)
        for term, df in frequency.items():
            index.idf[term] = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        for doc_id, (doc, length) in enumerate(zip(documents, lengths, strict=True)):
            norm = K1 * (1 - B + B * length / average)
            for term, tf in doc.items():
                index.postings[term].append((doc_id, tf * (K1 + 1) / (tf + norm)))
        for word in sorted(self._written):
            term = stem_cached(word)
            if len(word) > 3 and term in index.idf:
                index.stem_of[word] = term
                index.by_length[is_arabic(word), len(word)].append(word)
                index.by_prefix[word[:KNOWN_PREFIX]].append(word)
                if not is_arabic(word) and len(skeleton := _skeleton(word)) >= 3:
                    index.by_skeleton[skeleton].add(term)
                if term in index.french:
                    for sound in french_sounds(word):
                        if len(sound) >= FRENCH_SOUND_LENGTH:
                            index.by_sound[sound].add(term)
                if is_arabic(word) and len(arabic_consonants(word)) >= 2:
                    # ظ sounds like ض in Darija, so Arabizi writes it d as often as z (nidam, mowadaf, tadallum):
                    # a word with ظ is also found as spelled with ض.
                    for spelled, stem_spelled in ((word, term), *_zah_as_dad(word, term)):
                        index.stem_of.setdefault(spelled, term)
                        index.written_by_consonants[arabic_consonants(spelled)].append(spelled)
                        plain = index.plain_of[spelled] = _plain(spelled)
                        index.by_plain.setdefault(plain, term)
                        index.by_plain_stem.setdefault(_plain(stem_spelled), term)
        return index

    @lru_cache(maxsize=32768)  # noqa: B019 — one finder lives as long as the process; the cache is bounded
    def _fuzzy(self, word: str, known: bool = False) -> tuple[tuple[str, float], ...]:
        """Terms of known words within the fuzzy cutoff of a written word, with their similarity 0..1. For a word the
        index knows already, only the words that begin like it are compared (cheap, and enough for word forms)."""
        pool = self._index.by_prefix.get(word[:KNOWN_PREFIX], ()) if known else self._pool(is_arabic(word), len(word))
        found = process.extract(word, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=2)
        return tuple((self._index.stem_of[match], similarity / 100) for match, similarity, _ in found)

    @lru_cache(maxsize=128)  # noqa: B019 — a handful of lengths: each pool built once, not on every miss
    def _pool(self, arabic: bool, size: int) -> list[str]:
        """Known written words whose length lets them reach the fuzzy cutoff against a word of ``size``."""
        # fuzz.ratio of lengths a and b is at most 200·min(a, b)/(a + b): other lengths can never reach the cutoff
        lengths = [n for n in range(1, 2 * size + 1) if 200 * min(n, size) / (n + size) >= FUZZY_CUTOFF]
        return [w for length in lengths for w in self._index.by_length.get((arabic, length), ())]

    def _document(self, fields: list[tuple[str, float]]) -> Counter[str]:
        doc: Counter[str] = Counter()
        for text, weight in fields:
            for term, count in self._with_pairs(self._terms(text)).items():
                doc[term] += weight * count
        return doc

    # ------------------------------------------------------------------ querying

    def _analyze(self, question: str) -> tuple[list[tuple[str, str]], bool]:
        """(folded token, stem) pairs of the question's content words, and whether the question is Arabizi (then
        its Latin words are also read in Arabic letters)."""
        tokens = raw_tokens(question)
        arabizi = any(self._arabizi_marker(t) for t in tokens)
        return [
            (token, stem_cached(token))
            for token in tokens
            if token not in self._stopwords
            and len(token) > 1
            and not (arabizi and self._arabizi_stopword(token))
        ], arabizi

    @lru_cache(maxsize=32768)  # noqa: B019 — see _fuzzy; results are shared: never mutate them
    def _arabizi_marker(self, token: str) -> bool:
        """A word only Arabizi writes: letters with digits (3la, ta7t; not 3e, 6h, cm1), or a Darija function word
        (dyal, kifach)."""
        if is_arabic(token) or _FRENCH_NUMBERED.fullmatch(token):
            return False
        if _DIGIT_AND_LETTER.search(token):
            return True
        return (
            len(token) >= 3
            and stem_cached(token) not in self._index.french  # a word of the French texts: French (valider)
            and not _french_looking(token)
            and self._spells_stopword(arabizi_to_arabic(token, literal=True))
        )

    def _spells_stopword(self, readings: Iterable[str]) -> bool:
        """One of the readings is an Arabic stopword, emphatic letters read as plain ones (khass → خاس: خاص)."""
        spelled = self._spelled_stopwords
        longest = self._spelled_length
        return any(r in self._stopwords or (len(r) <= longest and _plain(r) in spelled) for r in readings)

    @lru_cache(maxsize=32768)  # noqa: B019 — see _fuzzy; results are shared: never mutate them
    def _arabizi_stopword(self, token: str) -> bool:
        """An Arabizi function word: one of its readings in Arabic letters is a stopword (kayn → كاين, lmudiriya →
        المديرية). Short words are read literally only, and words with more vowels than consonants that begin with
        a vowel are French (an, eau, année), not Arabizi."""
        if is_arabic(token) or len(token) > ARABIZI_STOPWORD_LENGTH or _french_looking(token):
            return False
        if self._spells_stopword(arabizi_to_arabic(token, literal=len(token) < ARABIZI_SHORT_READING)):
            return True
        # the aspect prefix ka-/ta- before the person (kaydir, kanchof, tandir): the verb without it
        return token[:3] in _ASPECT_PREFIXES and self._spells_stopword(arabizi_to_arabic(token[2:], literal=True))

    @lru_cache(maxsize=32768)  # noqa: B019 — see _fuzzy; results are shared: never mutate them
    def _arabizi_known(self, token: str) -> list[str]:
        """Known Arabic terms for an Arabizi word read in Arabic letters: the known word it spells (emphatic letters
        read as plain ones), with or without its clitics; else the known Arabic words with its consonants whose
        vowels fit one of the readings best."""
        readings = arabizi_to_arabic(token)
        if not readings:
            return []
        found = {term for reading in readings if (term := self._index.by_plain.get(_plain(reading)))}
        if found:  # several readings may be words (7amla: حملة, حاملة): all of them, as weaker evidence
            return sorted(found)
        for reading in readings:
            for variant in _clitic_variants(reading):
                term = self._index.by_plain.get(_plain(variant))
                if term and variant not in self._stopwords and len(arabic_consonants(variant)) >= 3:
                    return [term]
        consonants = arabic_consonants(readings[0])
        digits = bool(_DIGIT_AND_LETTER.search(token))
        if len(consonants) < ARABIZI_BUCKET_CONSONANTS and not digits:
            return []  # a short word without Arabizi digits may well be French (paris, fils)
        # two consonants say little: only a long word, and only a close fit (ghida2iya → الغذائية)
        fit = ARABIZI_FIT if len(consonants) >= 3 else ARABIZI_FIT_SHORT if len(token) >= 6 else 101.0
        # k and g also write ق (kism, lkarar, gal): the consonants with ق where no word has ك
        for key in (consonants, consonants.replace("k", "q")) if "k" in consonants else (consonants,):
            words = self._index.written_by_consonants.get(key) if len(key) >= 2 else None
            if words:
                plain = [_plain(reading) for reading in readings]
                plain_of = self._index.plain_of
                scored = [(max(fuzz.ratio(plain_of[word], p) for p in plain), word) for word in words]
                best = max(score for score, _ in scored)
                if best >= fit:
                    return sorted({self._index.stem_of[word] for score, word in scored if score == best})
        return self._arabizi_stem(readings, digits)

    def _arabizi_stem(self, readings: tuple[str, ...], digits: bool) -> list[str]:
        """The known stem of a reading whose suffixes differ from the known words' (s7at → صحة → صح): only suffixes
        and the article stripped, at least three letters (two for a word with Arabizi digits)."""
        for reading in readings:
            stem = stem_cached(reading)
            if not (reading.startswith(stem) or reading.startswith("ال" + stem)):
                continue
            stem = _plain(stem)
            if (
                (len(stem) >= 3 or (digits and len(stem) == 2))
                and (term := self._index.by_plain_stem.get(stem))
                and term not in self._stopwords
            ):
                return [term]
        return []

    def _french_sounding(self, token: str) -> list[str]:
        """French terms that sound like a Latin word, the Darija article glued or not (lmutasyon → mutation)."""
        words = [token]
        if token[0] == "l" and len(token) >= 5 and token[1] != "l":
            words.append(token[1:])
        for word in words:
            for sound in french_sounds(word):
                found = self._index.by_sound.get(sound) if len(sound) >= FRENCH_SOUND_LENGTH else None
                if found:
                    return sorted(found)
        return []

    @lru_cache(maxsize=32768)  # noqa: B019 — see _fuzzy; results are shared: never mutate them
    def _arabizi_verb(self, token: str) -> list[str]:
        """Known Arabic terms for a Darija verb in Latin letters, its affixes stripped (kaysle7 → صلح, kaytdfa3 →
        دفع). Weak evidence: a verb says less about the matter than a noun, and stripping may find false friends."""
        if is_arabic(token) or len(token) < 4:
            return []
        for stem in _latin_verb_stems(token):
            if self._spells_stopword(arabizi_to_arabic(stem, literal=True)):
                return []  # a function word with its endings (3ndhom → عند)
            if found := self._arabizi_known(stem):
                return found
        return []

    @lru_cache(maxsize=32768)  # noqa: B019 — see _fuzzy; results are shared: never mutate them
    def _known_variant(self, token: str, arabizi: bool = False) -> list[str]:
        """A Darija or Arabizi form reduced to known terms: clitics and negation stripped, then stemmed again;
        for Latin letters, else the known words with the same consonants (vowels vary in Arabizi)."""
        for variant in _clitic_variants(token):
            if variant in self._stopwords or len(variant) < 2:
                continue
            term = stem_cached(variant)
            if term in self._index.idf:
                return [term]
        if not is_arabic(token) and len(token) >= 4:
            if arabizi and FRENCH_SOUNDS and (found := self._french_sounding(token)):
                return found
            if arabizi and ARABIZI_BRIDGE and (found := self._arabizi_known(token)):
                return found
            for variant in [token, *_clitic_variants(token)]:
                found = self._index.by_skeleton.get(_skeleton(variant))
                if found:
                    return sorted(found)
            if ARABIZI_AS_ARABIC:
                for variant in [token, *_clitic_variants(token)]:
                    consonants = latin_consonants(variant)
                    words = self._index.written_by_consonants.get(consonants) if len(consonants) >= 3 else None
                    if words:
                        return sorted({self._index.stem_of[word] for word in words})
        return []

    def _expand(self, analyzed: list[tuple[str, str]], arabizi: bool = False) -> tuple[Counter[str], float]:
        """Query terms with weights: the words, their pairs, synonym canonicals, and known forms of unknown words.

        Also says which share of the question's words the index knows (coverage).
        """
        terms = []
        alike: list[str] = []  # known words spelled with the same consonants: weaker evidence
        read: list[str] = []  # Arabic words that known Arabizi words spell: further evidence
        for token, term in analyzed:
            if term not in self._index.idf:
                found = self._known_variant(token, arabizi)
                if not found and arabizi and ARABIZI_VERBS:
                    alike += self._arabizi_verb(token)
                elif len(found) == 1:
                    term = found[0]
                else:
                    alike += found
            elif (
                arabizi
                and ARABIZI_KNOWN_WEIGHT
                and not is_arabic(token)
                and len(token) >= 4
                and term not in self._index.french
                and not _french_looking(token)
            ):
                read += [t for t in self._arabizi_known(token) if t != term]
            terms.append(term)
        weights: Counter[str] = Counter()
        for term, count in self._with_pairs(terms).items():
            weights[term] = max(weights[term], count)
        for term in alike:
            weights[term] = max(weights[term], SKELETON_WEIGHT)
        for term in read:
            weights[term] = max(weights[term], ARABIZI_KNOWN_WEIGHT)
        covered = [term in self._index.idf for term in terms]
        for size in range(1, min(MAX_NGRAM, len(terms)) + 1):
            for start in range(len(terms) - size + 1):
                key = tuple(terms[start : start + size])
                canonical = self._synonyms.get(key)
                if canonical:
                    covered[start : start + size] = [True] * size
                    for term, count in self._with_pairs(canonical).items():
                        weights[term] = max(weights[term], SYNONYM_WEIGHT * min(count, 1.0))
        for position, (token, _) in enumerate(analyzed):
            if len(token) < 4:
                continue
            # A known word may still be a misspelling or another form of a better-known one (travaille ~ travail):
            # its close neighbours with the same beginning count too, for less.
            known = covered[position]
            factor = KNOWN_FUZZY_FACTOR if known else 1.0
            for match, similarity in self._fuzzy(token, known):
                covered[position] = True
                if match != terms[position]:
                    weights[match] = max(weights[match], factor * similarity**2)
        known = sum(covered)
        coverage = known / len(terms) if terms else 0.0
        return weights, coverage

    def find(self, question: str) -> Answer:
        weights, coverage = self._expand(*self._analyze(question))
        scores: dict[int, float] = defaultdict(float)
        for term, weight in weights.items():
            idf = self._index.idf.get(term)
            if not idf:
                continue
            for doc_id, tf_part in self._index.postings[term]:
                scores[doc_id] += weight * idf * tf_part
        not_us = scores.pop(len(self._offices), 0.0)
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        top = ranked[0][1] if ranked else 0.0
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        confidence = self._confidence(top, second, not_us, coverage)
        candidates = tuple(
            self._candidate(doc_id, score, weights) for doc_id, score in ranked[: 1 + self.max_alternatives]
        )
        if not candidates or top < self.min_score or confidence < self.min_confidence:
            return Answer(question, None, candidates[: self.max_alternatives], confidence)
        return Answer(question, candidates[0], candidates[1:], confidence)

    def _confidence(self, top: float, second: float, not_us: float, coverage: float) -> float:
        """0..1 from the best office's score, its lead over the next, the "not us" profile and the coverage."""
        if top <= 0 or not_us >= top:
            return 0.0
        strength = 1 - math.exp(-top / STRENGTH_SCALE)
        margin = (top - second) / top
        against = not_us / top  # how close everyday, non-directorate matters come
        # Past RIVAL_SHARE the everyday profile is a real rival of the best office, not a stray shared word: the
        # question is then more likely about everyday life, and confidence falls faster.
        rival = 1 - RIVAL_SLOPE * max(0.0, against - RIVAL_SHARE)
        confidence = (
            strength * (0.6 + 0.4 * margin) * (1 - 0.8 * against) * rival * (0.5 + 0.5 * min(1.0, 2 * coverage))
        )
        return round(min(confidence, 1.0), 3)

    def _candidate(self, doc_id: int, score: float, weights: Counter[str]) -> Candidate:
        service, office = self._offices[doc_id]
        found: dict[int, float] = defaultdict(float)
        idf = self._index.idf
        positions = self._task_lines[doc_id]
        for term, weight in weights.items():
            for position in positions.get(term, ()):
                found[position] += idf.get(term, 0.0) * weight
        lines = sorted(((score, -position) for position, score in found.items()), reverse=True)
        evidence = tuple(office.tasks[-position] for _, position in lines[:3])
        return Candidate(office=office, service=service, score=round(score, 3), evidence=evidence)


_ARABIC_PREFIXES = ("ما", "ف", "ل", "ب", "كن", "كي", "كت", "غا", "تا", "ت", "ن", "ي", "و")
_ARABIC_SUFFIXES = ("ش", "ليا", "لي", "ني", "نا", "كم", "هم", "و", "ها", "ه", "ك")
# Latin letters: only the article and the prepositions glued to it (l-, f-l-, b-l-, d-l-); verb prefixes and
# negation are left alone, as stripping them finds false friends (bghach → ghach).
_LATIN_PREFIXES = ("l", "el", "al", "fl", "bl", "dl", "f")
_LATIN_SUFFIXES = ("li", "ni", "na", "kom", "hom", "ha")


# Darija verbs in Latin letters: aspect and person prefixes (kay-, kan-, kat-, ghay-, ta-, n-, t-, y-), negation
# (ma-…-ch) and object or plural endings (-o, -iw, -ni, -lik, -ha, -hom); longest first.
_VERB_PREFIXES = ("kayt", "kant", "katt", "ghayt", "ghat", "ghay", "ghan", "kay", "kan", "kat", "mat", "man", "may",
                  "gha", "ka", "ki", "ta", "ma", "n", "t", "y")
_VERB_SUFFIXES = ("homch", "hach", "nach", "ouch", "ach", "ich", "ch", "lkom", "lik", "lina", "hom", "ha", "ni",
                  "na", "li", "iw", "ou", "o", "w", "u")


@lru_cache(maxsize=16384)
def _latin_verb_stems(token: str) -> tuple[str, ...]:
    """The stems of a Darija verb in Latin letters, affixes stripped, keeping three consonants (kaysle7 → sle7,
    ma9dertch → 9dert, ghaywsslo → wssl); longest first."""
    if not _DIGIT_AND_LETTER.search(token) and not token.isalpha():
        return ()
    heads = [token] + [token[len(p):] for p in _VERB_PREFIXES if token.startswith(p)]
    heads += [h[len(p):] for h in heads[1:] for p in _VERB_PREFIXES[-3:] if h.startswith(p)]  # ma-kay-t-, kay-t-
    found: list[str] = []
    for head in heads:
        tails = [head] + [head[: -len(s)] for s in _VERB_SUFFIXES if head.endswith(s)]
        found += [t for t in tails if t != token and len(latin_consonants(t)) >= 3]
    return tuple(sorted(set(found), key=lambda v: (-len(v), v)))


def _clitic_variants(token: str) -> list[str]:
    """Forms of a Darija/Arabizi word with one leading and/or trailing clitic removed, longest first."""
    arabic = is_arabic(token)
    prefixes, suffixes = (_ARABIC_PREFIXES, _ARABIC_SUFFIXES) if arabic else (_LATIN_PREFIXES, _LATIN_SUFFIXES)
    keep = 3 if arabic else 4
    heads = [token] + [token[len(p):] for p in prefixes if token.startswith(p) and len(token) - len(p) >= keep]
    out: list[str] = []
    for head in heads:
        out.append(head)
        out += [head[: -len(s)] for s in suffixes if head.endswith(s) and len(head) - len(s) >= keep]
    return sorted(set(out) - {token}, key=lambda v: (-len(v), v))  # deterministic: not by hash order


_VOWELS = str.maketrans("", "", "aeiouy")


def _skeleton(word: str) -> str:
    """Consonants of an Arabizi/French word, doubled letters collapsed: nsajjal, nsjel → nsjl."""
    for digit, letters in (("5", "kh"), ("7", "h"), ("9", "q"), ("3", ""), ("8", "gh"), ("2", "")):
        word = word.replace(digit, letters)
    word = word.replace("ou", "u").replace("sh", "ch").translate(_VOWELS)
    return "".join(c for i, c in enumerate(word) if i == 0 or c != word[i - 1])


# Arabic letters and Arabizi spellings reduced to the same consonant classes, so that "l9arar" meets «القرار»
# and "nsajjal" meets «نسجل»: long vowels (ا و ي) and short ones (a e i o u) are dropped on both sides.
_AR_CLASS = str.maketrans({
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "x", "د": "d", "ذ": "d", "ر": "r", "ز": "z",
    "س": "s", "ش": "c", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "3", "غ": "g", "ف": "f", "ق": "q",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "", "و": "", "ي": "", "ا": "", "ء": "", "ى": "",
})
_LATIN_DIGRAPHS = (("kh", "x"), ("gh", "g"), ("ch", "c"), ("sh", "c"), ("th", "t"), ("dh", "d"))
_LATIN_CLASS = str.maketrans({"7": "h", "9": "q", "5": "x", "8": "g", "2": "", "p": "b", "v": "f",
                              "a": "", "e": "", "i": "", "o": "", "u": "", "y": "", "w": ""})
_ARTICLE = ("وال", "بال", "فال", "كال", "لل", "ال")
_ARTICLE_FIRST = frozenset(a[0] for a in _ARTICLE)


_DIGIT_AND_LETTER = re.compile(r"(?=.*[0-9])(?=.*[a-z])")
# numbers with French units and ordinals, and French class names: 3e, 1ere, 6h, 2m, cm1, ce2
_FRENCH_NUMBERED = re.compile(r"\d+(e|er|re|ere|eme|ieme|h|m|mn|min|km|dh|ans?)|(cp|ce|cm|tc)\d")


def _french_looking(token: str) -> bool:
    """Begins with a vowel and has as many vowels as consonants: French (an, eau, une, année), not Arabizi."""
    return token[0] in "aeiouy" and 2 * sum(c in "aeiouy" for c in token) >= len(token)
# ق as Arabizi writes it: 9, q, k, or g as Darija says it (gal → قال, galo, gadd)
_PLAIN = str.maketrans({"ص": "س", "ط": "ت", "ض": "د", "ظ": "ز", "ث": "ت", "ذ": "د", "ة": "ه", "ء": "ا", "ق": "ك"})
_DOUBLED = re.compile(r"(.)\1+")


_ASPECT_PREFIXES = frozenset({"kay", "kat", "kan", "tay", "tat", "tan"})


def _task_lines(task_terms: list[list[frozenset[str]]]) -> list[dict[str, tuple[int, ...]]]:
    """For each office, the positions of the task lines that carry each term."""
    out = []
    for office_lines in task_terms:
        lines: dict[str, list[int]] = defaultdict(list)
        for position, terms in enumerate(office_lines):
            for term in terms:
                lines[term].append(position)
        out.append({term: tuple(found) for term, found in lines.items()})
    return out


def _spelled(stopwords: frozenset[str]) -> frozenset[str]:
    """The Arabic stopwords as Arabizi spells them back (see _plain), for reading Arabizi function words."""
    return frozenset(_plain(word) for word in stopwords if is_arabic(word))


def _longest(spelled: frozenset[str]) -> int:
    """How long a reading may be and still be one of these stopwords once its article and doubled letters go."""
    return max(map(len, spelled), default=0) + 4


def _zah_as_dad(word: str, term: str) -> tuple[tuple[str, str], ...]:
    """The word and its term spelled with ض for ظ, when it has one."""
    return ((word.replace("ظ", "ض"), term.replace("ظ", "ض")),) if "ظ" in word else ()


def _plain(word: str) -> str:
    """An Arabic word as Arabizi would spell it back: emphatic letters as plain ones, ق as ك, article dropped,
    doubled letters once (رئيس → رييس → ريس: ra2is)."""
    if word[:1] in _ARTICLE_FIRST:
        for prefix in _ARTICLE:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                word = word[len(prefix):]
                break
    return _DOUBLED.sub(r"\1", word.translate(_PLAIN))


def arabic_consonants(word: str) -> str:
    """The consonant classes of an Arabic word, article dropped: القرار → qrr."""
    for prefix in _ARTICLE:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix):]
            break
    out = word.translate(_AR_CLASS)
    return "".join(c for i, c in enumerate(out) if i == 0 or c != out[i - 1])


def latin_consonants(word: str) -> str:
    """The consonant classes of an Arabizi word: l9arar → lqrr, nsajjal → nsjl."""
    for digraph, letter in _LATIN_DIGRAPHS:
        word = word.replace(digraph, letter)
    out = word.translate(_LATIN_CLASS)
    return "".join(c for i, c in enumerate(out) if i == 0 or c != out[i - 1])
