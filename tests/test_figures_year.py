"""A figure in a year's range written without a separator is a count when it directly counts a plural noun."""

from __future__ import annotations

import pytest

from newsbrief.facts import extract_facts
from newsbrief.records import Article, NumberFact
from newsbrief.stories.facts import is_informative


def figures(text: str) -> dict[str, bool]:
    """Each number the facts stage finds in `text`, and whether the story facts keep it."""
    article = Article(id="a", url=None, source="Wire", title="Title", text=text)
    return {n.text: is_informative(n) for n in extract_facts([article])[0].numbers}


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("The army sent 1500 troops to the border on Tuesday.", "1500"),
        ("About 1200 people were evacuated from the valley on Tuesday.", "About 1200"),
        ("The storm left 1800 families homeless, officials said.", "1800"),
        ("Some 1600 police officers were deployed in the capital.", "Some 1600"),
    ],
)
def test_a_year_shaped_figure_that_counts_a_plural_noun_is_a_count(text: str, figure: str) -> None:
    assert figures(text).get(figure) is True


def test_a_separated_figure_needs_no_counted_noun() -> None:
    assert is_informative(NumberFact("1,948", 0, 5, kind="CARDINAL", value=1948.0))


@pytest.mark.parametrize(("kind", "text"), [("MONEY", "$1500"), ("QUANTITY", "2000 tonnes")])
def test_money_and_measures_are_never_years(kind: str, text: str) -> None:
    assert is_informative(NumberFact(text, 0, len(text), kind=kind, value=float(text.strip("$").split()[0])))
