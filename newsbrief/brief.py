"""Compose the stages into a Brief without Prefect: the flow calls these same functions as tasks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from newsbrief.facts import extract_facts
from newsbrief.records import Article, ArticleDigest, Brief, Facts, Skipped, Story, TopEntity
from newsbrief.summarise import SummaryOptions, get_summariser

PEOPLE = ("PERSON", "PER")
ORGANISATIONS = ("ORG",)
PLACES = ("GPE", "LOC", "FAC")


def digest_articles(articles: Sequence[Article], summariser: str, options: SummaryOptions) -> list[ArticleDigest]:
    """Summaries and facts for a batch of articles; each model runs once over the whole batch."""
    summaries = get_summariser(summariser, options).summarise(articles)
    facts = extract_facts(articles)
    return [ArticleDigest(a, s, f) for a, s, f in zip(articles, summaries, facts, strict=True)]


def assemble_brief(
    day: date, stories: list[Story], skipped: list[Skipped], timezone: str = "UTC", top: int = 8
) -> Brief:
    facts = [d.facts for s in stories for d in s.articles]
    return Brief(
        date=day,
        generated_at=datetime.now(ZoneInfo(timezone)),
        stories=stories,
        skipped=skipped,
        top_people=top_entities(facts, PEOPLE, top),
        top_organisations=top_entities(facts, ORGANISATIONS, top),
        top_places=top_entities(facts, PLACES, top),
        timezone=timezone,
    )


def top_entities(facts: Sequence[Facts], labels: Sequence[str], limit: int) -> list[TopEntity]:
    """The day's most mentioned entities of some types, counted across articles.

    Names are merged across articles when one is the word-suffix or prefix of exactly one longer name ("Kim"
    into "Kim Jong-un"), because outlets differ in how fully they name the same entity.
    """
    mentions: dict[str, int] = {}
    articles: dict[str, set[str]] = {}
    label_of: dict[str, str] = {}
    for article_facts in facts:
        for entity in article_facts.entities:
            if entity.label not in labels:
                continue
            mentions[entity.name] = mentions.get(entity.name, 0) + entity.count
            articles.setdefault(entity.name, set()).add(article_facts.article_id)
            label_of.setdefault(entity.name, entity.label)
    canonical = _merge_names(sorted(mentions, key=len, reverse=True))
    merged: dict[str, TopEntity] = {}
    for name, full in canonical.items():
        top = merged.setdefault(full, TopEntity(name=full, label=label_of[full], mentions=0, articles=0))
        top.mentions += mentions[name]
    for full, top in merged.items():
        top.articles = len(set().union(*(articles[n] for n, f in canonical.items() if f == full)))
    return sorted(merged.values(), key=lambda t: (-t.articles, -t.mentions, t.name))[:limit]


def _merge_names(longest_first: list[str]) -> dict[str, str]:
    canonical: dict[str, str] = {}
    fulls: list[list[str]] = []
    for name in longest_first:
        words = name.split()
        matches = [f for f in fulls if words in (f[-len(words) :], f[: len(words)])]
        if len(matches) != 1:  # new, or ambiguous ("Lee" of two different Lees): keep it apart
            fulls.append(words)
            matches = [words]
        canonical[name] = " ".join(matches[0])
    return canonical
