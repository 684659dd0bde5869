"""A figure whose counted phrase is a unit of measure ("basis points") keeps what it measures, read from the parse,
and two readings in one unit are one quantity only when they measure the same thing. Invented sentences; runs the
real spaCy pipeline and MiniLM."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsbrief.facts import extract_facts
from newsbrief.facts.numbers import is_unit
from newsbrief.records import Article, ArticleDigest, NumberFact, StoryNumber, Summary
from newsbrief.stories.facts import AGREED, CHANGED, _same_measured, merge_story_facts

MORNING = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


def numbers(text: str) -> list[NumberFact]:
    article = Article(id="a", url=None, source="S", title="Markets", text=text, published=MORNING)
    return extract_facts([article])[0].numbers


@pytest.mark.parametrize(
    ("sentence", "figure", "measures"),
    [
        (
            "The yield on the five-year note rose 14 basis points to 2.9% on Monday.",
            "14",
            "The yield on the five-year note",
        ),
        ("Lenders raised the deposit rate by 30 basis points.", "30", "the deposit rate"),
        ("Bonds rallied, with the thirty-year yield up 6 basis points at 4.1%.", "6", "the thirty-year yield"),
        ("Farmers lost 40 hectares of wheat to the hail.", "40", "wheat"),
        ("The river rose to a record 6.9 metres.", "6.9 metres", ""),  # a quantity that holds its unit: left alone
        ("The Ferrow index, which fell 40 points on Friday, recovered on Monday.", "40", "The Ferrow index"),
        ("Rescuers evacuated 1,300 villagers from the valley.", "1,300", ""),  # a count of things measures nothing
    ],
)
def test_a_figure_in_a_unit_keeps_what_it_measures(sentence: str, figure: str, measures: str) -> None:
    [number] = [n for n in numbers(sentence) if n.text == figure]
    assert number.measures == measures


@pytest.mark.parametrize(("word", "unit"), [("metres", True), ("tonnes", True), ("points", True), ("mph", True),
                                            ("kilometres", True), ("km", True), ("villagers", False), ("homes", False),
                                            ("cats", False), ("units", False)])  # fmt: skip
def test_units_are_told_from_things_by_the_unit_registry(word: str, unit: bool) -> None:
    """A prefix counts spelled out or in a symbol, not read into a plain noun ("cats": centi-atmospheres)."""
    assert is_unit(word) is unit


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("the yield on the ten-year government bond", "the two-year yield", False),  # numbers given to "year" differ
        ("the 10-year yield", "the yield on the ten-year bond", True),  # 10 is ten
        ("its benchmark rate", "the policy rate", True),  # other modifiers: one thing in other words
        ("the deposit rate", "the ten-year yield", False),  # another head noun
        ("the ten-year yield", "", True),  # one reading names nothing: no evidence against
    ],
)
def test_what_two_figures_measure_agrees_on_head_and_numbers(a: str, b: str, same: bool) -> None:
    assert _same_measured(a, b) is same


def story(texts: list[tuple[str, str, int]]) -> list[StoryNumber]:
    digests = []
    for n, (text, source, hour) in enumerate(texts):
        article = Article(id=f"a{n}", url=None, source=source, title="Bond markets", text=text,
                          published=MORNING.replace(hour=hour))  # fmt: skip
        digests.append(ArticleDigest(article, Summary(article.id, "none", []), extract_facts([article])[0]))
    return [n for n in merge_story_facts(digests).numbers if n.counts == "basis points"]


def test_two_things_measured_in_one_unit_are_not_one_figure_that_changed() -> None:
    figures = story([
        ("Bond prices climbed on Monday. The yield on the five-year note dropped 14 basis points to 2.91%.", "A", 8),
        ("Bond prices climbed on Monday, with the thirty-year yield down 6 basis points at 4.12%.", "B", 20),
    ])  # fmt: skip
    assert sorted(len(f.readings) for f in figures) == [1, 1] and {f.status for f in figures} == {AGREED}


def test_one_thing_measured_in_one_unit_is_still_one_figure_that_changed() -> None:
    [figure] = story([
        ("Bond prices climbed on Monday. The yield on the five-year note dropped 14 basis points to 2.91%.", "A", 8),
        ("Bond prices climbed on Monday. The yield on the 5-year note dropped 17 basis points to 2.88%.", "B", 20),
    ])  # fmt: skip
    assert figure.status == CHANGED and len(figure.readings) == 2


def test_one_value_for_two_things_measured_in_one_unit_is_two_figures() -> None:
    figures = story([
        ("Bond prices climbed on Monday. The yield on the five-year note dropped 9 basis points to 2.91%.", "A", 8),
        ("Bond prices climbed on Monday, with the thirty-year yield down 9 basis points at 4.12%.", "B", 9),
    ])  # fmt: skip
    assert sorted(len(f.readings) for f in figures) == [1, 1]
