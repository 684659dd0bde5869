"""Compose the stages into a Brief without Prefect: the flow calls these same functions as tasks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from newsbrief.facts import ORGANISATIONS, PEOPLE, PLACES, extract_facts, merge_across_articles
from newsbrief.records import Article, ArticleDigest, Brief, Skipped, Story, WatchSection
from newsbrief.stories import Watchlist
from newsbrief.summarise import SummaryOptions, get_summariser


def digest_articles(articles: Sequence[Article], summariser: str, options: SummaryOptions) -> list[ArticleDigest]:
    """Summaries and facts for a batch of articles; each model runs once over the whole batch."""
    summaries = get_summariser(summariser, options).summarise(articles)
    facts = extract_facts(articles)
    return [ArticleDigest(a, s, f) for a, s, f in zip(articles, summaries, facts, strict=True)]


def assemble_brief(
    day: date,
    stories: list[Story],
    skipped: list[Skipped],
    timezone: str = "UTC",
    top: int = 8,
    *,
    watchlists: Sequence[Watchlist] = (),
    max_words: int | None = None,
    glance: int = 8,
) -> Brief:
    """The Brief record: ranked stories, a section per watchlist with the stories that matched it (in rank order),
    and the day's most mentioned people, organisations and places across all articles."""
    facts = [d.facts for s in stories for d in s.articles]
    sections = [
        WatchSection(w.name, [s.id for s in stories if any(m.name == w.name for m in s.watch)]) for w in watchlists
    ]
    return Brief(
        date=day,
        generated_at=datetime.now(ZoneInfo(timezone)),
        stories=stories,
        skipped=skipped,
        top_people=merge_across_articles(facts, PEOPLE)[:top],
        top_organisations=merge_across_articles(facts, ORGANISATIONS)[:top],
        top_places=merge_across_articles(facts, PLACES)[:top],
        timezone=timezone,
        watchlists=[section for section in sections if section.story_ids],
        max_words=max_words,
        glance=glance,
    )
