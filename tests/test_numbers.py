"""The shared number parser (`newsbrief.numbers`) on invented phrases, one case per rule of its docstring."""

from __future__ import annotations

import pytest

from newsbrief.numbers import find_numbers, is_number_word, ordinal_value, parse_number


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("1,200", 1200.0),
        ("about 4,200", 4200.0),
        ("2.5", 2.5),
        (".5", 0.5),
        ("12%", 12.0),
        ("three", 3.0),
        ("twenty-three", 23.0),
        ("twenty five", 25.0),
        ("three hundred and twelve", 312.0),
        ("two thousand and one", 2001.0),
        ("twelve hundred", 1200.0),
        ("twenty-five thousand", 25000.0),
        ("one hundred and five million", 105e6),
        ("two million five hundred thousand", 2.5e6),
        ("4.5 million tonnes", 4.5e6),
        ("a million", 1e6),
        ("a hundred thousand", 1e5),
        ("a dozen", 12.0),
        ("two dozen", 24.0),
        ("two and a half million", 2.5e6),
        ("two and a half years", 2.5),
        ("half a million", 5e5),
        ("one", 1.0),  # a tagged number: "one" and "half" alone are numbers here
        ("half", 0.5),
        ("10km", 10.0),
        ("between 20 and 30", 20.0),
    ],
)
def test_parse_number_reads_figures_words_and_scales(expression: str, value: float) -> None:
    assert parse_number(expression) == value


@pytest.mark.parametrize(
    "expression", ["hundreds", "tens of thousands", "dozens", "millions", "a few", "Thousand Oaks"]
)
def test_vague_quantities_have_no_value(expression: str) -> None:
    assert parse_number(expression) is None


@pytest.mark.parametrize("expression", ["3rd", "the 1990s", "F16"])
def test_ordinals_decades_and_codes_are_not_counts(expression: str) -> None:
    assert parse_number(expression) is None


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("$5m", 5e6),  # a currency sign makes the letter a scale
        ("£40m", 40e6),
        ("US$ 3b", 3e9),
        ("EUR 2m", 2e6),  # so does an ISO 4217 code
        ("$50k", 5e4),
        ("5 m", 5.0),  # without one, a letter is a unit: metres
        ("5m", 5.0),
        ("50k", 50.0),
        ("5mm", 5.0),
        ("5bn", 5e9),  # abbreviations that name no unit always scale
        ("7 mln", 7e6),
        ("1.2tn", 1.2e12),
    ],
)
def test_unit_letters_scale_only_as_money(expression: str, value: float) -> None:
    assert parse_number(expression) == value


def test_money_flag_makes_letters_scale() -> None:
    assert parse_number("5m euros") == 5.0
    assert parse_number("5m euros", money=True) == 5e6


def test_find_numbers_in_running_text_keeps_offsets_and_mantissas() -> None:
    text = (
        "No one saw one of the 3 boats; twenty-five-year-old Ann Ode paid $2.5bn (2.5 billion) for 5 m of rope, "
        "a million nails and half a dozen crates in the second half of the year. One hundred people came."
    )
    found = find_numbers(text)
    assert [(n.text, n.value, n.mantissa) for n in found] == [
        ("3", 3.0, None),
        ("twenty-five", 25.0, None),
        ("2.5bn", 2.5e9, 2.5),
        ("2.5 billion", 2.5e9, 2.5),
        ("5", 5.0, None),
        ("a million", 1e6, 1.0),
        ("half a dozen", 6.0, 0.5),
        ("One hundred", 100.0, 1.0),
    ]
    assert all(text[n.start : n.end] == n.text for n in found)


def test_numbers_in_text_that_has_none() -> None:
    assert find_numbers("") == []
    assert find_numbers("No one knows; one of them left in the first half.") == []


def test_number_words_and_ordinals() -> None:
    assert [is_number_word(w) for w in ("seven", "Twenty-one", "thousand", "hundreds", "o", "and")] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert [ordinal_value(w) for w in ("first", "Third", "4th", "twenty-first", "last", "fourteen")] == [
        1,
        3,
        4,
        21,
        None,
        None,
    ]


@pytest.mark.usefixtures("spacy_only")
def test_number_facts_read_values_as_the_guard_does(nlp) -> None:
    """spaCy tags "$3m" as "3": the facts read the whole number, and the guard reads the same values."""
    from newsbrief.facts import extract_facts
    from newsbrief.records import Article

    text = (
        "Crews laid 5 m of copper cable in Dunmore on Monday. The repairs cost $3m, the council said. "
        "Profit rose to $2.5bn in May, and twenty-five engineers were hired."
    )
    facts = extract_facts([Article(id="n", url=None, source="test", title="", text=text)], nlp)[0]
    read = {n.text: n.value for n in facts.numbers}
    assert {key: read.get(key) for key in ("5", "$3m", "$2.5bn", "twenty-five")} == {
        "5": 5.0,
        "$3m": 3e6,
        "$2.5bn": 2.5e9,
        "twenty-five": 25.0,
    }
    assert all(text[n.start : n.end] == n.text for n in facts.numbers)
    guard_values = {n.value for n in find_numbers(text)}
    assert set(read.values()) <= guard_values


@pytest.mark.usefixtures("spacy_only")
@pytest.mark.parametrize(
    ("text", "figure", "counts"),
    [
        ("About 1200 people were evacuated from the valley on Tuesday.", "About 1200", "people"),
        ("Some 1600 police were deployed in the capital.", "Some 1600", "police"),
        ("The army sent 1500 troops to the border on Tuesday.", "1500", "troops"),
    ],
)
def test_extraction_marks_a_plural_counted_right_after_the_figure(nlp, text: str, figure: str, counts: str) -> None:
    """The tag, not a suffix rule, says "people" and "police" are plural."""
    from newsbrief.facts import extract_facts
    from newsbrief.records import Article

    facts = extract_facts([Article(id="n", url=None, source="test", title="", text=text)], nlp)[0]
    number = next(n for n in facts.numbers if n.text == figure)
    assert (number.counts, number.counts_plural) == (counts, True)


@pytest.mark.parametrize(
    ("sentence", "figure", "counts", "marked"),
    [
        ("Wounded veterans of the 1948 Mideast war gathered in Orrin.", "1948", "Mideast war", False),  # singular
        ("The death toll from the 1998 floods has never been settled.", "1998", "death toll", False),  # before it
        ("The plant has been closed since 2001, the company said.", "2001", None, False),  # counts nothing
        ("Veterans of the 1948 war and 1200 people gathered.", "1200", "people", True),
    ],
)
def test_the_plural_rule_on_the_parse(nlp, sentence: str, figure: str, counts: str | None, marked: bool) -> None:
    """spaCy tags the years here as dates, which extraction drops: the rule is read on the parse as it calls it."""
    from newsbrief.facts.numbers import counts_plural

    doc = nlp(sentence)
    start = sentence.index(figure)
    ent = doc.char_span(start, start + len(figure))
    assert counts_plural(ent, ent.end_char, counts, len(sentence)) is marked


@pytest.mark.usefixtures("spacy_only")
def test_two_numbers_joined_by_a_slash_are_a_figure_only_as_a_proper_fraction(nlp) -> None:
    """An idiom ("24/7 billboards") or an even split ("a 50/50 split") is no quantity; "2/3 of the homes" is."""
    from newsbrief.facts import extract_facts
    from newsbrief.records import Article

    text = (
        "The startup turns buildings and surfaces into 24/7 billboards for businesses in the city. "
        "The two firms agreed a 50/50 split of the profits, and 2/3 of the homes were flooded. "
        "A 3/4 majority of 400 members backed the plan."
    )
    facts = extract_facts([Article(id="n", url=None, source="test", title="", text=text)], nlp)[0]
    counted = {n.text: n.counts for n in facts.numbers}
    assert "24/7" not in counted and "50/50" not in counted
    assert (counted.get("2/3"), counted.get("3/4")) == ("homes", "majority")


@pytest.mark.parametrize(
    ("figure", "dropped"),
    [("24/7", True), ("50/50", True), ("2020/21", True), ("2/3", False), ("11/28/2026", False), ("400", False)],
)
def test_the_slash_rule_reads_whole_numbers_only(figure: str, dropped: bool) -> None:
    """A season ("2020/21") is no quantity either; a full date is no pair of numbers, and is left to its tag."""
    from newsbrief.facts.numbers import not_a_fraction

    assert not_a_fraction(figure) is dropped
