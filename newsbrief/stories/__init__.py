"""From article digests to stories: group, tell each story once, merge its facts, name it and rank it.

`build_stories` is the stage the flow calls; each step is its own module (`grouping`, `facts`, `rank`, and the
multi-document summariser in `newsbrief.summarise.multidoc`) and works on its own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np

from newsbrief.embed import encode
from newsbrief.records import UNTITLED, ArticleDigest, Story, SummarySentence
from newsbrief.stories.facts import merge_story_facts
from newsbrief.stories.grouping import GroupingOptions, PreparedDay
from newsbrief.stories.rank import Watchlist, rank_stories, watch_matches
from newsbrief.summarise.multidoc import StorySummaryOptions, summarise_stories

__all__ = ["StoryOptions", "Watchlist", "build_stories", "story_id"]

# A sentence that opens with who spoke: a short subject, perhaps with a role in commas, then a speech verb.
_SPEAKER_OPENING = re.compile(
    r"^[^,.;:]{1,50}?(?:,[^,]{1,80},)?\s+(?:said|says|told|tells|added|warned|announced|reported|claimed)\b"
)
# A title that labels a media item, not a report: "... – video", "... - in pictures", "... [Photos]", "VIDEO: ...".
_MEDIA_LABEL = re.compile(
    r"\s[-\u2013\u2014|:]\s*(?:video|audio|podcast|in pictures|photos?|gallery)\s*$"
    r"|[\[(](?:video|audio|photos?|gallery|watch)[\])]\s*$|^\s*[\[(](?:video|audio|photos?|gallery|watch)[\])]"
    r"|^(?:video|watch|photos?|gallery)\s*:",
    re.IGNORECASE,
)
HEADLINE_CHARS = 140
HEADLINE_WINDOW = timedelta(hours=24)  # a headline comes from the story's last day of reports


@dataclass
class StoryOptions:
    grouping: GroupingOptions = field(default_factory=GroupingOptions)
    summary: StorySummaryOptions = field(default_factory=StorySummaryOptions)
    watch: list[Watchlist] = field(default_factory=list)


def story_id(digests: Sequence[ArticleDigest]) -> str:
    """Stable across runs while the story's earliest article is in it: memory across days keys on it."""
    first = min(digests, key=_time_then_id)
    return "s-" + hashlib.sha1(first.article.id.encode("utf-8")).hexdigest()[:10]


def _time_then_id(digest: ArticleDigest) -> tuple[float, str]:
    published = digest.article.published
    return (published.timestamp() if published else float("inf"), digest.article.id)


def build_stories(
    digests: Sequence[ArticleDigest], options: StoryOptions | None = None, cutoff: datetime | None = None
) -> list[Story]:
    """The day's stories, most significant first; `cutoff` is the end of the brief's window, for recency."""
    options = options or StoryOptions()
    if not digests:
        return []
    articles = [d.article for d in digests]
    entities = [{e.name for e in d.facts.entities} for d in digests]
    day = PreparedDay.of(articles, entities, options.grouping)  # finds the copies once, for grouping and for us
    groups = day.stories(options.grouping)
    copy_of = day.copies
    members = [sorted((digests[i] for i in group), key=_time_then_id) for group in groups]
    copies = [
        {digests[i].article.id: digests[copy_of[i]].article.id for i in group if i in copy_of} for group in groups
    ]
    originals = [
        [d for d in story if d.article.id not in story_copies]
        for story, story_copies in zip(members, copies, strict=True)
    ]
    summaries = _story_summaries(originals, options.summary)
    headlines = _headlines(originals, summaries)
    stories = []
    for story, story_copies, summary, (headline, headline_id) in zip(
        members, copies, summaries, headlines, strict=True
    ):
        built = Story(
            id=story_id(story),
            headline=headline,
            headline_article_id=headline_id,
            articles=story,
            summary=summary,
            facts=merge_story_facts(story, story_copies),
            copies=story_copies,
        )
        built.watch = watch_matches(built, options.watch)
        stories.append(built)
    return rank_stories(stories, cutoff)


def _story_summaries(stories: list[list[ArticleDigest]], options: StorySummaryOptions) -> list[list[SummarySentence]]:
    """A story of one article keeps that article's own summary; the others get one summary from all their
    articles, computed for the whole day in one batch."""
    several = [i for i, story in enumerate(stories) if len(story) > 1]
    told = summarise_stories([[d.article for d in stories[i]] for i in several], options)
    result: list[list[SummarySentence]] = []
    for story in stories:
        if len(story) == 1:
            digest = story[0]
            result.append([replace(s, source=s.source or digest.article.source) for s in digest.summary.sentences])
        else:
            result.append([])
    for i, summary in zip(several, told, strict=True):
        result[i] = summary
    return result


def _headlines(stories: list[list[ArticleDigest]], summaries: list[list[SummarySentence]]) -> list[tuple[str, str]]:
    """(headline, article id) per story: of the titles of its last day (`_latest`), the one closest to the others in
    meaning (the most representative). A story with no real title is named by its summary sentence that best covers
    the story on its own (shortened past HEADLINE_CHARS; the brief gives it whole over the story, and not again),
    and not one that opens by naming who spoke ("Etienne Ngangura, a rebel spokesman, said ..."), never by a sentence
    picked for position alone (a made-up title is the article's first sentence, often a dateline, an attribution or a
    columnist's opener). A title labelled as a media item ("... – video", "[Photos]") yields to a report's."""
    titled = [_latest([d for d in story if d.article.title and UNTITLED not in d.article.flags]) for story in stories]
    vectors = iter(encode([d.article.title for story in titled if len(story) > 1 for d in story]))
    result = []
    for story, candidates, summary in zip(stories, titled, summaries, strict=True):
        if len(candidates) == 1:
            chosen = candidates[0]
        elif candidates:
            block = np.stack([next(vectors) for _ in candidates])
            closeness = block @ block.mean(0)
            text = [not _MEDIA_LABEL.search(d.article.title) for d in candidates]  # a report, not a video's label
            chosen = candidates[max(range(len(candidates)), key=lambda i: (text[i], closeness[i]))]
        else:
            reports = [s for s in summary if not _SPEAKER_OPENING.match(s.text)] or summary
            best = max(reports, key=lambda s: s.score, default=None)
            text = best.text if best else story[0].article.title
            result.append((_shorten(text), best.article_id if best else story[0].article.id))
            continue
        result.append((chosen.article.title, chosen.article.id))
    return result


def _latest(digests: list[ArticleDigest]) -> list[ArticleDigest]:
    """The digests published within HEADLINE_WINDOW of the newest dated one (all when none is dated): a running
    story's headline says where it stands now, not how it began."""
    dated = [d.article.published for d in digests if d.article.published is not None]
    if not dated:
        return digests
    newest = max(dated)
    return [d for d in digests if d.article.published and newest - d.article.published <= HEADLINE_WINDOW]


def _shorten(text: str) -> str:
    if len(text) <= HEADLINE_CHARS:
        return text
    return text[:HEADLINE_CHARS].rsplit(" ", 1)[0] + "…"
