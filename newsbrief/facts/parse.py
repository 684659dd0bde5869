"""Parse articles with spaCy in paragraph-aligned chunks whose offsets stay absolute.

Chunking keeps very long articles within spaCy's memory budget (the parser needs roughly 1 GB per 100k characters),
and every chunk is an exact slice of `article.text`, so `chunk_start + token.idx` is an offset into the article.
All chunks of all articles go through one `nlp.pipe` stream, which is what makes a day's batch fast.

Sentences come from one splitter, `newsbrief.text.split_sentences`, the one summaries use: its spans are set as
sentence starts on each chunk before the parser runs (spaCy's parser keeps preset boundaries), so a dependency tree,
`token.sent`, a fact's `sentence` and a summary sentence all end at the same places. The rule-based splitter is the
source of truth because it handles titles and short forms ("Sen. Ada Price", "the U.S. Navy"), wire datelines and
run-on text the same way for every stage, and does so without a model.

The small model sometimes folds a count into the date or time beside it ("On Friday 120 workers walked out" tags
"Friday 120" a date); `with_counts_apart` sets such a count apart by the calendar's own rules before any stage reads
the entities.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from newsbrief.records import Article, Span
from newsbrief.text import CALENDAR_WORDS, split_sentences

CHUNK_CHARS = 20_000
_PARAGRAPH_BREAK = re.compile(r"\n+")
_SPACE = re.compile(r"\s+")


@dataclass
class Parsed:
    """One article with its parsed chunks, each `(offset, doc)` with `doc.text == article.text[offset:...]`."""

    article: Article
    chunks: list[tuple[int, Doc]]
    sentences: list[Span]
    _sentence_starts: list[int] = field(default_factory=list, repr=False)
    _token_starts: list[int] = field(default_factory=list, repr=False)
    _tokens: list[tuple[int, Token]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._sentence_starts = [s.start for s in self.sentences]
        self._tokens = [(offset, token) for offset, doc in self.chunks for token in doc]
        self._token_starts = [offset + token.idx for offset, token in self._tokens]

    @property
    def text(self) -> str:
        return self.article.text

    def sentence_at(self, pos: int) -> Span | None:
        """The sentence (the one summaries use, and the parser's) that contains character `pos`."""
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        if i >= 0 and pos < self.sentences[i].end:
            return self.sentences[i]
        return None

    def tokens(self, start: int = 0, end: int | None = None) -> list[tuple[int, Token]]:
        """`(chunk offset, token)` pairs of the tokens that start within [start, end), in text order."""
        lo = bisect.bisect_left(self._token_starts, start)
        hi = len(self._tokens) if end is None else bisect.bisect_left(self._token_starts, end)
        return self._tokens[lo:hi]


def chunk_bounds(text: str, limit: int = CHUNK_CHARS, sentences: Sequence[Span] | None = None) -> list[tuple[int, int]]:
    """(start, end) slices of `text` of at most `limit` chars, cut at paragraph, else sentence, else space breaks.

    `sentences` are the text's `split_sentences` spans when the caller has them already."""
    if len(text) <= limit:
        return [(0, len(text))] if text.strip() else []
    sentence_ends = {s.end for s in (split_sentences(text) if sentences is None else sentences)}
    pieces = [(m.start(), m.end()) for m in _split_points(text, limit, sentence_ends)]
    bounds: list[tuple[int, int]] = []
    start = 0
    for cut_start, cut_end in pieces:
        if cut_start - start > 0:
            bounds.append((start, cut_start))
        start = cut_end
    if start < len(text):
        bounds.append((start, len(text)))
    return [piece for bound in _pack(bounds, limit) for piece in _hard_cut(bound, 2 * limit)]


def _hard_cut(bound: tuple[int, int], most: int) -> list[tuple[int, int]]:
    """Slices of at most `most` chars: the last resort for text with no whitespace to cut at."""
    start, end = bound
    return [(a, min(a + most, end)) for a in range(start, end, most)]


def _split_points(text: str, limit: int, sentence_ends: set[int]) -> list[re.Match[str]]:
    """Break points: paragraph breaks, plus sentence and whitespace breaks inside over-long paragraphs."""
    points: list[re.Match[str]] = []
    prev = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        para_end = match.start() if match else len(text)
        if para_end - prev > limit:
            points.extend(_inner_points(text, prev, para_end, limit, sentence_ends))
        if match:
            points.append(match)
            prev = match.end()
    return sorted(points, key=lambda m: m.start())


def _inner_points(text: str, start: int, end: int, limit: int, sentence_ends: set[int]) -> list[re.Match[str]]:
    """Whitespace breaks inside one paragraph: after a sentence where possible, else at the last space before the
    limit (a 200 KB run without punctuation still has to be cut somewhere)."""
    points: list[re.Match[str]] = []
    last_cut = start
    best_sentence: re.Match[str] | None = None
    best_space: re.Match[str] | None = None
    for m in _SPACE.finditer(text, start, end):
        if m.start() - last_cut > limit and (best_sentence or best_space):
            chosen = best_sentence or best_space
            assert chosen is not None
            points.append(chosen)
            last_cut = chosen.end()
            best_sentence = best_space = None
        if m.start() in sentence_ends:
            best_sentence = m
        best_space = m
    return points


def _pack(bounds: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Join neighbouring pieces while the joined slice stays within `limit` (fewer, fuller docs parse faster)."""
    packed: list[tuple[int, int]] = []
    for start, end in bounds:
        if packed and end - packed[-1][0] <= limit:
            packed[-1] = (packed[-1][0], end)
        else:
            packed.append((start, end))
    return packed


def parse_articles(articles: Sequence[Article], nlp: Language, batch_size: int = 32) -> Iterator[Parsed]:
    """Yield one `Parsed` per article, in order, streaming all chunks of all articles through `nlp.pipe`."""
    limit = min(CHUNK_CHARS, nlp.max_length)
    sentences: dict[int, list[Span]] = {}  # split as the stream reaches an article, handed over with its Parsed

    def chunk_docs() -> Iterator[tuple[Doc, tuple[int, int]]]:
        for index, article in enumerate(articles):
            sentences[index] = spans = split_sentences(article.text)
            starts = {span.start for span in spans}
            for a, b in chunk_bounds(article.text, limit, spans):
                yield with_sentence_starts(nlp.make_doc(article.text[a:b]), a, starts), (index, a)

    stream: Iterator[tuple[Doc, tuple[int, int]]] = nlp.pipe(chunk_docs(), as_tuples=True, batch_size=batch_size)
    pending = next(stream, None)
    for index, article in enumerate(articles):
        chunks = []
        while pending is not None and pending[1][0] == index:
            doc, (_, offset) = pending
            chunks.append((offset, with_counts_apart(doc)))
            pending = next(stream, None)
        yield Parsed(article, chunks, sentences.pop(index))


def with_counts_apart(doc: Doc) -> Doc:
    """`doc` with counts the small tagger folded into a date or a time set apart as CARDINAL entities: a number that
    cannot be part of the calendar expression it ends or opens ("on Thursday 43 vessels" is no 43rd day, "in 1998 45
    people" no day after a year, "up from 41 in the morning" no 41 o'clock), so the count is a figure again and the
    date keeps only its own words."""
    entities = []
    for ent in doc.ents:
        if ent.label_ == "DATE" and len(ent) > 1 and _count_after_date(ent[-2], ent[-1]):
            entities += [
                SpacySpan(doc, ent.start, ent.end - 1, "DATE"),
                SpacySpan(doc, ent.end - 1, ent.end, "CARDINAL"),
            ]
        elif ent.label_ == "TIME" and len(ent) > 1 and _count_before_time(ent[0], ent[1]):
            entities += [
                SpacySpan(doc, ent.start, ent.start + 1, "CARDINAL"),
                SpacySpan(doc, ent.start + 1, ent.end, "TIME"),
            ]
        else:
            entities.append(ent)
    if len(entities) != len(doc.ents):
        doc.ents = entities
    return doc


def _count_after_date(before: Token, number: Token) -> bool:
    """A bare number after a year (dates never go on past it), or one over 31 (or with a thousands separator) after a
    weekday or a month name."""
    digits = number.text.replace(",", "")
    if not digits.isdigit():
        return False
    if before.text.isdigit() and len(before.text) == 4:
        return True
    # a thousands separator makes neither a day nor a year ("Friday 1,200")
    return before.text.casefold().rstrip(".") in CALENDAR_WORDS and ("," in number.text or 31 < int(digits) < 1000)


def _count_before_time(number: Token, after: Token) -> bool:
    """A bare number over 24 before a preposition ("41 in the morning"): no hour of the clock."""
    return number.text.isdigit() and 24 < int(number.text) < 1000 and after.pos_ == "ADP"


def with_sentence_starts(doc: Doc, offset: int, starts: set[int]) -> Doc:
    """`doc` (the slice of a text from `offset` on, not yet parsed) with its sentence starts fixed to `starts`
    (offsets in that text): a token starts a sentence exactly when it starts at one, and the first token always."""
    for token in doc:
        token.is_sent_start = token.i == 0 or offset + token.idx in starts
    return doc
