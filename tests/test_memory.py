"""New or developing: matching today's stories to earlier briefs, and what is new since then (real MiniLM)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from newsbrief.memory import DEVELOPING, NEW, changed_numbers, remember
from newsbrief.records import (
    Article,
    ArticleDigest,
    Facts,
    Reading,
    SourceRef,
    Story,
    StoryFacts,
    StoryNumber,
    StoryQuote,
    Summary,
    SummarySentence,
)
from newsbrief.store import StoredStory, content_hash

DAY = date(2026, 12, 2)
YESTERDAY = date(2026, 12, 1)
FLOOD = "About 4,800 residents of Marrowby were evacuated as the River Tessel rose past its record level on Tuesday."
FLOOD_BEFORE = "About 4,200 residents of Marrowby were evacuated on Monday as the River Tessel kept rising."
FERRY = "The Oldmere ferry will run every hour from next week, the Oldmere harbour board said."
CHOIR = "The Kestrel Valley youth choir won the national singing contest held in the city of Brannock."


def digest(article_id: str, source: str, text: str) -> ArticleDigest:
    article = Article(
        id=article_id,
        url=f"https://{source.lower().replace(' ', '')}.example/{article_id}",
        source=source,
        title=text.split(",")[0],
        text=text,
        published=datetime(2026, 12, 2, 8, tzinfo=UTC),
    )
    sentence = SummarySentence(text, 0, len(text), article_id=article_id, source=source)
    return ArticleDigest(article, Summary(article_id, "lead", [sentence]), Facts(article_id))


def story(story_id: str, *digests: ArticleDigest, facts: StoryFacts | None = None) -> Story:
    return Story(
        id=story_id,
        headline=digests[0].article.title,
        articles=list(digests),
        summary=[s for d in digests for s in d.summary.sentences],
        facts=facts or StoryFacts(),
    )


def reading(text: str, value: float, source: str, article_id: str, hour: int, day: int = 2) -> Reading:
    published = datetime(2026, 12, day, hour, tzinfo=UTC)
    return Reading(text, 6, 6 + len(text), article_id=article_id, source=source, published=published, value=value)


def evacuated(*readings: Reading) -> StoryNumber:
    return StoryNumber(counts="residents of Marrowby", kind="CARDINAL", status="agreed", readings=list(readings))


def stored(day: date, story_id: str, text: str, articles: dict[str, str], facts: StoryFacts) -> StoredStory:
    return StoredStory(
        day=day,
        id=story_id,
        headline=text.split(",")[0],
        first_seen=date(2026, 11, 30),
        text=text,
        articles=articles,
        sources=["Tessel Courier"],
        entities=[],
        facts=facts,
    )


def test_a_continuing_story_is_developing_with_what_is_new_and_an_unrelated_one_is_new() -> None:
    quote = StoryQuote("We have never seen the water this high", "Ana Rusk", None, "direct")
    new_quote = StoryQuote("The second levee is holding for now", "Ana Rusk", None, "direct")
    before = StoryFacts(numbers=[evacuated(reading("4,200", 4200, "Tessel Courier", "c-1", 18, day=1))], quotes=[quote])
    after = StoryFacts(
        numbers=[evacuated(reading("4,800", 4800, "Marrowby Radio", "r-1", 9))], quotes=[quote, new_quote]
    )
    flood = story("s-flood", digest("r-1", "Marrowby Radio", FLOOD), facts=after)
    choir = story("s-choir", digest("k-1", "Brannock Star", CHOIR))
    earlier = [
        stored(YESTERDAY, "s-flood-old", FLOOD_BEFORE, {"c-1": "h"}, before),
        stored(YESTERDAY, "s-ferry", FERRY, {"f-1": "h"}, StoryFacts()),
    ]
    remember([flood, choir], earlier, DAY)
    assert (choir.status, choir.first_seen, choir.previous, choir.changes) == (NEW, DAY, None, None)
    assert flood.status == DEVELOPING and flood.first_seen == date(2026, 11, 30)
    assert (flood.previous.id, flood.previous.date) == ("s-flood-old", YESTERDAY)
    changes = flood.changes
    assert changes.since == YESTERDAY and changes.articles == ["r-1"] and changes.outlets == ["Marrowby Radio"]
    assert [q.text for q in changes.quotes] == ["The second levee is holding for now"]
    [number] = changes.numbers
    assert (number.before.text, number.after.text) == ("4,200", "4,800")
    assert (number.before.source, number.after.source) == ("Tessel Courier", "Marrowby Radio")


def test_a_shared_article_continues_a_story_however_different_its_text_and_notes_an_update_in_place() -> None:
    ferry = digest("f-1", "Oldmere Post", FERRY)
    today = story("s-ferry", ferry)
    earlier = [stored(YESTERDAY, "s-old", CHOIR, {"f-1": "an older content hash"}, StoryFacts())]
    remember([today], earlier, DAY)
    assert today.status == DEVELOPING and today.previous.id == "s-old"
    assert today.changes.articles == [] and today.changes.updated == ["f-1"]
    unchanged = [stored(YESTERDAY, "s-old", CHOIR, {"f-1": content_hash(ferry.article)}, StoryFacts())]
    remember([today], unchanged, DAY)
    assert today.changes.updated == []


def test_the_most_recent_brief_that_told_the_story_is_the_one_it_continues() -> None:
    flood = story("s-flood", digest("r-1", "Marrowby Radio", FLOOD))
    older = stored(date(2026, 11, 30), "s-first", FLOOD, {}, StoryFacts())
    newer = stored(YESTERDAY, "s-second", FLOOD_BEFORE, {}, StoryFacts())
    remember([flood], [older, newer], DAY)
    assert flood.previous.id == "s-second"


def test_no_earlier_brief_makes_every_story_new() -> None:
    stories = [story("s-flood", digest("r-1", "Marrowby Radio", FLOOD))]
    remember(stories, [], DAY)
    assert stories[0].status == NEW and stories[0].first_seen == DAY


def test_only_figures_of_the_same_thing_whose_latest_value_moved_are_changes() -> None:
    same = StoryFacts(numbers=[evacuated(reading("4,200", 4200, "Tessel Courier", "c-1", 18, day=1))])
    moved = StoryFacts(
        numbers=[
            evacuated(
                reading("4,500", 4500, "Tessel Courier", "c-2", 7), reading("4,800", 4800, "Marrowby Radio", "r-1", 9)
            )
        ]
    )
    [change] = changed_numbers(same, moved)
    assert change.after.text == "4,800"  # the latest of today's readings
    assert changed_numbers(same, same) == []
    other = StoryFacts(numbers=[StoryNumber("sandbags", "CARDINAL", "agreed", [reading("9,000", 9000, "X", "x", 9)])])
    assert changed_numbers(same, other) == []
    assert isinstance(change.before, SourceRef)
