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


def test_a_day_is_told_as_its_newest_report_tells_it() -> None:
    """Of two events on one day (entries in publication order), the later report's: it knows how the day went."""
    published = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    article = Article(id="a", url=None, source="Wire", title="Ferry", text=TEXT, published=published)
    plan = TimelineEntry("2026-11-24", _ref("Tuesday"), _ref("Ferries will resume on Friday."))
    outcome = _entry("2026-11-24", "The harbour reopened on Tuesday.", "Tuesday")
    digest = ArticleDigest(article, Summary("a", "lead", []), Facts("a"))
    story = Story(id="s", headline="Ferry", articles=[digest], summary=[], facts=StoryFacts(timeline=[plan, outcome]))
    assert [e.sentence.text for e in dict(timeline_parts(story))["When"]] == ["The harbour reopened on Tuesday."]
