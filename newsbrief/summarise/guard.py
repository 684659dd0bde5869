"""Hallucination guard: checks each generated sentence against its source before a reader sees it.

A sentence fails the guard when it names something the source never names, states a number the source never
states, or says something no source sentence is close to in meaning. The three checks, in order of trust:

* numbers: every number in the sentence must occur in the source, both read by `newsbrief.numbers.find_numbers`
  (the parser the number facts use too: "1,000" = "1000", "twenty-five" = 25, "$2.5bn" = "2.5 billion", "12%" =
  "12 per cent"; "5 m" of cable is five, "$5m" five million; a lone "one" is no number). A bare number also matches
  the mantissa of a scaled one ("2.5" matches "$2.5bn"), a scaled one must match the scaled value ("2.5 million"
  fails against "2.5 billion").
* entities: every word of a capitalised span ("Leeds City Council", "Mr Smith's") must occur in the source,
  case-insensitively, possessives stripped. A lone capitalised word opening the sentence is not checked (it is
  capitalised for grammar, not because it is a name); text without mixed case gives no entities to check.
* support: the sentence's cosine similarity (MiniLM, `newsbrief.embed.encode`) to its best-matching source
  sentence must reach `support_threshold`. That best sentence is also what the brief links the sentence to.

The guard only reads; what to do with a failing sentence is the caller's choice (the abstractive summariser drops
it). It is usable on its own: `Guard().check(source, sentences)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from newsbrief.embed import encode
from newsbrief.numbers import NumberMention, find_numbers
from newsbrief.records import Span
from newsbrief.text import split_sentences

DEFAULT_SUPPORT_THRESHOLD = 0.6  # cosine; faithful paraphrases of one sentence score ~0.7-0.95 with MiniLM

_CAPITALISED = re.compile(r"[A-Z][\w\u00C0-\u024F'’.&-]*")
_NAME_LINKS = {"of", "de", "da", "del", "van", "von", "der", "al", "bin", "le", "la", "du", "and"}
# Capitalised for grammar rather than names; never reported as entities.
_FUNCTION_WORDS = _NAME_LINKS | set(
    "the a an in on at for to by with from as but or if when while after before this that these those it its "
    "he she they we i you his her their our my no not yes mr mrs ms dr".split()
)
_WORDS = re.compile(r"[\w\u00C0-\u024F]+(?:[.'’&-][\w\u00C0-\u024F]+)*")


@dataclass
class SentenceCheck:
    """The guard's verdict on one generated sentence; `support` is the closest source sentence."""

    text: str
    support: Span | None
    support_score: float
    unsupported_entities: list[str] = field(default_factory=list)
    unsupported_numbers: list[str] = field(default_factory=list)
    low_support: bool = False

    @property
    def flags(self) -> list[str]:
        return (
            [f"entity not in source: {e}" for e in self.unsupported_entities]
            + [f"number not in source: {n}" for n in self.unsupported_numbers]
            + ([f"low support: {self.support_score:.2f}"] if self.low_support else [])
        )

    @property
    def ok(self) -> bool:
        return not self.flags


def capitalised_spans(sentence: str) -> list[str]:
    """Runs of capitalised words (linked by "of", "de", "van" ...), the sentence-opening lone word left out."""
    tokens = list(_CAPITALISED.finditer(sentence))
    spans: list[list[re.Match[str]]] = []
    for token in tokens:
        gap = sentence[spans[-1][-1].end() : token.start()] if spans else ""
        joinable = spans and not (spans[-1][-1].group().endswith(".") and len(spans[-1][-1].group()) > 4)
        if joinable and (gap == " " or (gap.strip().lower() in _NAME_LINKS and gap.count(" ") == 2)):
            spans[-1].append(token)
        else:
            spans.append([token])
    names = []
    for run in spans:
        opening = run[0].start() == len(sentence) - len(sentence.lstrip(" \"'“‘(["))
        if opening and len(run) == 1:
            continue
        names.append(sentence[run[0].start() : run[-1].end()].rstrip(".'’"))
    return names


def _word_set(text: str) -> set[str]:
    return {_bare(w) for w in _WORDS.findall(text)}


def _bare(word: str) -> str:
    word = word.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word.rstrip(".'")


class Guard:
    """Checks generated sentences against their sources; one MiniLM pass for a whole batch of articles."""

    def __init__(self, support_threshold: float = DEFAULT_SUPPORT_THRESHOLD, encoder: str = "minilm") -> None:
        self.support_threshold = support_threshold
        self.encoder = encoder

    def check(self, source: str, sentences: Sequence[str]) -> list[SentenceCheck]:
        return self.check_batch([source], [sentences])[0]

    def check_batch(self, sources: Sequence[str], summaries: Sequence[Sequence[str]]) -> list[list[SentenceCheck]]:
        """One list of checks per (source, generated sentences) pair, in order."""
        source_spans = {src: split_sentences(src) for src in dict.fromkeys(sources)}
        vectors = self._encode([s.text for spans in source_spans.values() for s in spans], summaries)
        source_vectors, offset = {}, 0
        for src, spans in source_spans.items():
            source_vectors[src] = vectors[offset : offset + len(spans)]
            offset += len(spans)
        results = []
        for source, sentences in zip(sources, summaries, strict=True):
            block = vectors[offset : offset + len(sentences)]
            offset += len(sentences)
            results.append(self._check_one(source, source_spans[source], source_vectors[source], sentences, block))
        return results

    def _encode(self, source_texts: list[str], summaries: Sequence[Sequence[str]]) -> np.ndarray:
        return encode([*source_texts, *(s for sentences in summaries for s in sentences)], encoder=self.encoder)

    def _check_one(
        self, source: str, spans: list[Span], span_vectors: np.ndarray, sentences: Sequence[str], vectors: np.ndarray
    ) -> list[SentenceCheck]:
        words = _word_set(source)
        numbers = find_numbers(source)
        scaled = {round(n.value, 6) for n in numbers}
        values = scaled | {round(n.mantissa, 6) for n in numbers if n.mantissa is not None}
        similarity = vectors @ span_vectors.T if len(spans) else np.zeros((len(sentences), 0))
        checks = []
        for i, sentence in enumerate(sentences):
            best = int(similarity[i].argmax()) if len(spans) else -1
            score = float(similarity[i, best]) if best >= 0 else 0.0
            checks.append(
                SentenceCheck(
                    text=sentence,
                    support=spans[best] if best >= 0 else None,
                    support_score=score,
                    unsupported_entities=_missing_names(sentence, words),
                    unsupported_numbers=_missing_numbers(sentence, values, scaled),
                    low_support=score < self.support_threshold,
                )
            )
        return checks


def _missing_names(sentence: str, source_words: set[str]) -> list[str]:
    return [
        name
        for name in capitalised_spans(sentence)
        if any(_bare(w) not in source_words for w in _WORDS.findall(name) if w.lower() not in _FUNCTION_WORDS)
    ]


def _missing_numbers(sentence: str, values: set[float], scaled: set[float]) -> list[str]:
    return [n.text for n in find_numbers(sentence) if not _stated(n, values, scaled)]


def _stated(number: NumberMention, values: set[float], scaled: set[float]) -> bool:
    """Whether the source states `number`: a scaled one by its scaled value, a bare one by any value or mantissa."""
    return round(number.value, 6) in (scaled if number.mantissa is not None else values)


def summary_score(checks: Iterable[SentenceCheck]) -> float:
    """One faithfulness score for a whole summary, for ranking: mean support, less 0.1 per unsupported fact."""
    checks = list(checks)
    if not checks:
        return 0.0
    facts = sum(len(c.unsupported_entities) + len(c.unsupported_numbers) for c in checks)
    return sum(c.support_score for c in checks) / len(checks) - 0.1 * facts
