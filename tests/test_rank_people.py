"""The casualty test's people test: places and buildings a story says were destroyed are not a toll."""

from __future__ import annotations

import pytest

from newsbrief.facts import extract_facts
from newsbrief.records import Article, ArticleDigest, Story, Summary
from newsbrief.stories.facts import merge_story_facts
from newsbrief.stories.rank import casualties, counts_people


@pytest.mark.parametrize(
    ("phrase", "people"),
    [
        ("government soldiers", True),
        ("troops", True),
        ("Rwandans", True),
        ("civilians", True),
        ("children", True),
        ("police officers", True),
        ("homes", False),
        ("buildings", False),
        ("villages", False),
        ("seats", False),
        ("pilot whales", False),
        ("head of cattle", False),
    ],
)
def test_a_head_noun_counts_people_when_it_names_persons(phrase: str, people: bool) -> None:
    assert counts_people([phrase])[phrase] is people


def lead_story(text: str) -> Story:
    """A one-article story whose lead is `text`, with its facts extracted and merged as the stories stage does."""
    article = Article(id="a", url=None, source="Wire", title="Title", text=text)
    digest = ArticleDigest(article, Summary("a", "lead", []), extract_facts([article])[0])
    return Story(id="s", headline="Title", articles=[digest], facts=merge_story_facts([digest]))


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        ("The fire destroyed 300 homes in Orrin on Tuesday and left dozens homeless, officials said.", 0),
        ("The fire killed 30 villagers in Orrin on Tuesday, officials said.", 30),
    ],
)
def test_a_toll_counts_people_not_the_homes_they_lost(text: str, toll: float) -> None:
    assert casualties(lead_story(text)) == toll
