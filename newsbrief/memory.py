"""New or developing: match today's stories to the stories of earlier briefs, and say what is new since then.

A story continues an earlier one when they share an article (the same article id), else when their texts
(headline and summary) are similar enough: cosine of MiniLM embeddings >= `SIMILARITY`, a value chosen by
5-fold cross-validation over the clusters of `cluster/duc2004_dev.jsonl` (`bench/memory_eval.py`: earlier and
later halves of each cluster as yesterday's and today's story; the folds chose 0.42, 0.46, 0.46, 0.54 and 0.46 and
the median is kept; held-out decision accuracy 0.60-1.00, mean 0.82). Of several earlier stories that qualify, the
one of the most recent brief wins, then the most similar. `LOOKBACK_DAYS` is not fitted: a week covers a story
that pauses over a weekend.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from newsbrief.embed import encode
from newsbrief.records import NumberChange, PreviousStory, Reading, Story, StoryChanges, StoryFacts, StoryNumber
from newsbrief.store import StoredStory, content_hash, story_text

SIMILARITY = 0.46
LOOKBACK_DAYS = 7
NEW, DEVELOPING = "new", "developing"


def remember(stories: Sequence[Story], earlier: Sequence[StoredStory], day: date) -> None:
    """Set `status`, `first_seen`, `previous` and `changes` on each of today's stories (in place)."""
    matches = match_earlier(stories, earlier)
    for story, match in zip(stories, matches, strict=True):
        if match is None:
            story.status, story.first_seen, story.previous, story.changes = NEW, day, None, None
            continue
        story.status = DEVELOPING
        story.first_seen = match.first_seen
        story.previous = PreviousStory(match.id, match.day, match.headline)
        story.changes = changes_since(story, match)


def match_earlier(stories: Sequence[Story], earlier: Sequence[StoredStory]) -> list[StoredStory | None]:
    """For each story, the earlier story it continues, or None when it is new."""
    if not stories or not earlier:
        return [None] * len(stories)
    similarity = encode([story_text(s) for s in stories]) @ encode([s.text for s in earlier]).T
    matches: list[StoredStory | None] = []
    for row, story in zip(similarity, stories, strict=True):
        ids = {d.article.id for d in story.articles}
        shared = [len(ids & set(e.articles)) for e in earlier]
        qualifies = [n > 0 or score >= SIMILARITY for n, score in zip(shared, row, strict=True)]
        if not any(qualifies):
            matches.append(None)
            continue
        best = max(
            (i for i, ok in enumerate(qualifies) if ok), key=lambda i: (earlier[i].day, shared[i] > 0, float(row[i]))
        )
        matches.append(earlier[best])
    return matches


def changes_since(story: Story, previous: StoredStory) -> StoryChanges:
    """What the story has that the earlier brief's story did not: articles, outlets, quotes, figures, events."""
    facts = story.facts
    told_quotes = {_normal(q.text) for q in previous.facts.quotes}
    told_events = {(e.iso, _normal(e.sentence.text)) for e in previous.facts.timeline}
    return StoryChanges(
        since=previous.day,
        articles=[d.article.id for d in story.articles if d.article.id not in previous.articles],
        updated=[
            d.article.id
            for d in story.articles
            if d.article.id in previous.articles and previous.articles[d.article.id] != content_hash(d.article)
        ],
        outlets=sorted(set(story.sources) - set(previous.sources)),
        quotes=[q for q in facts.quotes if _normal(q.text) not in told_quotes],
        numbers=changed_numbers(previous.facts, facts),
        timeline=[e for e in facts.timeline if (e.iso, _normal(e.sentence.text)) not in told_events],
    )


def changed_numbers(before: StoryFacts, after: StoryFacts) -> list[NumberChange]:
    """Figures counting the same thing whose latest value moved: the earlier brief's latest reading, then today's."""
    earlier = {(n.kind, _normal(n.counts)): n for n in before.numbers if n.counts}
    changes = []
    for number in after.numbers:
        old = earlier.get((number.kind, _normal(number.counts)))
        if old is None or not old.readings or not number.readings:
            continue
        then, now = _latest(old), _latest(number)
        if then.value is not None and now.value is not None and then.value != now.value:
            changes.append(NumberChange(number.counts, then, now))
    return changes


def lookback_start(day: date) -> date:
    return day - timedelta(days=LOOKBACK_DAYS)


def _latest(number: StoryNumber) -> Reading:
    dated = [r for r in number.readings if r.published is not None]
    return max(dated, key=lambda r: r.published) if dated else number.readings[-1]


def _normal(text: str) -> str:
    return " ".join(text.lower().split())
