"""The brief's When and Next lines: a dated event the summary already tells is not told again."""

from __future__ import annotations

from datetime import UTC, datetime

from newsbrief.records import (
    Article,
    ArticleDigest,
    Facts,
    SourceRef,
    Story,
    StoryFacts,
    Summary,
    SummarySentence,
    TimelineEntry,
)
from newsbrief.render import timeline_parts

TEXT = (
    "LINDMOOR \u2014 Divers reached the sunken ferry on Monday. "
    "The harbour reopened on Tuesday. "
    "Ferries will resume on Friday."
)


def _ref(words: str) -> SourceRef:
    at = TEXT.index(words)
    return SourceRef(words, at, at + len(words), article_id="a")


def _entry(iso: str, sentence: str, day: str) -> TimelineEntry:
    return TimelineEntry(iso, _ref(day), _ref(sentence))


def test_an_entry_the_summary_tells_without_its_dateline_is_not_told_again() -> None:
    """The summary cut the dateline off the first sentence; the timeline's sentence keeps it: the spans overlap."""
    published = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    article = Article(id="a", url=None, source="Wire", title="Ferry", text=TEXT, published=published)
    first = "LINDMOOR \u2014 Divers reached the sunken ferry on Monday."
    second, third = "The harbour reopened on Tuesday.", "Ferries will resume on Friday."
    timeline = [
        _entry("2026-11-23", first, "Monday"),
        _entry("2026-11-24", second, "Tuesday"),
        _entry("2026-11-27", third, "Friday"),
    ]
    told = _ref("Divers reached the sunken ferry on Monday.")
    summary = [SummarySentence(told.text, told.start, told.end, article_id="a")]
    digest = ArticleDigest(article, Summary("a", "lead", summary), Facts("a"))
    story = Story(id="s", headline="Ferry", articles=[digest], summary=summary, facts=StoryFacts(timeline=timeline))
    parts = dict(timeline_parts(story))
    assert [e.sentence.text for e in parts["When"]] == [second]
    assert [e.sentence.text for e in parts["Next"]] == [third]
    # the same span in another article is another article's sentence, told only if its words are the summary's
    story.summary = [SummarySentence(told.text, told.start, told.end, article_id="b")]
    assert [e.sentence.text for e in dict(timeline_parts(story))["When"]] == [second, first]


def _reported(iso: str, day: str, sentence: str, published: datetime) -> TimelineEntry:
    """An entry read from the copy of TEXT that an outlet published at `published`."""
    refs = [_ref(words) for words in (day, sentence)]
    for ref in refs:
        ref.article_id, ref.published = f"a{published.day}", published
    return TimelineEntry(iso, *refs)


def test_a_past_day_is_told_by_a_report_from_that_day_on_and_a_day_ahead_by_the_latest_plan() -> None:
    """Entries in publication order: Monday's report can only tell Tuesday's plan; Wednesday's tells how it went.
    The latest plan for Friday stands for it, and the sentence it is read from is not told again under a past day."""
    monday, wednesday, thursday = (datetime(2026, 11, day, 9, 0, tzinfo=UTC) for day in (23, 25, 26))
    resume = "Ferries will resume on Friday."
    timeline = [
        _reported("2026-11-24", "Tuesday", "LINDMOOR \u2014 Divers reached the sunken ferry on Monday.", monday),
        _reported("2026-11-24", "Tuesday", "The harbour reopened on Tuesday.", wednesday),
        _reported("2026-11-26", "Friday", resume, thursday),
        _reported("2026-11-27", "Friday", resume, thursday),
    ]
    article = Article(id="a", url=None, source="Wire", title="Ferry", text=TEXT, published=thursday)
    digest = ArticleDigest(article, Summary("a", "lead", []), Facts("a"))
    story = Story(id="s", headline="Ferry", articles=[digest], summary=[], facts=StoryFacts(timeline=timeline))
    parts = dict(timeline_parts(story))
    assert [e.sentence.text for e in parts["When"]] == ["The harbour reopened on Tuesday."]
    assert [e.sentence.text for e in parts["Next"]] == [resume]


def test_a_sentence_naming_two_days_is_told_under_one() -> None:
    """ "Ferries will resume on Friday" read as two days ahead (a misread weekday) is one Next line, not two."""
    thursday = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    resume = "Ferries will resume on Friday."
    timeline = [
        _reported("2026-11-27", "Friday", resume, thursday),
        _reported("2026-11-28", "Friday", resume, thursday),
    ]
    article = Article(id="a", url=None, source="Wire", title="Ferry", text=TEXT, published=thursday)
    digest = ArticleDigest(article, Summary("a", "lead", []), Facts("a"))
    story = Story(id="s", headline="Ferry", articles=[digest], summary=[], facts=StoryFacts(timeline=timeline))
    assert [e.iso for e in dict(timeline_parts(story))["Next"]] == ["2026-11-27"]
