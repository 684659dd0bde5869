"""Plain typed records that flow one way through the pipeline: Article -> Summary/Facts -> Story -> Brief.

Every piece of text a brief shows carries the id of the article it came from and character offsets into that
article's `text`, so `article.text[start:end]` reproduces it: that is what makes the brief traceable.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates and containers as JSON-ready values (dates in ISO 8601)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value)] + list(getattr(value, "json_extras", ()))
        return {name: to_jsonable(getattr(value, name)) for name in names}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


UNTITLED = "title_from_text"  # Article flag: the outlet gave no title, so its first sentence stands in
SOURCE_FROM_LOCATION = "source_from_location"  # Article flag: no outlet name in the record; its host or file names it
OPINION = "opinion"  # Article flag: its address files it under opinion or comment: the writer's views, not a report
# Article flags that say where the date of an article whose own record has none came from, so a reader of brief.json
# can weigh it: the linked page's metadata, the feed's own date (when the feed was updated), the file's mtime.
DATE_FROM_PAGE = "date_from_page"
DATE_FROM_FEED = "date_from_feed"
DATE_FROM_FILE_TIME = "date_from_file_time"  # a guess: "Monday" in such an article is not resolved against it
# Article flag: its date names the day but not the time of day ("2015-03-18"), so `published` is that day's midnight
# UTC, a placeholder the brief does not show as a time.
DATE_ONLY = "date_only"
SNIPPET_ONLY = "snippet_only"  # Article flag: a feed item's snippet, kept because its page could not be used


@dataclass
class Article:
    """One readable news item. `text` is the cleaned body that every offset in the brief points into."""

    id: str
    url: str | None
    source: str
    title: str
    text: str
    published: datetime | None = None
    language: str = "en"
    author: str | None = None
    fetched_at: datetime | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def known_published(self) -> datetime | None:
        """The publication date, unless ingest guessed it from a file's modification time (a copy or a checkout
        resets that): a guess may place the article in the day's window, but it orders nothing and dates nothing."""
        return None if DATE_FROM_FILE_TIME in self.flags else self.published


@dataclass
class Skipped:
    """An input that could not be used, and why; listed in the brief so nothing disappears silently."""

    source: str
    reason: str
    url: str | None = None
    title: str | None = None


@dataclass
class Span:
    """A verbatim piece of an article: `text == article.text[start:end]`."""

    text: str
    start: int
    end: int


@dataclass
class SummarySentence(Span):
    """One summary sentence. Extractive ones are source spans; abstractive ones point at their best support."""

    article_id: str = ""
    score: float = 0.0
    abstractive: bool = False
    support: Span | None = None
    support_score: float | None = None
    flags: list[str] = field(default_factory=list)
    source: str = ""  # the article's outlet: story summaries mix outlets, so each sentence names its own


@dataclass
class Summary:
    article_id: str
    method: str
    sentences: list[SummarySentence]
    notes: list[str] = field(default_factory=list)


@dataclass
class Mention(Span):
    """One occurrence of an entity; `label` is the type tagged in its own context ("New York" the team is ORG, the
    city LOC), while the entity's label is its mentions' majority."""

    label: str = ""


@dataclass
class Entity:
    """A named thing with all its mentions in one article (aliases merged under one canonical name)."""

    name: str
    label: str
    mentions: list[Mention]
    salience: float = 0.0
    json_extras: ClassVar[tuple[str, ...]] = ("count",)  # derived values that brief.json carries too

    @property
    def count(self) -> int:
        return len(self.mentions)


@dataclass
class Quote(Span):
    """Quoted or reported speech; `text` is verbatim, the speaker resolved where the article names one."""

    speaker: str | None = None
    speaker_role: str | None = None
    speaker_span: Span | None = None
    kind: str = "direct"  # direct | reported


@dataclass
class DateFact(Span):
    """A time expression and, where it can be resolved against the publication date, its TimeML value: an ISO date
    for a DATE, `...THH:MM` for a TIME, `P3M` for a DURATION or a SET ("every month")."""

    iso: str | None = None
    sentence: Span | None = None
    kind: str = "DATE"  # TimeML type: DATE | TIME | DURATION | SET
    anaphoric: bool = False  # read off another date in the text ("the next day"), not the publication date
    main_event: bool = True  # times what its sentence reports, not a clause or noun inside it (`times_main_event`)


@dataclass
class NumberFact(Span):
    """Money, percentages, quantities and counts, with the phrase they count and their sentence."""

    kind: str = ""  # MONEY | PERCENT | QUANTITY | CARDINAL
    value: float | None = None
    counts: str | None = None
    sentence: Span | None = None
    # What a figure in a unit of measure measures, in its clause's words ("the two-year yield" for "11 basis
    # points"); "" for a count of things or when the parse names nothing.
    measures: str = ""
    # Whether the counted phrase follows the figure at once with a plural head noun, as its sentence's parse tags it
    # ("1500 troops", "1200 people"; not "the 1948 war"): a year-shaped count is a count only then.
    counts_plural: bool = False


@dataclass
class Event(Span):
    """Who did what: a subject-action-object triple read from the dependency parse; `text` is its sentence.

    `action` is in the sentence's own words, with what qualifies it ("was not imposed by", "could buy"); the flags
    repeat that for programs: `negated`, `modal` (the modal and hedging words), `passive`, and `reported` when a
    source is given for it (a quotation, "officials said", "according to")."""

    subject: str = ""
    action: str = ""
    object: str = ""
    subject_span: Span | None = None
    object_span: Span | None = None
    negated: bool = False
    modal: str = ""
    passive: bool = False
    reported: bool = False


@dataclass
class Facts:
    article_id: str
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateFact] = field(default_factory=list)
    numbers: list[NumberFact] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass
class ArticleDigest:
    """An article as the brief shows it: the record itself, its summary and its facts."""

    article: Article
    summary: Summary
    facts: Facts


@dataclass
class SourceRef(Span):
    """Where a merged story fact was found: a verbatim span of one article, with that article's outlet and time."""

    article_id: str = ""
    source: str = ""
    published: datetime | None = None
    date_only: bool = False  # `published` names the day only (the article's `date_only`): no time to show


@dataclass
class StoryEntity:
    """An entity across a story's articles: how often and by how many outlets it is named."""

    name: str
    label: str
    mentions: int
    articles: int
    sources: list[str] = field(default_factory=list)


@dataclass
class StoryQuote:
    """One quote however many outlets carry it: the text as the first carries it, every carrier as a source."""

    text: str
    speaker: str | None
    speaker_role: str | None
    kind: str  # direct | reported
    sources: list[SourceRef] = field(default_factory=list)


@dataclass
class Reading(SourceRef):
    """One outlet's figure for something counted: the number's span, its value and where it was read."""

    value: float | None = None


@dataclass
class StoryNumber:
    """A quantity the story's outlets report, reconciled: `agreed` (one value), `changed` (values that move with
    publication time, e.g. a rising toll), `conflict` (different values at about the same time) or `differ`
    (different values from undated articles, order unknown)."""

    counts: str
    kind: str
    status: str
    readings: list[Reading] = field(default_factory=list)


@dataclass
class TimelineEntry:
    """A dated event of the story: the resolved date, the date's span and the sentence that says what happened."""

    iso: str
    date: SourceRef
    sentence: SourceRef


@dataclass
class StoryFacts:
    entities: list[StoryEntity] = field(default_factory=list)
    quotes: list[StoryQuote] = field(default_factory=list)
    numbers: list[StoryNumber] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)


@dataclass
class WatchMatch:
    """A watchlist that a story matched, with the terms or entities it matched on."""

    name: str
    matched: list[str] = field(default_factory=list)


@dataclass
class PreviousStory:
    """The story of an earlier brief that today's story continues."""

    id: str
    date: date
    headline: str


@dataclass
class NumberChange:
    """A figure that moved since the last brief: the reading the earlier brief showed and today's latest one."""

    counts: str
    before: Reading
    after: Reading


@dataclass
class StoryChanges:
    """What a developing story adds since the earlier brief `since`: only items that brief did not have."""

    since: date
    articles: list[str] = field(default_factory=list)  # ids of articles the earlier brief did not have
    updated: list[str] = field(default_factory=list)  # ids of articles whose text changed under the same id
    outlets: list[str] = field(default_factory=list)
    quotes: list[StoryQuote] = field(default_factory=list)
    numbers: list[NumberChange] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)


@dataclass
class Story:
    """Articles from one or more outlets about the same event, told once.

    `id` is stable across runs for the same articles (it derives from the story's earliest article), ready for
    memory across days. `copies` maps an article id to the id of the article it repeats (a syndicated copy or an
    updated version): copies are sources, not material for the summary.
    """

    id: str
    headline: str
    articles: list[ArticleDigest]
    headline_article_id: str = ""
    summary: list[SummarySentence] = field(default_factory=list)
    facts: StoryFacts = field(default_factory=StoryFacts)
    copies: dict[str, str] = field(default_factory=dict)
    significance: float = 0.0
    reasons: dict[str, float] = field(default_factory=dict)  # the parts of `significance`, for brief.json
    watch: list[WatchMatch] = field(default_factory=list)
    in_full: bool = True  # False: beyond the brief's word budget, listed by headline only
    listed: bool = True  # False: beyond the budget even by headline (a day of hundreds of stories); in brief.json
    status: str = "new"  # new | developing: whether an earlier brief in the store told this story
    first_seen: date | None = None  # the day of the first brief that told it
    previous: PreviousStory | None = None  # for a developing story, the earlier brief's story it continues
    changes: StoryChanges | None = None  # for a developing story, what is new since that brief
    json_extras: ClassVar[tuple[str, ...]] = ("sources", "outlets")

    @property
    def sources(self) -> list[str]:
        return sorted({d.article.source for d in self.articles})

    @property
    def outlets(self) -> list[str]:
        """The outlets that reported the story themselves: sources of copies only are left out."""
        return sorted({d.article.source for d in self.articles if d.article.id not in self.copies})


@dataclass
class TopEntity:
    name: str
    label: str
    mentions: int
    articles: int


@dataclass
class WatchSection:
    """A watchlist's section at the top of the brief: the ids of the stories that matched it, in rank order."""

    name: str
    story_ids: list[str] = field(default_factory=list)


@dataclass
class Brief:
    date: date
    generated_at: datetime
    stories: list[Story]
    skipped: list[Skipped]
    top_people: list[TopEntity] = field(default_factory=list)
    top_organisations: list[TopEntity] = field(default_factory=list)
    top_places: list[TopEntity] = field(default_factory=list)
    timezone: str = "UTC"
    watchlists: list[WatchSection] = field(default_factory=list)
    max_words: int | None = None  # the Markdown brief's budget; stories beyond it are listed by headline only
    glance: int = 8  # stories in "At a glance"
    window_start: datetime | None = None  # the articles briefed were published in [window_start, window_end)
    window_end: datetime | None = None

    @property
    def articles(self) -> list[ArticleDigest]:
        return [d for s in self.stories for d in s.articles]

    @property
    def sources(self) -> list[str]:
        return sorted({d.article.source for d in self.articles})
