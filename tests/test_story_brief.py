"""The brief as a reader gets it: ranking with visible reasons, watchlists, the word budget, layout and markers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from newsbrief.brief import assemble_brief
from newsbrief.records import (
    Article,
    ArticleDigest,
    Facts,
    Reading,
    Story,
    StoryEntity,
    StoryFacts,
    StoryNumber,
    Summary,
    SummarySentence,
)
from newsbrief.render import MORE_HEADLINES, render_all, render_html, render_markdown, word_total
from newsbrief.stories.rank import Watchlist, casualties, rank_stories, watch_matches

CUTOFF = datetime(2026, 11, 28, tzinfo=UTC)
FILLER = (
    "Officials in the district of Marrowby said that crews worked through the night to clear roads, restore power "
    "to outlying farms and check bridges for damage before schools reopen on Monday morning."
)


def digest(article_id: str, source: str, text: str, title: str, hours_before: float = 2.0) -> ArticleDigest:
    article = Article(
        id=article_id,
        url=f"https://{source.lower().replace(' ', '')}.example/{article_id}",
        source=source,
        title=title,
        text=text,
        published=CUTOFF - timedelta(hours=hours_before),
    )
    first = text.split(". ")[0] + "."
    sentence = SummarySentence(first, 0, len(first), article_id=article_id, source=source)
    return ArticleDigest(article, Summary(article_id, "lead", [sentence]), Facts(article_id))


def story(story_id: str, outlets: list[str], title: str, text: str = FILLER) -> Story:
    digests = [digest(f"{story_id}-{n}", outlet, text, title) for n, outlet in enumerate(outlets)]
    summary = [s for d in digests[:1] for s in d.summary.sentences]
    return Story(
        id=story_id,
        headline=title,
        articles=digests,
        headline_article_id=digests[0].article.id,
        summary=summary,
        facts=StoryFacts(),
    )


STORM = "The storm killed 9,000 people across the delta, officials said on Friday."
CENSUS = "The delta, home to 9,000 people, held its annual regatta on Friday."


def counted(story_: Story, figure: str) -> Story:
    """`story_` with the reading of `figure` in its first article's text as a reconciled story number."""
    article = story_.articles[0].article
    start = article.text.index(figure)
    reading = Reading(figure, start, start + len(figure), article_id=article.id, source=article.source, value=9000)
    story_.facts.numbers = [StoryNumber(counts="people", kind="CARDINAL", status="agreed", readings=[reading])]
    return story_


def test_a_deadly_story_from_fewer_outlets_outranks_a_minor_one_from_more() -> None:
    storm = counted(story("storm", ["Wire", "Courier"], "Storm kills thousands", STORM), "9,000")
    fair = story("fair", ["Wire", "Courier", "Gazette"], "County fair opens")
    ranked = rank_stories([fair, storm], CUTOFF)
    assert [s.id for s in ranked] == ["storm", "fair"]
    assert set(storm.reasons) == {"outlets", "casualties", "recency", "volume", "watch"}
    assert storm.reasons["casualties"] > 2 and fair.reasons["casualties"] == 0
    assert storm.significance == pytest.approx(sum(storm.reasons.values()), abs=0.01)


def test_a_population_is_not_a_casualty_figure() -> None:
    regatta = counted(story("regatta", ["Wire"], "Regatta", CENSUS), "9,000")
    rank_stories([regatta], CUTOFF)
    assert regatta.reasons["casualties"] == 0


def test_older_stories_rank_below_fresh_ones_with_the_same_coverage() -> None:
    fresh, stale = story("fresh", ["Wire"], "Fresh"), story("stale", ["Wire"], "Stale")
    for d in stale.articles:
        d.article.published = CUTOFF - timedelta(days=3)
    assert [s.id for s in rank_stories([stale, fresh], CUTOFF)] == ["fresh", "stale"]
    assert fresh.reasons["recency"] > stale.reasons["recency"]


def test_watchlists_match_whole_phrases_and_entities_through_aliases() -> None:
    talks = story("talks", ["Wire"], "Envoys meet", "Envoys from North Korea met in Geneva on Friday.")
    talks.facts.entities = [StoryEntity("United States", "GPE", 3, 1, ["Wire"])]
    korean = story("korean", ["Wire"], "Food", "A North Korean restaurant opened in Lisbon.")
    watch = Watchlist("Korea", terms=["north korea"], entities=["US"])
    assert [(m.name, m.matched) for m in watch_matches(talks, [watch])] == [("Korea", ["north korea", "United States"])]
    assert watch_matches(korean, [watch]) == []


def test_a_passing_mention_in_one_report_does_not_file_a_story_under_a_watchlist() -> None:
    satellite = story("sat", ["Wire", "Courier", "Gazette"], "Radar satellite reaches orbit", FILLER)
    satellite.articles[2].article.text += " The launch came days after the Orrin flood."
    assert watch_matches(satellite, [Watchlist("Floods", terms=["Orrin flood"])]) == []
    satellite.articles[1].article.text += " Its maps will help in an Orrin flood."
    assert [m.name for m in watch_matches(satellite, [Watchlist("Floods", terms=["Orrin flood"])])] == ["Floods"]


def test_a_watchlist_needs_a_name_and_something_to_match() -> None:
    with pytest.raises(ValueError, match="needs at least one"):
        Watchlist("Empty")
    with pytest.raises(ValueError, match="needs a name"):
        Watchlist(" ", terms=["x"])


def test_watchlist_stories_come_first_with_the_term_highlighted_and_escaped() -> None:
    plain = story("plain", ["Wire", "Courier"], "Harbour dredging starts")
    watched = story("watched", ["Wire"], "Ferry <b>strike</b> spreads", "The ferry strike spread to Orrin on Friday.")
    watched.watch = watch_matches(watched, [Watchlist("Ferries", terms=["ferry strike"])])
    brief = assemble_brief(
        date(2026, 11, 27), [plain, watched], [], watchlists=[Watchlist("Ferries", ["ferry strike"])]
    )
    markdown = render_markdown(brief)
    assert markdown.index("## At a glance") < markdown.index("## Watch: Ferries") < markdown.index("## Stories")
    assert "Ferry \\<b\\>strike\\</b\\> spreads" in markdown
    assert "The **ferry strike** spread to Orrin on Friday." in markdown
    html = render_html(brief)
    assert "<mark>ferry strike</mark>" in html and "<b>strike</b>" not in html
    assert "&lt;b&gt;strike&lt;/b&gt;" in html


def test_the_budget_keeps_the_top_stories_in_full_and_lists_the_rest() -> None:
    stories = [story(f"s{n:02d}", ["Wire", "Courier"], f"Story number {n}") for n in range(30)]
    brief = assemble_brief(date(2026, 11, 27), stories, [], max_words=700)
    outputs = render_all(brief)
    markdown = outputs["brief.md"]
    assert word_total(markdown) <= 700
    full = [s for s in brief.stories if s.in_full]
    assert 1 <= len(full) < 30 and full == brief.stories[: len(full)]
    assert "## More stories" in markdown
    for s in brief.stories:  # nothing is lost: every headline is in the brief, every story in brief.json
        assert s.headline in markdown
    data = json.loads(outputs["brief.json"])
    assert [s["in_full"] for s in data["stories"]] == [s.in_full for s in brief.stories]


def test_a_day_of_hundreds_of_stories_tells_the_top_ones_and_counts_the_rest() -> None:
    stories = [story(f"s{n:03d}", ["Wire"], f"Headline of story number {n} about the harbour") for n in range(300)]
    brief = assemble_brief(date(2026, 11, 27), stories, [], max_words=1500)
    markdown = render_all(brief)["brief.md"]
    assert word_total(markdown) <= 1500
    full = [s for s in brief.stories if s.in_full]
    listed = [s for s in brief.stories if s.listed and not s.in_full]
    assert full == brief.stories[: len(full)] and len(full) >= 3 and len(listed) == MORE_HEADLINES
    assert f"… and {300 - len(full) - MORE_HEADLINES} more, in brief.json" in markdown


def test_summary_sentences_carry_source_markers_and_link_to_the_sentence() -> None:
    one = story("one", ["Wire", "Courier"], "Bridge reopens")
    one.summary.append(SummarySentence(FILLER, 0, len(FILLER), article_id="one-1", source="Courier"))
    brief = assemble_brief(date(2026, 11, 27), [one], [])
    markdown = render_markdown(brief)
    assert "[1]" in markdown and "[2]" in markdown and "Sources: [1] [Wire](<https://wire.example/one-0>)" in markdown
    html = render_html(brief)
    assert 'href="https://courier.example/one-1#:~:text=Officials%20in%20the%20district' in html
    assert "characters 0–" in html and "<details>" in html


def told(story_id: str, text: str) -> Story:
    """A one-outlet story that opens with `text` (its lead), with facts extracted and merged as the stories stage
    does."""
    from newsbrief.facts import extract_facts
    from newsbrief.stories.facts import merge_story_facts

    told_story = story(story_id, ["Wire"], story_id.title(), f"{text} {FILLER}")
    for d in told_story.articles:
        d.facts = extract_facts([d.article])[0]
    told_story.facts = merge_story_facts(told_story.articles)
    return told_story


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        ("Gunmen stormed the Orrin museum on Tuesday, and at least 19 were killed, police said.", 19),
        ("An ambush near Kindu killed 40 government soldiers on Tuesday, the army said.", 40),
        ("The quake brought the number of dead to 4,800 on Tuesday.", 4800),
        ("Rescuers watched 140 pilot whales beaching and dying on the Merrow shore on Tuesday.", 0),
        ("Raids by refugees have wiped out half a million head of cattle in the valley, farmers said.", 0),
        ("Wounded veterans of the 1948 Mideast war gathered in Orrin on Tuesday.", 0),
    ],
)
def test_a_casualty_figure_counts_people(text: str, toll: float) -> None:
    """Only a count of people near a harm word is a toll: not animals, not a measure, not a year."""
    assert casualties(told("told", text)) == toll


def test_stories_equal_in_significance_go_newest_first() -> None:
    """Stories years older than the cut-off all score no recency: the newer still leads, not the lower id."""
    a_older, b_newer = story("a-older", ["Wire"], "Older"), story("b-newer", ["Wire"], "Newer")
    for days, s in ((3000, a_older), (2000, b_newer)):
        for d in s.articles:
            d.article.published = CUTOFF - timedelta(days=days)
    ranked = rank_stories([a_older, b_newer], CUTOFF)
    assert a_older.significance == b_newer.significance
    assert [s.id for s in ranked] == ["b-newer", "a-older"]


def test_people_killed_outrank_animals_dying() -> None:
    museum = told("museum", "Gunmen stormed the Orrin museum on Tuesday, and at least 19 were killed, police said.")
    whales = told("whales", "Rescuers watched 140 pilot whales beaching and dying on the Merrow shore on Tuesday.")
    assert [s.id for s in rank_stories([whales, museum], CUTOFF)] == ["museum", "whales"]
    assert whales.reasons["casualties"] == 0 < museum.reasons["casualties"]
