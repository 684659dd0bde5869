"""`newsbrief.render.figure_phrase` on invented sentences longer than FIGURE_SENTENCE_WORDS, so that a figure is shown
with a stretch of its clause rather than its whole sentence."""

from __future__ import annotations

import pytest

from newsbrief.records import Article, ArticleDigest, Facts, Reading, Story, Summary
from newsbrief.render import FIGURE_SENTENCE_WORDS, figure_phrase


def phrase(text: str, figure: str, counts: str = "") -> str:
    article = Article(id="k", url=None, source="Wire", title="Harbour", text=text)
    story = Story(id="s", headline="Harbour", articles=[ArticleDigest(article, Summary("k", "none", []), Facts("k"))])
    start = text.index(figure)
    return figure_phrase(Reading(figure, start, start + len(figure), article_id="k"), story, counts)


@pytest.mark.parametrize(
    ("text", "figure", "shown"),
    [
        (
            "Speaking at the harbour in Lindmoor on a wet Monday morning, the head of the fishing cooperative said "
            "that the group's 2,900 member vessels lost an estimated 11,000 fishing days last winter.",
            "2,900",
            "…the group's 2,900 member vessels lost an estimated 11,000 fishing…",
        ),
        (
            "After the storm had passed over the northern coast late on Friday evening, the harbour master told "
            "reporters that the 40 fishing boats had sunk at their moorings near the old pier.",
            "40",
            "…the 40 fishing boats had sunk at their moorings…",
        ),
        (
            "In a long statement issued by the ministry of fisheries in Lindmoor on Tuesday, officials added on "
            "Wednesday that 300 crew members were still waiting for their wages.",
            "300",
            "…300 crew members were still waiting for their…",
        ),
    ],
)
def test_a_cut_stretch_that_opens_on_a_reporting_verb_starts_after_its_that(text: str, figure: str, shown: str) -> None:
    """A stretch "…said that the group's 2,900 vessels" lost its subject; after "that" it is a clause."""
    assert len(text.split()) > FIGURE_SENTENCE_WORDS
    assert phrase(text, figure) == shown


def test_a_that_after_no_reporting_verb_is_kept() -> None:
    """A stretch that opens on another verb keeps its "that", which names what the verb acts on ("bought boats that
    carried")."""
    text = (
        "In the years after the war, the cooperative founded by the families of the harbour bought boats that "
        "carried 2,900 tonnes of herring to the market at Lindmoor each spring."
    )
    assert len(text.split()) > FIGURE_SENTENCE_WORDS
    assert phrase(text, "2,900") == "…bought boats that carried 2,900 tonnes of herring to the market at…"


def test_a_clause_that_opens_on_a_reporting_verb_after_a_break_starts_after_its_that() -> None:
    """A subject set off by commas ("Halvorsen, chairman of ..., said that") leaves the clause after the last comma
    without one, though nothing was cut from it."""
    text = (
        "Per Halvorsen, chairman of the federation of coastal fishers in the north of the country since 2019, said "
        "that 40 boats had sunk."
    )
    assert len(text.split()) > FIGURE_SENTENCE_WORDS
    assert phrase(text, "40") == "…40 boats had sunk"


def test_a_short_sentence_is_shown_whole_with_who_said_it() -> None:
    text = "The harbour master said that 40 boats had sunk near the old pier."
    assert phrase(text, "40") == text


def test_a_relative_that_after_a_reporting_verb_keeps_its_noun() -> None:
    """ "said the ferry that carried 300 people": the "that" opens a relative clause of "the ferry", not what was
    said, so the stretch keeps the noun it describes."""
    text = (
        "Late on Friday evening, after the storm had passed over the northern coast, the coastguard said the ferry "
        "that carried 300 people had reached the harbour at Lindmoor."
    )
    assert len(text.split()) > FIGURE_SENTENCE_WORDS
    assert "the ferry that carried 300 people" in phrase(text, "300")
