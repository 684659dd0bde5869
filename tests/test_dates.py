"""Time expressions and their TimeML values, on sentences written for these tests: each rule (reference words,
quarters, comparisons a year back, years in words, ranges, durations, times of day, sets, the nearest-year rule)
with a case of the kind it handles; bad dates and publication dates left unresolved without a crash."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsbrief.facts import extract_facts
from newsbrief.facts.dates import FUTURE, PAST, PRESENT, Anchor, resolve_date, resolve_timex
from newsbrief.records import Article, Facts

WEDNESDAY = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("spacy_only")  # spaCy's entities: quick, and what these expect


def facts_of(text: str, published: datetime | None = WEDNESDAY) -> Facts:
    return extract_facts([Article(id="t", url=None, source="test", title="", text=text, published=published)])[0]


def values(text: str, published: datetime | None = WEDNESDAY) -> dict[str, str | None]:
    found = facts_of(text, published)
    for fact in found.dates:
        assert text[fact.start : fact.end] == fact.text
    return {d.text: d.iso for d in found.dates}


@pytest.mark.parametrize(
    ("words", "tense", "expected"),
    [
        ("Monday", PAST, "2026-11-23"),
        ("Wednesday", PAST, "2026-11-25"),  # the publication day itself
        ("Thursday", PAST, "2026-11-19"),
        ("Tuesday", FUTURE, "2026-12-01"),
        ("next Tuesday", PAST, "2026-12-01"),
        ("last Wednesday", PAST, "2026-11-18"),
        ("yesterday", PAST, "2026-11-24"),
        ("tomorrow", FUTURE, "2026-11-26"),
        ("last week", PAST, "2026-W47"),
        ("this week", PAST, "2026-W48"),
        ("last month", PAST, "2026-10"),
        ("next month", FUTURE, "2026-12"),
        ("last year", PAST, "2025"),
        ("two years ago", PAST, "2024"),
        ("3 days ago", PAST, "2026-11-22"),
        ("November 3", PAST, "2026-11-03"),
        ("December 3", PAST, "2026-12-03"),  # 357 days back under the tense: the nearest year instead
        ("September 3", PAST, "2026-09-03"),
        ("December 3", FUTURE, "2026-12-03"),
        ("January 10", PRESENT, "2027-01-10"),
        ("3 Nov 2026", PAST, "2026-11-03"),
        ("Nov. 3, 2024", PAST, "2024-11-03"),
        ("2026-02-28", PAST, "2026-02-28"),
        ("2025", PAST, "2025"),
        ("March 2024", PAST, "2024-03"),
        ("in March", PAST, "2026-03"),
        ("March", FUTURE, "2027-03"),
        ("last March", PAST, "2026-03"),
        ("the 1990s", PAST, "1990/1999"),
        ("the late '80s", PAST, "1980/1989"),
        ("the 2020s", FUTURE, "2020/2029"),
        ("her 20s", PAST, None),  # an age, not a decade
        ("the third quarter", PAST, "2026-Q3"),
        ("the first quarter", FUTURE, "2027-Q1"),
        ("Q2 2025", PAST, "2025-Q2"),
        ("the fourth quarter of 2024", PAST, "2024-Q4"),
        ("last quarter", PAST, "2026-Q3"),
        ("next quarter", FUTURE, "2027-Q1"),
        ("last summer", PAST, "2026-SU"),
        ("last winter", PAST, "2025-WI"),
        ("this winter", FUTURE, "2026-WI"),
        ("next spring", FUTURE, "2027-SP"),
        ("the autumn", PRESENT, "2026-FA"),
        ("spring 2024", PAST, "2024-SP"),
        ("a decade", PAST, "P1DE"),
        ("recent weeks", PAST, "PXW"),
        ("February 30", PAST, None),
    ],
)
def test_resolve_date(words: str, tense: str, expected: str | None) -> None:
    assert resolve_date(words, WEDNESDAY, tense) == expected


def test_relative_dates_need_a_publication_date() -> None:
    assert resolve_date("last month", None) is None
    assert resolve_date("on Monday", None) is None
    assert resolve_date("November 3", None) is None
    assert resolve_date("3 November 2025", None) == "2025-11-03"
    assert resolve_date("yesterday", date(2026, 1, 1)) == "2025-12-31"


@pytest.mark.parametrize(
    ("words", "kind", "value"),
    [
        ("now", "DATE", "PRESENT_REF"),
        ("currently", "DATE", "PRESENT_REF"),
        ("recently", "DATE", "PAST_REF"),
        ("the near future", "DATE", "FUTURE_REF"),
        ("several years ago", "DATE", "PAST_REF"),
        ("nineteen ninety-eight", "DATE", "1998"),
        ("the year two thousand", "DATE", "2000"),
        ("two thousand and three", "DATE", "2003"),
        ("the nineties", "DATE", "1990/1999"),
        ("the 20th century", "DATE", "19XX"),
        ("the first half of 2025", "DATE", "2025-H1"),
        ("June last year", "DATE", "2025-06"),
        ("the weekend", "DATE", "2026-W47-WE"),
        ("fiscal 2025", "DATE", "2025"),
        ("this year", "DATE", "2026"),
        ("the third-quarter", "DATE", "2026-Q3"),
        ("three years", "DURATION", "P3Y"),
        ("the past six months", "DURATION", "P6M"),
        ("twenty four hours", "DURATION", "PT24H"),
        ("10-minute", "DURATION", "PT10M"),
        ("a few days", "DURATION", "PXD"),
        ("daily", "SET", "P1D"),
        ("every month", "SET", "P1M"),
        ("each Thursday", "SET", "XXXX-WXX-4"),
        ("10 p.m. Monday", "TIME", "2026-11-23T22:00"),
        ("noon", "TIME", "2026-11-25T12:00"),
        ("this morning", "TIME", "2026-11-25TMO"),
        ("last night", "TIME", "2026-11-24TNI"),
        ("Monday evening", "TIME", "2026-11-23TEV"),
    ],
)
def test_timeml_types_and_values(words: str, kind: str, value: str) -> None:
    timex = resolve_timex(words, WEDNESDAY, PAST)
    assert (timex.kind, timex.value) == (kind, value)


def test_a_quarter_ahead_until_it_ends() -> None:
    august = datetime(2026, 8, 15, tzinfo=UTC)
    assert resolve_date("the third quarter", august, FUTURE, near_days=366) == "2026-Q3"  # under way: still ahead
    assert resolve_date("the second quarter", august, FUTURE, near_days=366) == "2027-Q2"  # over: next year's


def test_anaphoric_expressions_take_the_reference_time() -> None:
    quarter = Anchor()
    quarter.update("2025-Q2")
    assert resolve_date_with("a year earlier", quarter) == "2024-Q2"
    assert resolve_date_with("the year-ago quarter", quarter) == "2024-Q2"
    assert resolve_date_with("the 2024 period", quarter) == "2024-Q2"
    assert resolve_date_with("the quarter", quarter) == "2025-Q2"
    year = Anchor()
    year.update("2019-05-04")
    assert resolve_date_with("that year", year) == "2019"
    assert resolve_date_with("the following year", year) == "2020"
    assert resolve_date_with("a year earlier", Anchor()) == "2025"  # no period named: a year before publication
    assert resolve_date_with("that year", Anchor()) is None


def resolve_date_with(words: str, anchor: Anchor) -> str | None:
    return resolve_timex(words, WEDNESDAY, PAST, anchor).value


def test_quarterly_report_compares_with_the_same_quarter_a_year_earlier(nlp) -> None:
    text = (
        "Norvale Mills reported a third-quarter loss of $4 million, compared with a profit of $2 million a year "
        "earlier. Sales in the quarter fell 8% from the year-ago quarter."
    )
    assert values(text) == {
        "third-quarter": "2026-Q3",
        "a year earlier": "2025-Q3",
        "the quarter": "2026-Q3",
        "the year-ago quarter": "2025-Q3",
    }


def test_ranges_split_into_their_dates(nlp) -> None:
    text = (
        "The festival ran from 2019 to 2022 and will return on April 24 and 25. "
        "Brelund Foods earned $3 million in the quarter ended Sept. 30, 2026."
    )
    found = values(text)
    assert {"2019": "2019", "2022": "2022", "April 24": "2027-04-24", "25": "2027-04-25"}.items() <= found.items()
    assert found["Sept. 30, 2026"] == "2026-09-30"
    assert found["the quarter"] == "2026-Q3"  # the quarter its end date falls in


def test_reference_words_spacy_misses(nlp) -> None:
    found = values("Prices are now lower than they were recently, and the council will review them in the future.")
    assert found == {"now": "PRESENT_REF", "recently": "PAST_REF", "the future": "FUTURE_REF"}


def test_ages_and_describing_adjectives_are_not_times(nlp) -> None:
    found = facts_of("Tomas Relk, 52, and his 6-year-old son watched as the firm paid its quarterly dividend.")
    assert [d.text for d in found.dates] == []


def test_types_reach_the_facts(nlp) -> None:
    found = facts_of("The strike lasted three weeks. Trains ran daily until 10 p.m. Monday.")
    assert {(d.text, d.kind, d.iso) for d in found.dates} >= {
        ("three weeks", "DURATION", "P3W"),
        ("daily", "SET", "P1D"),
    }


@pytest.mark.parametrize("words", ["31/02/2026", "2026-13-01", "the 35th of May", "February 30", "0000-01-01"])
def test_impossible_dates_stay_unresolved(words: str) -> None:
    assert resolve_date(words, WEDNESDAY) is None


@pytest.mark.parametrize(
    "published",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, tzinfo=UTC),
        datetime(2091, 6, 1, tzinfo=UTC),  # an article dated in the future resolves against its own date
        None,
    ],
)
def test_edge_publication_dates_do_not_crash(published: datetime | None) -> None:
    for words in ("yesterday", "next week", "December 3", "last year", "a year ago", "the third quarter", "now"):
        resolve_timex(words, published, FUTURE)
        resolve_timex(words, published, PAST)
    assert resolve_date("last year", datetime(2091, 6, 1, tzinfo=UTC)) == "2090"


BAD_TEXTS = [
    "It was due on 31/02 or 2026-13-01, or the 35th of May, in year 0 or year 99999.",
    "No dates at all in this sentence, only words.",
    "",
    "Between and to through, until or - 2019 -- and ''.",
]


@pytest.mark.parametrize("text", BAD_TEXTS)
@pytest.mark.parametrize("published", [WEDNESDAY, datetime(9999, 12, 31, tzinfo=UTC), None])
def test_bad_text_slices_and_leaves_the_impossible_unresolved(nlp, text: str, published: datetime | None) -> None:
    found = values(text, published)
    assert found.get("31/02") is None and found.get("2026-13-01") is None
