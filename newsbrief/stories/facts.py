"""A story's facts merged across its outlets: entities, deduplicated quotes, reconciled numbers and a timeline.

Every SourceRef and Reading is a verbatim span of its article, copied from the article-level facts, so a merged
fact stays as traceable as the article facts it came from.

- Quotes match on normalised text (case, punctuation, quote marks and spacing ignored); a quote whose words run
  inside another's at word boundaries is the same quote trimmed.
- Numbers are grouped by kind and by the lemma of what they count (the counted noun's head; for a quantity with no
  counted noun, its unit word); two counted nouns are one group where two outlets give one value for them in
  sentences that say the same thing ("3,400 members", "3,400 dockworkers": `_joined_heads`). Readings with equal
  values are one figure, unless one is a rate and the other a count ("a dozen ships a day" more at anchor and "12
  ships have diverted" are two); different figures of the same group are the same quantity only where their
  sentences say the same thing (MiniLM cosine >= SAME_MATTER), since one story counts many things in "people"
  (evacuated, rescued, sheltered), and do not give them for different places or bodies (one storm's tolls in three
  countries; House members and senators), nor, for a figure in a unit of measure, of different things
  (`_same_measured`: the ten-year and the two-year yield). A figure restated in other units in parentheses ("180 mph
  (290 kph)"), a year taken for a count ("the 1948 war") and a figure inside a quotation (the speaker's claim, shown
  as the outlet's figure once the quote marks are cut away) are not figures. A group whose different outlets publish
  disjoint figures within SAME_TIME of each other is a `conflict` (one outlet's updates are not outlets
  disagreeing); different figures further apart in time are `changed`.
- A syndicated copy (`copies`) is a source of a quote, but its figure counts only where its original lacks it, so
  a copy never makes a number look confirmed by a second outlet.
- Timeline entries are (resolved date, sentence) pairs; two outlets' sentences with the same date are one event where
  they say the same thing (the same SAME_MATTER test). A date read off another date of the text ("the next day", "that
  morning") is left out: it is right only if the date it hangs on was, and that one may be elsewhere. So is a part of
  a day or a clock time that names no day ("works at night", "at 8:51 p.m."), and a date that times something the
  sentence only mentions (`DateFact.main_event`: "the man who hid the bomb on Dec. 21"), under which the sentence
  would tell another event. So are sentences that are not the outlet's report of an event (`is_event`): quotations,
  embedded posts, and chronology lines that open with their own date and a colon (skipped rather than trimmed: the
  entry shows that date already, the sentence must stay verbatim, and such a list is background the report tells
  elsewhere).
- Ordering rules, chosen because news is written as an inverted pyramid and repeated by outlets that find it
  central: entities by summed per-article salience, quotes and numbers by how many outlets carry them (a copy is
  no outlet), then by how early in its article the fact first appears; quotes told by as many outlets newest first.

Data the decisions saw: none of ../shared/eval/data labels cross-outlet fact matches, so SAME_MATTER and SAME_TIME
were not fitted or cross-validated. On the seed flood story's "people" sentences (seeds/articles, hand-labelled),
MiniLM gave 0.24-0.60 between outlets' different figures for the evacuees, 0.61-1.00 for the same figure restated
and 0.24-0.49 between different counts (rescued, sheltered vs evacuated): the signal overlaps, so SAME_MATTER = 0.6
is set at the top of that overlap, linking only the closest restatements, because a false `conflict` misleads an
analyst more than a missed `changed`. SAME_TIME follows newswire practice: updates of a running story come hours
apart.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import numpy as np
from scipy.cluster.hierarchy import DisjointSet
from spacy.tokens import Doc

from newsbrief.embed import encode
from newsbrief.facts import load_nlp
from newsbrief.facts.dates import SEASONS
from newsbrief.facts.entities import (
    ORGANISATIONS,
    PLACES,
    group_across_articles,
    group_label_and_name,
    name_key,
)
from newsbrief.numbers import parse_number
from newsbrief.records import (
    DATE_ONLY,
    Article,
    ArticleDigest,
    DateFact,
    NumberFact,
    Quote,
    Reading,
    SourceRef,
    Span,
    StoryEntity,
    StoryFacts,
    StoryNumber,
    StoryQuote,
    TimelineEntry,
)
from newsbrief.summarise.centrality import points_back
from newsbrief.text import EMBEDDED_POST, LETTERS, inside_quotations, odd_quote_marks, opens_with_quote

SAME_MATTER = 0.6  # MiniLM cosine at which two outlets' sentences report the same quantity or event
SAME_TIME = timedelta(hours=3)  # outlets publishing closer than this report "at the same time"
AGREED, CHANGED, CONFLICT, DIFFER = "agreed", "changed", "conflict", "differ"
# A story states many different sums, rates and measures (a 9% claim and a 4.5% offer; a 9-point fall in one yield
# and an 11-point fall in another): two values of these kinds are never taken for one figure that changed; each
# value stands on its own. Counts of people and things (CARDINAL) are the figures outlets revise and dispute.
UNLINKED = frozenset({"MONEY", "PERCENT", "QUANTITY"})
# The timeline is what happened on a given day; coarser dates ("in 2009", "last March", "last week") are background.
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:$|T)")  # a day, or a time on a day (its day is the timeline's)
# After a figure: its counted words, then "a day", "per year", "each week" (not "a year ago"): a rate.
_RATE = re.compile(
    r"\W*(?:[^\W\d_]+\W+){0,4}?(?:a|an|per|each|every)\s+(?:second|minute|hour|day|night|week|month|quarter|year)\b"
    r"(?!\s+(?:ago|earlier|later|before|after)\b)",
    re.IGNORECASE,
)
# A part of a day or a clock time with no day named ("at night", "the morning", "8:51 p.m."): which day is a guess
# (the publication day's, off by one for a launch late the evening before), and often none is meant.
_BARE_TIME = re.compile(
    r"(?:the\s+)?(?:morning|afternoon|evening|night)"
    r"|(?:about\s+|around\s+|at\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?|GMT|UTC|local\s+time)?\.?",
    re.IGNORECASE,
)
_TIME_OF_DAY = re.compile(r"\d:\d{2}|\b[ap]\.m\.|\b(?:UTC|GMT)\b", re.IGNORECASE)
# A figure and its unit, then the parenthesis a restated figure opens: "180 mph (", "20% (".
_CONVERSION = re.compile(r"\d(?:\s*%\s*|[-\s]?[^\W\d_][^\d()]{0,14})\(\s*$")
_YEAR = re.compile(r"(?<![\d.,])(?:1\d|20)\d\d(?!\d|[.,]\d)")  # 1000-2099, no thousands separator: a year
_NOT_WORD = re.compile(r"[^\w]+")
_COLON = re.compile(r"\s*:\s")
_LEAD = " \t\n-*\u2022"  # what may stand before a chronology line's date: space or a bullet
_SEASON_MONTHS = {code: month for code, month in SEASONS.values()}
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def merge_story_facts(digests: Sequence[ArticleDigest], copies: Mapping[str, str] | None = None) -> StoryFacts:
    """The story's facts across its articles; `copies` maps a syndicated or repeated article's id to its original's."""
    ordered = sorted(digests, key=lambda d: _time(d.article))
    copies = copies or {}
    similar = _Similarity()
    return StoryFacts(
        entities=story_entities(ordered, copies),
        quotes=story_quotes(ordered, copies),
        numbers=story_numbers(ordered, copies, similar),
        timeline=story_timeline(ordered, similar),
    )


def source_ref(article: Article, span: Span) -> SourceRef:
    return SourceRef(span.text, span.start, span.end, article.id, article.source, article.published, _day_only(article))


def _day_only(article: Article) -> bool:
    return DATE_ONLY in article.flags


def _time(article: Article) -> datetime:
    return _time_of(article.published)


def _time_of(published: datetime | None) -> datetime:
    published = published or _EARLIEST
    return published if published.tzinfo else published.replace(tzinfo=UTC)


def _position(article: Article, span: Span) -> float:
    """Where in its article a fact sits, 0 at the top: news puts what matters most first."""
    return span.start / max(len(article.text), 1)


# --- entities -------------------------------------------------------------------------------------------------


def story_entities(digests: Sequence[ArticleDigest], copies: Mapping[str, str]) -> list[StoryEntity]:
    """Entities joined across articles by name and alias, most salient first: an entity central to several
    outlets' reports outranks one named often by a single outlet (copies add sources, not salience)."""
    outlets = {d.article.id: d.article.source for d in digests}
    ranked = []
    for members in group_across_articles([d.facts for d in digests]):
        label, name = group_label_and_name(members)
        salience: dict[str, float] = {}
        for entity, article_id in members:
            if article_id not in copies:
                salience[article_id] = max(salience.get(article_id, 0.0), entity.salience)
        article_ids = {a for _, a in members}
        mentions = sum(e.count for e, _ in members)
        merged = StoryEntity(name, label, mentions, len(article_ids), sorted({outlets[a] for a in article_ids}))
        ranked.append((-sum(salience.values()), -mentions, name, merged))
    return [merged for *_, merged in sorted(ranked, key=lambda r: r[:3])]


# --- quotes ---------------------------------------------------------------------------------------------------


def normalise_quote(text: str) -> str:
    """The quote's words only: case, punctuation, quote marks and spacing ignored."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def same_quote(a: str, b: str) -> bool:
    """Normalised quotes that are equal, or one of which runs inside the other at word boundaries (a trimmed
    quote)."""
    return bool(a and b) and (f" {a} " in f" {b} " or f" {b} " in f" {a} ")


def story_quotes(digests: Sequence[ArticleDigest], copies: Mapping[str, str] | None = None) -> list[StoryQuote]:
    """One StoryQuote per quote however many articles carry it (`digests` in publication order), most outlets first
    (a copy, in `copies`, whose original carries the quote is a source but no outlet of its own), direct quotes
    before reported speech, then the newest first: of a speaker's statements told by as many outlets, the latest is
    where the story stands ("We are past the peak" after "The river has not finished rising"), then the earliest in
    its article.

    Identical quotes are bucketed first, so a story carried by thousands of copies costs one comparison per pair of
    distinct quotes, not per pair of carriers."""
    buckets: dict[str, list[tuple[Article, Quote]]] = defaultdict(list)
    for digest in digests:
        for quote in digest.facts.quotes:
            buckets[normalise_quote(quote.text)].append((digest.article, quote))
    keys = list(buckets)
    groups = _components(len(keys), lambda i, j: same_quote(keys[i], keys[j]))
    merged = []
    for members in groups:
        quotes = sorted((pair for i in members for pair in buckets[keys[i]]), key=lambda pair: _time(pair[0]))
        sources, seen = [], set()
        for article, quote in quotes:
            if article.id not in seen:  # one source per article, even if it repeats the quote
                seen.add(article.id)
                sources.append(source_ref(article, quote))
        speaker = _speaker(q for _, q in quotes)
        role = next((q.speaker_role for _, q in quotes if q.speaker == speaker and q.speaker_role), None)
        kind = "direct" if any(q.kind == "direct" for _, q in quotes) else quotes[0][1].kind
        first_article, first = quotes[0]
        story_quote = StoryQuote(first.text, speaker, role, kind, sources)
        carriers = {a.id for a, _ in quotes}
        outlets = len({a.source for a, _ in quotes if (copies or {}).get(a.id) not in carriers})
        newest = -_time(first_article).timestamp()  # when it was first said: a late copy makes no quote new
        merged.append((-outlets, kind != "direct", newest, _position(first_article, first), story_quote))
    return [q for *_, q in sorted(merged, key=lambda m: m[:4])]


def _speaker(quotes: Iterable[Quote]) -> str | None:
    """The speaker the carriers name most often (first named on a tie); None only when none names one."""
    named = Counter(q.speaker for q in quotes if q.speaker)
    return named.most_common(1)[0][0] if named else None


# --- numbers --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def lemma(word: str, pos: str = "NOUN") -> str:
    """A word's lemma from spaCy's rule lemmatiser, given its part of speech ("shelters" -> "shelter", "said" as a
    verb -> "say"): a word alone needs no tagging."""
    doc = Doc(load_nlp().vocab, words=[word])
    doc[0].pos_ = pos
    return load_nlp().get_pipe("lemmatizer")(doc)[0].lemma_.casefold()


def counted_head(number: NumberFact) -> str | None:
    """What a number counts, as one lemma: the counted phrase's head noun, else a quantity's unit word ("6.9
    metres" -> "metre"), else "" for money and percentages (their kind is their unit); None for a bare count."""
    if number.counts and (words := LETTERS.findall(number.counts)):
        return lemma(words[-1])
    if number.kind == "QUANTITY" and (words := LETTERS.findall(number.text)):
        return lemma(words[-1])
    return "" if number.kind in ("MONEY", "PERCENT") else None


def _reading(article: Article, number: NumberFact) -> Reading:
    return Reading(
        number.text,
        number.start,
        number.end,
        article.id,
        article.source,
        article.published,
        _day_only(article),
        value=number.value,
    )


class _Similarity:
    """Cosine similarity of sentences, each encoded once per story."""

    def __init__(self) -> None:
        self._vectors: dict[str, np.ndarray] = {}

    def prepare(self, sentences: Iterable[str]) -> None:
        new = sorted({s for s in sentences if s not in self._vectors})
        if new:
            self._vectors.update(zip(new, encode(new), strict=True))

    def __call__(self, a: str, b: str) -> float:
        return 1.0 if a == b else float(self._vectors[a] @ self._vectors[b])


def story_numbers(
    digests: Sequence[ArticleDigest], copies: Mapping[str, str], similar: _Similarity | None = None
) -> list[StoryNumber]:
    """The story's quantities, each with every outlet's reading, reconciled and most reported first."""
    similar = similar or _Similarity()
    by_key: dict[tuple[str, str], list[tuple[Article, NumberFact]]] = defaultdict(list)
    for digest in digests:
        quoted = inside_quotations(digest.article.text, [n.start for n in digest.facts.numbers])
        for number, said in zip(digest.facts.numbers, quoted, strict=True):
            head = counted_head(number)
            if (
                number.value is not None
                and head is not None
                and number.sentence is not None
                and not said
                and is_informative(number)
                and not is_conversion(digest.article.text, number)
            ):
                by_key[(number.kind, head)].append((digest.article, number))
    named = _Named(digests)
    ranked = []
    for kind, found in _joined_heads(by_key, copies, similar, named):
        for quantity in _quantities(found, similar, named) if kind not in UNLINKED else _by_value(found):
            readings = [_reading(article, number) for article, number in quantity]
            phrases = Counter(n.counts for _, n in quantity if n.counts)
            counts = phrases.most_common(1)[0][0] if phrases else ""
            article, first = min(quantity, key=lambda pair: _position(*pair))
            story_number = StoryNumber(counts, kind, _status(quantity), readings)
            outlets = len({a.source for a, _ in quantity})
            key = (not counts, story_number.status == AGREED, -outlets, _position(article, first))
            ranked.append((key, story_number))
    return [n for _, n in sorted(ranked, key=lambda r: r[0])]


def _joined_heads(
    by_key: Mapping[tuple[str, str], list[tuple[Article, NumberFact]]],
    copies: Mapping[str, str],
    similar: _Similarity,
    named: Callable[[Article, NumberFact], frozenset[str]],
) -> list[tuple[str, list[tuple[Article, NumberFact]]]]:
    """The readings of each kind and counted head, less repeated copies, with the heads of counts joined where two
    outlets give one value for them in sentences that say the same thing (SAME_MATTER), of the same place or body
    and both counts or both rates: outlets name one crowd in different nouns ("3,400 members of the union", "some
    3,400 dockworkers", "about 3,400 strikers"), and apart, the three would look like three figures, one outlet
    each, beside another outlet's disputed 2,900. Different values of different nouns stay apart (`_quantities`)."""
    groups = {key: _without_repeated_copies(found, copies) for key, found in by_key.items()}
    heads = DisjointSet(groups)
    by_value: dict[tuple[str, float], list[tuple[tuple[str, str], Article, NumberFact]]] = defaultdict(list)
    for key, found in groups.items():
        if key[0] not in UNLINKED:
            for article, number in found:
                by_value[key[0], number.value].append((key, article, number))  # type: ignore[index]
    shared = [readings for readings in by_value.values() if len({key for key, _, _ in readings}) > 1]
    similar.prepare(n.sentence.text for readings in shared for _, _, n in readings)  # type: ignore[union-attr]
    for readings in shared:
        for (key_a, a, m), (key_b, b, n) in itertools.combinations(readings, 2):
            if (
                not heads.connected(key_a, key_b)
                and a.id != b.id
                and is_rate(m) == is_rate(n)
                and _same_subject(named(a, m), named(b, n))
                and similar(m.sentence.text, n.sentence.text) >= SAME_MATTER  # type: ignore[union-attr]
            ):
                heads.merge(key_a, key_b)
    return [(next(iter(keys))[0], [pair for key in sorted(keys) for pair in groups[key]]) for keys in heads.subsets()]


def _by_value(found: list[tuple[Article, NumberFact]]) -> list[list[tuple[Article, NumberFact]]]:
    """Figures: readings of one value, split where one is a rate and another a count ("a dozen ships a day" more at
    anchor is not "12 ships have diverted": citing both outlets for either would credit one with what it never said)
    and where readings in a unit measure different things (`_same_measured`: "9 basis points" off the ten-year and
    off the two-year yield are two figures). A reading that names nothing it measures joins its value's figure only
    where that figure measures one thing; otherwise it stands apart."""
    by_value: dict[tuple[float, bool], list[tuple[Article, NumberFact]]] = defaultdict(list)
    for article, number in found:
        by_value[number.value, is_rate(number)].append((article, number))  # type: ignore[index]
    figures = []
    for readings in by_value.values():
        measured: list[list[tuple[Article, NumberFact]]] = []
        for pair in (pair for pair in readings if pair[1].measures):
            same = next((f for f in measured if _same_measured(f[0][1].measures, pair[1].measures)), None)
            if same is None:
                measured.append([pair])
            else:
                same.append(pair)
        if len(measured) > 1:
            unnamed = [pair for pair in readings if not pair[1].measures]
            figures += [*measured, unnamed] if unnamed else measured
        else:
            figures.append(readings)
    return figures


def is_rate(number: NumberFact) -> bool:
    """Whether the figure is a rate, so many per day, week or year ("grows by 12 ships a day"), as its sentence goes
    on after it, not a count."""
    sentence = number.sentence
    return sentence is not None and bool(_RATE.match(sentence.text, number.end - sentence.start))


def _without_repeated_copies(
    found: list[tuple[Article, NumberFact]], copies: Mapping[str, str]
) -> list[tuple[Article, NumberFact]]:
    """Drop a copy's reading when its original reads the same value: a copy adds no corroboration."""
    values: dict[str, set[float]] = defaultdict(set)
    for article, number in found:
        values[article.id].add(number.value)  # type: ignore[arg-type]
    return [(a, n) for a, n in found if a.id not in copies or n.value not in values.get(copies[a.id], set())]


class _Named:
    """The place or body (GPE, LOC, FAC, ORG; by canonical name) a figure is given for: the one its sentence names
    nearest to it ("El Salvador _ where 140 people died ..., as did Guatemala, where 21 died" gives 140 for El
    Salvador), from the article facts' mentions; ties keep all the nearest."""

    def __init__(self, digests: Sequence[ArticleDigest]) -> None:
        self._mentions = {
            d.article.id: [
                (m.start, m.end, name_key(e.name))
                for e in d.facts.entities
                for m in e.mentions
                if (m.label or e.label) in PLACES | ORGANISATIONS
            ]
            for d in digests
        }

    def __call__(self, article: Article, number: NumberFact) -> frozenset[str]:
        sentence = number.sentence or number
        distances = {
            key: max(start - number.end, number.start - end)
            for start, end, key in self._mentions.get(article.id, [])
            if sentence.start <= start and end <= sentence.end
        }
        nearest = min(distances.values(), default=None)
        return frozenset(k for k, d in distances.items() if d == nearest)


def _quantities(
    found: list[tuple[Article, NumberFact]],
    similar: _Similarity,
    named: Callable[[Article, NumberFact], frozenset[str]],
) -> list[list[tuple[Article, NumberFact]]]:
    """Readings of one counted thing split into quantities: equal values are one figure; two figures are one
    quantity when some reading of each, in different articles, counts the same phrase ("ships" is not "container
    ships") in a sentence that says the same thing (see SAME_MATTER) and does not give it for another place or body
    (`_Named`: a toll in Honduras is not one in Guatemala, House members are not senators) nor of another thing
    measured in the same unit (`_same_measured`: a fall in the ten-year yield is not one in the two-year), unless
    one article states both (a ten-year yield down 9 points and a two-year yield down 11): an article that gives
    two values counts two things.
    """
    figures = _by_value(found)
    if len(figures) > 1:
        similar.prepare(n.sentence.text for _, n in found)  # type: ignore[union-attr]
    stated: dict[str, set[int]] = defaultdict(set)  # the figures each article states
    for k, figure in enumerate(figures):
        for article, _ in figure:
            stated[article.id].add(k)
    pairs = []
    for i, j in itertools.combinations(range(len(figures)), 2):
        closest = max(
            (
                similar(m.sentence.text, n.sentence.text)
                for a, m in figures[i]
                for b, n in figures[j]
                if a.id != b.id
                and _phrase_key(m) == _phrase_key(n)
                and _same_subject(named(a, m), named(b, n))
                and _same_measured(m.measures, n.measures)
            ),
            default=0.0,
        )
        if closest >= SAME_MATTER:
            pairs.append((-closest, i, j))
    members = {i: {i} for i in range(len(figures))}  # most similar pairs join first, never across a stating article
    for _, i, j in sorted(pairs):
        left, right = members[i], members[j]
        if left is not right and not any(left & figures_in and right & figures_in for figures_in in stated.values()):
            joined = left | right
            for k in joined:
                members[k] = joined
    groups = sorted({id(g): sorted(g) for g in members.values()}.values())
    return [[pair for i in group for pair in figures[i]] for group in groups]


def _same_subject(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two sentences may report one quantity unless both name places or bodies and none of them is the same."""
    return not (a and b) or bool(a & b)


def _same_measured(a: str, b: str) -> bool:
    """Two figures in a unit may be one quantity unless both name what they measure (`NumberFact.measures`) and the
    two differ: another head noun ("rate" is not "yield"), or numbers given to it that are not the same ("the
    ten-year bond" is not "the two-year yield"; "10-year" is "ten-year"). Other modifiers may differ, since outlets
    name one thing in different words ("its benchmark rate", "the policy rate")."""
    if not (a and b):
        return True
    (head_a, numbers_a), (head_b, numbers_b) = _measured_key(a), _measured_key(b)
    return head_a == head_b and (not (numbers_a and numbers_b) or numbers_a == numbers_b)


@lru_cache(maxsize=4096)
def _measured_key(phrase: str) -> tuple[str, frozenset[tuple[float, str]]]:
    """A measured noun phrase's head lemma, and each number in it with the lemma of the word it modifies
    ("the yield on the ten-year government bond" -> "yield", {(10, "year")}), from its parse."""
    doc = load_nlp()(phrase)
    head = next((t for t in doc if t.dep_ == "ROOT"), doc[-1])
    numbers = {(value, t.head.lemma_.casefold()) for t in doc if t.like_num and (value := parse_number(t.text))}
    return head.lemma_.casefold(), frozenset(numbers)


def _phrase_key(number: NumberFact) -> str:
    """The counted phrase as lemmas: "homes" and "home" match, "container ships" and "ships" do not."""
    return " ".join(lemma(w) for w in LETTERS.findall(number.counts or ""))


def is_informative(number: NumberFact) -> bool:
    """A figure worth showing on its own: not a count word under ten ("one payment", "two members" name no
    statistic), not a time of day ("21:14 UTC", "6 a.m."), which the timeline carries, nor a heading's number ("2 SEED
    BANKS": `is_heading`), and not a year the tagger took for a count ("the 1948 war"). A count in a year's range
    without a separator ("1,948") is a year unless it directly counts a plural noun ("1500 troops", "1200 people";
    `NumberFact.counts_plural`, read from the parse at extraction): a year before a noun mostly names one thing.
    Money and measures ("$1500", "2000 tonnes") carry their unit and are never years."""
    if number.value is not None and number.value < 10 and not any(c.isdigit() for c in number.text):
        return False
    if _TIME_OF_DAY.search(number.text) or is_heading(number.counts or ""):
        return False
    return number.kind != "CARDINAL" or not _YEAR.search(number.text) or number.counts_plural


def is_heading(words: str) -> bool:
    """Whether words are set in capitals as a heading or a list's label is ("2 VOLUNTEERING AT THE SEED BANK",
    "DANDELION CROQUETTES"), not as a name: several words and no lower-case letter. One word in capitals may be an
    acronym ("NATO", "UNICEF", "U.S.") and is left alone."""
    return len(words.split()) > 1 and LETTERS.search(words) is not None and not any(c.islower() for c in words)


def is_conversion(text: str, number: Span) -> bool:
    """A figure in parentheses right after another figure restates it in other units ("180 mph (290 kph)",
    "120-mph (205-kph) winds"): the first one is the fact, and the restatement is no quantity of its own."""
    return bool(_CONVERSION.search(text, max(0, number.start - 30), number.start))


def _status(quantity: list[tuple[Article, NumberFact]]) -> str:
    """`agreed` for one value; `conflict` when two dated articles of different outlets within SAME_TIME share none
    of their values for it; `changed` when the values differ between dated articles further apart (the figure moved
    between publications); `differ` when the values differ but the order is unknown: undated articles, or one
    outlet's reports at the same time (an outlet's updates are not outlets disagreeing)."""
    values: dict[str, set[float]] = defaultdict(set)
    articles = {}
    for article, number in quantity:
        values[article.id].add(number.value)  # type: ignore[arg-type]
        articles[article.id] = article
    if len(set().union(*values.values())) == 1:
        return AGREED
    dated = [articles[a] for a in values if articles[a].known_published is not None]
    together = [
        (a, b)
        for i, a in enumerate(dated)
        for b in dated[i + 1 :]
        if abs(_time(a) - _time(b)) <= SAME_TIME and not values[a.id] & values[b.id]
    ]
    if any(a.source != b.source for a, b in together):
        return CONFLICT
    return CHANGED if len(dated) == len(values) and not together else DIFFER


# --- timeline -------------------------------------------------------------------------------------------------


def iso_start(iso: str) -> date:
    """First day of a resolved date ("2026-11-25", "2026-11", "2026-W47", "2026-Q3", "2026-SU", "1990/1999")."""
    year = int(iso[:4])
    if m := re.fullmatch(r"\d{4}-(\d{2})-(\d{2})", iso):
        return date(year, int(m.group(1)), int(m.group(2)))
    if m := re.fullmatch(r"\d{4}-W(\d{2})", iso):
        return date.fromisocalendar(year, int(m.group(1)), 1)
    if m := re.fullmatch(r"\d{4}-Q(\d)", iso):
        return date(year, 3 * int(m.group(1)) - 2, 1)
    if m := re.fullmatch(r"\d{4}-([A-Z]{2})", iso):
        return date(year, _SEASON_MONTHS.get(m.group(1), 1), 1)
    if m := re.fullmatch(r"\d{4}-(\d{2})", iso):
        return date(year, int(m.group(1)), 1)
    return date(year, 1, 1)


def story_timeline(digests: Sequence[ArticleDigest], similar: _Similarity | None = None) -> list[TimelineEntry]:
    """One entry per (date, event) in date order; the earliest outlet's wording stands for an event that several
    outlets report (`digests` in publication order)."""
    similar = similar or _Similarity()
    by_date: dict[str, list[TimelineEntry]] = defaultdict(list)
    for digest in digests:
        article = digest.article
        dated = [(f, f.sentence, f.iso[:10]) for f in digest.facts.dates if f.iso and f.sentence and names_its_day(f)]
        # a sentence in the middle of a quotation, or a date inside one, is the speaker's account
        quoted = inside_quotations(article.text, [at for fact, s, _ in dated for at in (s.start, fact.start)])
        for (fact, sentence, day), sentence_quoted, date_quoted in zip(dated, quoted[::2], quoted[1::2], strict=True):
            if sentence_quoted or date_quoted or not is_event(article.text, fact, sentence):
                continue
            entry = TimelineEntry(day, source_ref(article, fact), source_ref(article, sentence))
            by_date[day].append(entry)
    similar.prepare(e.sentence.text for entries in by_date.values() if len(entries) > 1 for e in entries)
    timeline = []
    for entries in by_date.values():
        kept: list[TimelineEntry] = []
        for entry in entries:
            if not any(_same_event(entry, other, similar) for other in kept):
                kept.append(entry)
        timeline += kept
    return sorted(timeline, key=lambda e: (iso_start(e.iso), e.iso))


def names_its_day(fact: DateFact) -> bool:
    """Whether a date names the day of what its sentence reports: a day (not a month or a year, which are background)
    that the text names, not one read off another date ("the next day" is only as right as the date it hangs on,
    which the reader may not see) or a part of a day or clock time that names none ("works at night", "at 8:51
    p.m."), and that times the sentence's own event (`DateFact.main_event`)."""
    day_named = bool(fact.iso and _DAY.match(fact.iso)) and not _BARE_TIME.fullmatch(fact.text)
    return day_named and fact.main_event and not fact.anaphoric


def is_event(text: str, date: Span, sentence: Span) -> bool:
    """Whether a dated sentence, not inside a quotation, reports an event in the outlet's own words and can be shown
    alone (it does not open by pointing back: "He said ..."): it does not open a quotation or hold one that runs on
    across it (an odd number of marks), it is not an embedded post (a link or a handle), and it is not a chronology
    line that opens with its own date and a colon ("Oct. 9, 1998: ... appoints him"), a list of background the outlet
    appends, whose date the entry would print twice."""
    words, before = sentence.text, text[sentence.start : date.start]
    if opens_with_quote(words) or odd_quote_marks(words) or points_back(words) or EMBEDDED_POST.search(words):
        return False
    return not (not before.strip(_LEAD) and _COLON.match(text, date.end))


def _same_event(a: TimelineEntry, b: TimelineEntry, similar: Callable[[str, str], float]) -> bool:
    if a.sentence.article_id == b.sentence.article_id:
        return a.sentence.start == b.sentence.start
    return similar(a.sentence.text, b.sentence.text) >= SAME_MATTER


# --- shared ---------------------------------------------------------------------------------------------------


def _components(count: int, linked: Callable[[int, int], bool]) -> list[list[int]]:
    """Connected components of items 0..count-1 under `linked`, each in index order, ordered by first member."""
    linked_sets = DisjointSet(range(count))
    for i in range(count):
        for j in range(i + 1, count):
            if not linked_sets.connected(i, j) and linked(i, j):
                linked_sets.merge(i, j)
    return sorted((sorted(group) for group in linked_sets.subsets()), key=lambda g: g[0])
