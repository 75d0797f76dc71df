"""The office finder: "which office handles this?" for questions in Arabic, Darija, Arabizi and French.

Ranking combines two kinds of evidence over each office's names, summary, task lines and keywords:
- lexical: BM25 over stemmed terms and adjacent-term pairs, with field weights (keywords and names weigh more
  than task lines), after the question is expanded through the synonym table (plurals, Darija, Arabizi, French
  → the formal Arabic term);
- fuzzy: a question word the index does not know is matched to the closest known words with rapidfuzz
  (misspellings, Arabizi variants), weighted by similarity.
The finder abstains when the evidence is weak, or when the question carries out-of-scope cues and little else.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from knowledge.loader import Directory
from knowledge.normalize import fold, raw_tokens, stem_cached
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
    vocabulary: list[str] = field(default_factory=list)


class OfficeFinder:
    """Built once from the knowledge base; ``find`` is pure and safe to call from many tasks."""

    def __init__(
        self,
        directory: Directory,
        *,
        min_score: float = 4.0,
        min_confidence: float = 0.35,
        alternatives: int = 3,
    ) -> None:
        self.directory = directory
        self.min_score = min_score
        self.min_confidence = min_confidence
        self.max_alternatives = alternatives
        data = directory.data
        self._stopwords = frozenset(fold(w) for w in data.stopwords)
        self._offices: list[tuple[Service, Office]] = list(directory.offices())
        self._synonyms = self._phrase_table((v, s.canonical) for s in data.synonyms for v in s.variants)
        self._out_of_scope = self._phrase_table((cue, "") for cue in data.out_of_scope.cues)
        self._task_terms: list[list[set[str]]] = []
        self._index = self._build()

    # ------------------------------------------------------------------ building

    def _terms(self, text: str) -> list[str]:
        return [stem_cached(t) for t in raw_tokens(text) if t not in self._stopwords and len(t) > 1]

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
        for left, right in zip(terms, terms[1:], strict=False):
            bag[f"{left} {right}"] += PAIR_BONUS
        return bag

    def _build(self) -> _Index:
        index = _Index()
        documents: list[Counter[str]] = []
        for _service, office in self._offices:
            doc: Counter[str] = Counter()
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
                task_terms.append(set(self._terms(task.ar)) | set(self._terms(task.fr)))
            self._task_terms.append(task_terms)
            for text, weight in fields:
                for term, count in self._with_pairs(self._terms(text)).items():
                    doc[term] += weight * count
            documents.append(doc)
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
        index.vocabulary = sorted(t for t in index.idf if " " not in t and len(t) > 2)
        return index

    # ------------------------------------------------------------------ querying

    def _expand(self, terms: list[str]) -> tuple[Counter[str], bool]:
        """Query terms with weights: the words, their pairs, synonym canonicals, fuzzy matches for unknown words."""
        weights: Counter[str] = Counter()
        for term, count in self._with_pairs(terms).items():
            weights[term] = max(weights[term], count)
        off_topic = False
        for size in range(1, min(MAX_NGRAM, len(terms)) + 1):
            for start in range(len(terms) - size + 1):
                key = tuple(terms[start : start + size])
                if key in self._out_of_scope:
                    off_topic = True
                canonical = self._synonyms.get(key)
                if canonical:
                    for term, count in self._with_pairs(canonical).items():
                        weights[term] = max(weights[term], SYNONYM_WEIGHT * min(count, 1.0))
        for term in terms:
            if term in self._index.idf or len(term) < 4:
                continue
            for match, similarity, _ in process.extract(
                term, self._index.vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=2
            ):
                weights[match] = max(weights[match], (similarity / 100) ** 2)
        return weights, off_topic

    def find(self, question: str) -> Answer:
        terms = self._terms(question)
        weights, off_topic = self._expand(terms)
        scores: dict[int, float] = defaultdict(float)
        for term, weight in weights.items():
            idf = self._index.idf.get(term)
            if not idf:
                continue
            for doc_id, tf_part in self._index.postings[term]:
                scores[doc_id] += weight * idf * tf_part
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        top = ranked[0][1] if ranked else 0.0
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        confidence = self._confidence(top, second, off_topic)
        candidates = tuple(self._candidate(doc_id, score, weights) for doc_id, score in ranked[: 1 + self.max_alternatives])
        if not candidates or top < self.min_score or confidence < self.min_confidence:
            return Answer(question, None, candidates[: self.max_alternatives], confidence)
        return Answer(question, candidates[0], candidates[1:], confidence)

    def _confidence(self, top: float, second: float, off_topic: bool) -> float:
        if top <= 0:
            return 0.0
        strength = 1 - math.exp(-top / (2 * self.min_score))
        margin = (top - second) / top
        confidence = strength * (0.6 + 0.4 * margin)
        if off_topic:
            confidence *= 0.5
        return round(min(confidence, 1.0), 3)

    def _candidate(self, doc_id: int, score: float, weights: Counter[str]) -> Candidate:
        service, office = self._offices[doc_id]
        lines = []
        for position, task_terms in enumerate(self._task_terms[doc_id]):
            overlap = sum(self._index.idf.get(t, 0.0) * w for t, w in weights.items() if t in task_terms)
            if overlap > 0:
                lines.append((overlap, -position))
        lines.sort(reverse=True)
        evidence = tuple(office.tasks[-position] for _, position in lines[:3])
        return Candidate(office=office, service=service, score=round(score, 3), evidence=evidence)
