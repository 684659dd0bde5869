"""Which stories matter most today, what to call them, and which watchlists they match.

Significance is a sum of parts that brief.json shows (`Story.reasons`), so a reader can see why a story ranks where
it does. No data set judges news significance, so the weights were set by hand to give this order of precedence,
and are not tuned on any data: breadth of coverage (distinct outlets) counts most, then how many people a story
says were killed, hurt or displaced, then recency, then volume; a watchlist match lifts a story a little (it is
also shown in its own section). Each part grows with the logarithm of its count, so 20 outlets do not drown out
9,000 dead. A casualty figure must count people (see `counts_people`): a nearby harm word once made "half a million
head of cattle", "the 1948 war" and "140 pilot whales dying" tolls. No data set labels person nouns, and no
maintained package ships a WordNet's data on PyPI, so the test is MiniLM's nearest prototype. On the counted head
nouns of the DUC 2004 dev day, labelled by hand before scoring, it calls 47 of 51 person nouns people (not
"delegates", "locals", "prisoners", "Tutsis") and 1 of 65 others ("passports"); the earlier bare "people" /
"animals" / "things" called 50 and 21 (cities, countries, towns, hospitals, seats): `bench/people_test_eval.py`.
The prototypes were chosen on hand-written noun lists before the DUC heads were labelled; the bare plural alone and
the singular alone each failed there in the ways the comment on `_PROTOTYPES` names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from newsbrief.embed import encode
from newsbrief.facts.entities import name_key
from newsbrief.facts.numbers import HARM
from newsbrief.records import ArticleDigest, Story, WatchMatch
from newsbrief.stories.facts import lemma
from newsbrief.text import LETTERS

OUTLET_WEIGHT = 1.0  # per doubling of distinct outlets reporting it themselves (copies count as volume)
CASUALTY_WEIGHT = 0.6  # per factor of ten in the largest count of people killed, hurt or displaced
RECENCY_WEIGHT = 1.0  # a story updated at the brief's cut-off gets all of it, one a day older e^-1 of it
VOLUME_WEIGHT = 0.5  # per doubling of articles
WATCH_WEIGHT = 1.0  # per watchlist matched
RECENCY_HOURS = 24.0

# A casualty figure is a count (CARDINAL: never a date, a measure, money or a share) of people: its counted phrase
# is itself a harm word ("at least 19 were killed" counts "killed", "the death toll ... 357", "victims"), or its head
# noun is nearest the people prototype, summing MiniLM's cosines of the head after "a" in the singular to "a person",
# "a place"... and of the bare plural to "people", "places"... (the top of a noun taxonomy, as in WordNet's, not a
# list of words: "soldiers", "Rwandans" are people; "pilot whales", "head of cattle", "war", "homes" are not). The
# bare plural alone set "villages", "buildings" near "people"; the singular alone reads "troops" as "a troop", a
# unit. And the words around it say the people were harmed (HARM, within _WINDOW): a population ("23 million
# people") does not count. Years ("the 1948 war") never reach here: the story facts drop them (`is_informative`).
_PROTOTYPES = (  # (singular, plural); the first is people
    ("person", "people"),
    ("animal", "animals"),
    ("object", "objects"),
    ("place", "places"),
    ("event", "events"),
)
_WINDOW = 60  # characters either side of a number where its harm words stand
LEAD_SHARE = 0.3  # the top of an article, where a casualty figure is today's news
TOP_ENTITIES = 5  # an entity watch matches a story whose most salient entities include it


@dataclass
class Watchlist:
    """A watchlist from the config: `[[watch]] name = "...", terms = [...], entities = [...]`.

    Terms match as whole phrases in any case; entities by name with aliases resolved as in the facts stage ("US" is
    "United States"). See `watch_matches` for when a story counts as being about one.
    """

    name: str
    terms: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a [[watch]] entry needs a name")
        if not any(t.strip() for t in [*self.terms, *self.entities]):
            raise ValueError(f"watchlist {self.name!r} needs at least one of terms or entities")


def watch_matches(story: Story, watchlists: Sequence[Watchlist]) -> list[WatchMatch]:
    """The watchlists the story is about, each with the terms and entity names it matched on.

    A story is about a term when its headline or summary says it, or at least half of its articles do; about an
    entity when the entity is among its TOP_ENTITIES most salient. A passing mention in one report of a larger story
    ("the satellite will map the flood") does not file that story under the flood."""
    if not watchlists:
        return []
    told = " ".join([story.headline, *(s.text for s in story.summary)])
    texts = [f"{d.article.title}\n{d.article.text}" for d in story.articles]
    top_keys = {name_key(e.name): e.name for e in story.facts.entities[:TOP_ENTITIES]}
    matches = []
    for watch in watchlists:
        matched = [t for t in watch.terms if t.strip() and _is_about(_phrase(t), told, texts)]
        matched += [top_keys[name_key(e)] for e in watch.entities if name_key(e) in top_keys]
        if matched:
            matches.append(WatchMatch(watch.name, list(dict.fromkeys(matched))))
    return matches


def _is_about(term: re.Pattern[str], told: str, texts: Sequence[str]) -> bool:
    return bool(term.search(told)) or 2 * sum(bool(term.search(t)) for t in texts) >= len(texts)


def _phrase(term: str) -> re.Pattern[str]:
    """A term as a whole phrase: its words in order, any case, any white space between them."""
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def highlight_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for all the phrases to highlight in a story's text (longest first, so phrases win)."""
    unique = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile("|".join(_phrase(t).pattern for t in unique), re.IGNORECASE)


def casualties(story: Story) -> float:
    """The largest number of people the story says were killed, hurt, displaced or detained; 0 when none."""
    texts = {d.article.id: d.article.text for d in story.articles}
    counted = [n for n in story.facts.numbers if n.kind == "CARDINAL" and n.counts]
    people = counts_people(n.counts or "" for n in counted)
    largest = 0.0
    for number in counted:
        if not people[number.counts or ""]:
            continue
        for reading in number.readings:
            text = texts.get(reading.article_id, "")
            if reading.start > LEAD_SHARE * len(text):
                continue
            around = text[max(0, reading.start - _WINDOW) : reading.end + _WINDOW]
            if reading.value and reading.value > largest and HARM.search(around):
                largest = reading.value
    return largest


_PEOPLE_CACHE: dict[str, bool] = {}


def counts_people(phrases: Iterable[str]) -> dict[str, bool]:
    """Whether each counted phrase names people: a harm word itself, or a head noun nearest the people prototype.
    Heads are encoded once per process, in one batch per call."""
    heads = {p: (HARM.search(p) is not None, (LETTERS.findall(p) or [""])[-1].casefold()) for p in phrases}
    new = sorted({h for harm, h in heads.values() if not harm and h and h not in _PEOPLE_CACHE})
    if new:
        k = len(_PROTOTYPES)
        singular = encode([f"a {word}" for word in [*(s for s, _ in _PROTOTYPES), *(lemma(h) for h in new)]])
        plural = encode([*(p for _, p in _PROTOTYPES), *new])
        closeness = singular[k:] @ singular[:k].T + plural[k:] @ plural[:k].T
        _PEOPLE_CACHE.update(zip(new, (int(i) == 0 for i in closeness.argmax(axis=1)), strict=True))
    return {p: harm or _PEOPLE_CACHE.get(h, False) for p, (harm, h) in heads.items()}


def significance(story: Story, cutoff: datetime | None) -> tuple[float, dict[str, float]]:
    """The story's score and its parts; `cutoff` is the end of the brief's window (recency is measured to it)."""
    outlets = len(story.outlets)
    reasons = {
        "outlets": OUTLET_WEIGHT * math.log2(1 + outlets),
        "casualties": CASUALTY_WEIGHT * math.log10(1 + casualties(story)),
        "recency": RECENCY_WEIGHT * _recency(story.articles, cutoff),
        "volume": VOLUME_WEIGHT * math.log2(1 + len(story.articles)),
        "watch": WATCH_WEIGHT * len(story.watch),
    }
    reasons = {k: round(v, 3) for k, v in reasons.items()}
    return round(sum(reasons.values()), 3), reasons


def _recency(articles: Sequence[ArticleDigest], cutoff: datetime | None) -> float:
    """exp(-age / RECENCY_HOURS) of the newest dated article; undated stories get the middle value 0.5."""
    newest = newest_published(articles)
    if newest is None or cutoff is None:
        return 0.5
    hours = max(0.0, (cutoff - newest).total_seconds() / 3600)
    return math.exp(-hours / RECENCY_HOURS)


def rank_stories(stories: list[Story], cutoff: datetime | None) -> list[Story]:
    """Stories by significance (highest first); ties (stories far older than the cut-off all score no recency) go to
    the newer story, then to the story id so the order is stable."""
    for story in stories:
        story.significance, story.reasons = significance(story, cutoff)
    return sorted(stories, key=lambda s: (-s.significance, -_timestamp(newest_published(s.articles)), s.id))


def newest_published(articles: Sequence[ArticleDigest]) -> datetime | None:
    """When the newest dated article was published; None for an undated story."""
    return max((d.article.published for d in articles if d.article.published is not None), default=None)


def _timestamp(published: datetime | None) -> float:
    return published.timestamp() if published else 0.0
