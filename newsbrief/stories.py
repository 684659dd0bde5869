"""Group the day's articles into stories: the same event covered by several outlets becomes one entry.

Each article is represented by the MiniLM embedding of its title and lead; articles are merged by average-link
agglomerative clustering and a merge stops below a cosine-similarity threshold. Average link is robust to one
loosely related article chaining two stories together, which single link is not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from newsbrief.embed import encode
from newsbrief.records import ArticleDigest, Story
from newsbrief.text import split_sentences

# Chosen on the DUC 2004 story-clustering dev set (bench/stories_eval.py): the title plus a five-sentence lead at
# 0.40 gives B-cubed F1 84 there; fewer lead sentences or a higher threshold split stories apart.
DEFAULT_THRESHOLD = 0.40
LEAD_SENTENCES = 5


def story_text(digest: ArticleDigest) -> str:
    """Title plus the lead: where news writing states what the story is about."""
    return lead_text(digest.article.text, digest.article.title)


def lead_text(text: str, title: str = "") -> str:
    lead = " ".join(s.text for s in split_sentences(text)[:LEAD_SENTENCES])
    return f"{title}. {lead}" if title else lead


def cluster(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-link agglomerative clustering on cosine similarity of unit vectors; clusters in input order.

    Keeps the sum of pairwise similarities between clusters, so merging is a row update (Lance-Williams) and
    each step is one vectorised arg-max rather than a loop over pairs.
    """
    members = [[i] for i in range(len(vectors))]
    sums = (vectors @ vectors.T).astype(np.float64)
    sizes = np.ones(len(vectors))
    alive = np.ones(len(vectors), dtype=bool)
    while alive.sum() > 1:
        average = sums / np.outer(sizes, sizes)
        average[~alive, :] = -np.inf
        average[:, ~alive] = -np.inf
        np.fill_diagonal(average, -np.inf)
        a, b = np.unravel_index(int(np.argmax(average)), average.shape)
        if average[a, b] < threshold:
            break
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        members[a] = sorted(members[a] + members[b])
        alive[b] = False
    return sorted((members[i] for i in np.flatnonzero(alive)), key=lambda group: group[0])


def group_stories(digests: Sequence[ArticleDigest], threshold: float = DEFAULT_THRESHOLD) -> list[Story]:
    """Stories ordered by how many outlets cover them, then by the earliest article; each story's articles by time."""
    if not digests:
        return []
    vectors = encode([story_text(d) for d in digests])
    stories = []
    for members in cluster(vectors, threshold):
        articles = sorted((digests[i] for i in members), key=_published_key)
        lead = _most_central(members, vectors)
        stories.append(Story(id=digests[lead].article.id, headline=digests[lead].article.title, articles=articles))
    return sorted(stories, key=lambda s: (-len(s.sources), -len(s.articles), _published_key(s.articles[0])))


def _most_central(members: list[int], vectors: np.ndarray) -> int:
    """The member closest to the others: its title is the story's headline."""
    if len(members) == 1:
        return members[0]
    block = vectors[members]
    return members[int(np.argmax((block @ block.T).sum(axis=1)))]


def _published_key(digest: ArticleDigest) -> float:
    published = digest.article.published
    return published.timestamp() if published else float("inf")
