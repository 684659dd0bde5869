"""Time expressions and their TimeML values, on sentences written for these tests: each rule (reference words,
quarters, comparisons a year back, years in words, ranges, durations, times of day, sets, the nearest-year rule,
modifiers, holidays, tense and deadlines, days read off the reference day, expressions widened to TimeML's extent)
with a case of the kind it handles; bad dates and publication dates left unresolved without a crash."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsbrief.facts import extract_facts
from newsbrief.facts.dates import DATE, FUTURE, PAST, PRESENT, Anchor, Timex, resolve_date, resolve_timex
from newsbrief.records import DATE_FROM_FILE_TIME, Article, Facts

WEDNESDAY = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


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
        ("a decade", PAST, "P10Y"),  # ISO 8601 has no decade: ten years
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
    quarter = reported("2025-Q2")
    assert resolve_date_with("a year earlier", quarter) == "2024-Q2"
    assert resolve_date_with("the year-ago quarter", quarter) == "2024-Q2"
    assert resolve_date_with("the 2024 period", quarter) == "2024-Q2"
    assert resolve_date_with("the quarter", quarter) == "2025-Q2"
    year = reported("2019-05-04")
    assert resolve_date_with("that year", year) == "2019"
    assert resolve_date_with("the following year", year) == "2020"
    assert resolve_date_with("a year earlier", Anchor()) == "2025"  # no period named: a year before publication
    assert resolve_date_with("that year", Anchor()) is None


def resolve_date_with(words: str, anchor: Anchor) -> str | None:
    return resolve_timex(words, WEDNESDAY, PAST, anchor).value


def reported(value: str) -> Anchor:
    """The reference time after the article has reported the date `value`."""
    anchor = Anchor()
    anchor.follow(Timex(DATE, value))
    return anchor


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


@pytest.mark.parametrize(
    ("words", "tense", "kind", "value"),
    [
        # a point inside a period or a hedge on its size is TimeML's `mod`: the value is the period's
        ("the end of 2027", PAST, "DATE", "2027"),
        ("mid-2024", PAST, "DATE", "2024"),
        ("earlier in the year", PAST, "DATE", "2026"),
        ("year-end", FUTURE, "DATE", "2026"),
        ("the end of the month", PAST, "DATE", "2026-11"),
        ("about a month", PAST, "DURATION", "P1M"),
        ("barely a year", PAST, "DURATION", "P1Y"),
        ("the next two years or so", FUTURE, "DURATION", "P2Y"),
        ("a week or so ago", PAST, "DATE", "2026-W47"),
        # lengths: no count is an unknown one, a half goes to the next smaller unit, decades are years in ISO
        ("years", PAST, "DURATION", "PXY"),
        ("decades", PAST, "DURATION", "PXDE"),
        ("several-year", PAST, "DURATION", "PXY"),
        ("2 1/2 years", PAST, "DURATION", "P2Y6M"),
        ("an hour and a half", PAST, "DURATION", "PT1H30M"),
        ("the next couple of years", FUTURE, "DURATION", "P2Y"),
        ("two decades", PAST, "DURATION", "P20Y"),
        ("the first nine months of 2025", PAST, "DURATION", "P9M"),
        ("each of the past three years", PAST, "DURATION", "P3Y"),
        ("twenty one days", PAST, "DURATION", "P21D"),  # number words that are no year
        # the distance between two times is a length
        ("three days later", PAST, "DURATION", "P3D"),
        ("a day earlier", PAST, "DURATION", "P1D"),
        # "the past year" with no count is the year before this one; with a count it is a length
        ("the past year", PAST, "DATE", "2025"),
        ("the past decade", PAST, "DATE", "2010/2019"),
        ("the past three years", PAST, "DURATION", "P3Y"),
        ("the week", PAST, "DATE", "2026-W48"),  # "for the week": the one under way
        ("the week of March 6", PAST, "DATE", "2026-W10"),
        # rates need "every", "each" or "per"; "a year" alone is a length
        ("hourly", PAST, "SET", "PT1H"),
        ("every two weeks", PAST, "SET", "P2W"),
        ("each July", PAST, "SET", "XXXX-07"),
        ("a year", PAST, "DURATION", "P1Y"),
        # hours told with a part of the day
        ("4 in the morning", PAST, "TIME", "2026-11-25T04:00"),
        ("7 in the evening", PAST, "TIME", "2026-11-25T19:00"),
        ("11 at night", PAST, "TIME", "2026-11-25T23:00"),
        # reference words TimeML marks without a calendar value
        ("current", PRESENT, "DATE", "PRESENT_REF"),
        ("the near term", FUTURE, "DATE", "FUTURE_REF"),
        ("a later date", FUTURE, "DATE", "FUTURE_REF"),
        ("future years", FUTURE, "DATE", "FUTURE_REF"),
        # a weekday in a present-tense clause is on a schedule; "coming" looks ahead; "this" month is this year's
        ("Monday", PRESENT, "DATE", "2026-11-30"),
        ("Wednesday", PRESENT, "DATE", "2026-11-25"),
        ("this coming Sunday", PAST, "DATE", "2026-11-29"),
        ("this January", FUTURE, "DATE", "2026-01"),
        # numbers in words, as transcripts of broadcasts write dates
        ("January nineteen ninety-seven", PAST, "DATE", "1997-01"),
        ("the winter of nineteen ninety-four", PAST, "DATE", "1994-WI"),
        ("March eighth", FUTURE, "DATE", "2027-03-08"),
        ("the twenty-first of May", PAST, "DATE", "2026-05-21"),
        # named holidays, in the year the tense or the modifier picks as for a month and day
        ("Thanksgiving", FUTURE, "DATE", "2026-11-26"),
        ("last Christmas", PAST, "DATE", "2025-12-25"),
        ("Christmas Eve", FUTURE, "DATE", "2026-12-24"),
        ("New Year's Day", FUTURE, "DATE", "2027-01-01"),
        ("Easter", PAST, "DATE", "2026-04-05"),
        ("Election Day", PAST, "DATE", "2026-11-03"),
        ("labor", PAST, "DATE", None),  # a word of a holiday's name is no holiday
    ],
)
def test_rules_by_kind_of_expression(words: str, tense: str, kind: str, value: str | None) -> None:
    timex = resolve_timex(words, WEDNESDAY, tense)
    assert (timex.kind, timex.value) == (kind, value)


def test_days_read_off_the_last_day_reported() -> None:
    friday = reported("2026-10-23")
    assert resolve_date_with("that day", friday) == "2026-10-23"
    assert resolve_date_with("the day before", friday) == "2026-10-22"
    assert resolve_date_with("the following day", friday) == "2026-10-24"
    assert resolve_date_with("the next morning", friday) == "2026-10-24TMO"
    assert resolve_date_with("the previous Friday", friday) == "2026-10-16"
    assert resolve_date_with("the following Monday", friday) == "2026-10-26"
    assert resolve_date_with("later that year", friday) == "2026"
    assert resolve_date_with("that day", Anchor()) is None  # no day reported yet
    assert resolve_date_with("the day", Anchor()) is None


def test_a_longer_period_ends_the_quarter_as_what_a_year_back_compares() -> None:
    anchor = reported("2026-Q3")
    assert resolve_date_with("a year earlier", anchor) == "2025-Q3"
    anchor.follow(Timex("DURATION", "P9M"))  # "for the nine months"
    assert resolve_date_with("a year earlier", anchor) == "2025"
    assert resolve_date_with("the year-ago quarter", anchor) == "2025-Q3"  # a quarter named outright still is one
    assert resolve_date_with("the 2025 period", Anchor()) == "2025"  # no quarter reported: that year's period


def test_present_tense_deadlines_and_plans_look_ahead(nlp) -> None:
    found = values(
        "The ferry service resumes Monday. The market is to reopen on Tuesday. The council postponed the hearing "
        "until Tuesday. A new port levy, effective Feb. 1, was announced by the board. The bank has extended the "
        "credit line through January. Residents planned a march on Saturday. She said he would be travelling to "
        "Oslo on Thursday."
    )
    assert found == {
        "Monday": "2026-11-30",
        "Tuesday": "2026-12-01",
        "Feb. 1": "2027-02-01",
        "January": "2027-01",
        "Saturday": "2026-11-28",
        "Thursday": "2026-11-26",
    }


def test_a_days_event_named_by_its_day_is_past(nlp) -> None:
    assert values("The vote follows Tuesday's debate in the chamber.") == {"Tuesday": "2026-11-24"}


def test_a_bare_verb_after_a_singular_subject_is_past(nlp) -> None:
    assert values("The harbour board on Tuesday cut its mooring fees.") == {"Tuesday": "2026-11-24"}


def test_a_forecast_does_not_become_the_period_reported(nlp) -> None:
    found = facts_of(
        "Velora Foods reported a third-quarter profit of $3 million. It expects a charge in the fourth quarter. "
        "Sales rose 4% from a year earlier."
    )
    assert {d.text: d.iso for d in found.dates}["a year earlier"] == "2025-Q3"


def test_year_back_after_nine_months_is_a_year(nlp) -> None:
    text = (
        "Velora earned $3 million in the third quarter, up from $2 million a year earlier. For the nine months, it "
        "earned $9 million, compared with $7 million a year earlier."
    )
    assert [(d.text, d.iso) for d in facts_of(text).dates if d.text == "a year earlier"] == [
        ("a year earlier", "2025-Q3"),
        ("a year earlier", "2025"),
    ]


def test_expressions_widen_to_what_timeml_marks(nlp) -> None:
    found = facts_of(
        "The ferry leaves at noon Saturday. The club meets each Thursday. Brelund earned $2 million in the third "
        "quarter. In the 2025 period it lost money, and sales fell 5% from the corresponding period last year."
    )
    assert {(d.text, d.kind, d.iso) for d in found.dates} >= {
        ("noon Saturday", "TIME", "2026-11-28T12:00"),
        ("each Thursday", "SET", "XXXX-WXX-4"),
        ("the 2025 period", "DATE", "2025-Q3"),
        ("the corresponding period last year", "DATE", "2025-Q3"),
    }


def test_ranges_split_only_into_dates(nlp) -> None:
    found = values("Prices have risen between 2019 and now, and rates will rise over the next 12 to 18 months.")
    assert found["2019"] == "2019" and found["now"] == "PRESENT_REF"
    assert "the next 12 to 18 months" in found  # one length, not "the next 12" and "18 months"


def test_model_numbers_are_not_years(nlp) -> None:
    assert facts_of("The 80486 chip outsold the 80386 design.").dates == []


def test_holidays_and_numeric_dates_in_running_text(nlp) -> None:
    text = "Shops shut on New Year's Day and reopened after Easter. The fund closed on 2025-11-03."
    found = values(text, datetime(2026, 1, 5, tzinfo=UTC))
    assert found == {"New Year's Day": "2026-01-01", "Easter": "2025-04-20", "2025-11-03": "2025-11-03"}


def test_a_day_read_off_the_one_just_reported(nlp) -> None:
    found = values("The strike began on Oct. 23. Later that day, the mayor of Norvale resigned.")
    assert found == {"Oct. 23": "2026-10-23", "Later that day": "2026-10-23"}


@pytest.mark.parametrize(
    "words",
    ["31/02", "31/02/2026", "2026-13-01", "the 35th of May", "February 30", "0000-01-01", "the year 0", "year 99999"],
)
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
    edge_words = ("yesterday", "next week", "December 3", "last year", "a year ago", "the third quarter", "now")
    for words in (*edge_words, "Christmas", "last Easter", "the past decade", "March eighth", "the day", "Monday"):
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


IMPOSSIBLE = (
    "The vote was held on 31/02/2026. The fee fell due on 2026-13-01. The fair opens on the 35th of May. "
    "Records begin in the year 0. The plan runs to the year 99999."
)


@pytest.mark.parametrize("published", [WEDNESDAY, datetime(2091, 6, 1, tzinfo=UTC), None])
def test_each_impossible_date_is_one_unresolved_fact(nlp, published: datetime | None) -> None:
    found = values(IMPOSSIBLE, published)  # `values` checks that every span slices its text
    assert found == {
        "31/02/2026": None,
        "2026-13-01": None,  # one impossible date, not the year 2026 and two numbers
        "the 35th of May": None,
        "the year 0": None,
        "the year 99999": None,
    }


def test_an_article_dated_in_the_future_resolves_against_its_own_date(nlp) -> None:
    found = values("The bridge opened yesterday and will close next week.", datetime(2091, 6, 1, tzinfo=UTC))
    assert found == {"yesterday": "2091-05-31", "next week": "2091-W23"}


def test_text_with_no_dates_has_none(nlp) -> None:
    assert facts_of("No dates at all in this sentence, only words about a harbour and its boats.").dates == []


def test_a_date_taken_from_the_files_time_is_no_reference_for_relative_dates() -> None:
    """Ingest dates an undated file by its mtime, a guess: "Monday" must not be read against it; "12 March 2025"
    needs no reference and still resolves."""
    text = "The harbour closed on Monday. The council will meet on 12 March 2025 to decide its future."
    guessed = Article(
        id="t", url=None, source="test", title="", text=text, published=WEDNESDAY, flags=[DATE_FROM_FILE_TIME]
    )
    found = {d.text: d.iso for d in extract_facts([guessed])[0].dates}
    assert found == {"Monday": None, "12 March 2025": "2025-03-12"}
    assert values(text) == {"Monday": "2026-11-23", "12 March 2025": "2025-03-12"}


_TALKS_ENDED = (
    "Twelve hours of talks between the pilots and the airline ended late on Tuesday without a deal, leaving the "
    "nation's busiest airport closed for a third day on Wednesday."
)


@pytest.mark.parametrize(
    ("sentence", "words", "main"),
    [
        ("The council reopened the Merrow dam on Tuesday, officials said.", "Tuesday", True),
        ("On Monday, the Norvale board cut its rate by half a point.", "Monday", True),
        ("The governor signed the flood bill Friday.", "Friday", True),
        ("Inspectors said the levee failed on Oct. 2 and crews evacuated the valley.", "Oct. 2", True),
        ("The senate voted on Thursday to confirm the new harbour master.", "Thursday", True),
        ("Police arrested the man who set the warehouse fire on Oct. 3, 2025.", "Oct. 3, 2025", False),
        ("Crews cleared the road after the landslide that buried it on Sunday.", "Sunday", False),
        ("The vote was the last step since the mayor resigned on Aug. 4, 2024.", "Aug. 4, 2024", False),
        ("Prosecutors charged two guards in the Oct. 12 escape.", "Oct. 12", False),
        ("Monday's vote split the council.", "Monday", False),
        ("The ferry could resume sailing on Friday, the operator said.", "Friday", False),
        ("Today, the two forecasts could not differ more.", "Today", False),
        ("The bridge will reopen on Monday after repairs.", "Monday", True),
        ("Today, tide gauges are part of every harbour's equipment.", "Today", False),
        ("Neon signs exist today in almost every port town.", "today", False),
        ("The harbour board approved the new tide gauges today.", "today", True),
        ("The mayor met the ferry operators at the harbour office in Lindmoor on Tuesday.", "Tuesday", True),
        ("The seaplane crashed shortly after takeoff from Lindmoor harbour on Tuesday.", "Tuesday", True),
        ("Forecasters expect a calm week, with less than 5 mm of rain for the harbour on Saturday.", "Saturday", False),
        ("Twelve people died when a crane collapsed at the Lindmoor docks on Monday.", "Monday", True),
        ("The operator said it would close the north pier on Friday.", "Friday", True),
        # a participle clause after a comma tells what followed, whether the parser makes it an advcl or (here) a
        # verb coordinated with the main one
        (_TALKS_ENDED, "Tuesday", True),
        (_TALKS_ENDED, "Wednesday", False),
        ("The ferry ran aground on Friday, leaving 300 passengers stranded on Saturday.", "Saturday", False),
        ("The talks ended on Friday, and the port reopened on Saturday.", "Saturday", True),
        ("Strikers blocked the gates of the port on Saturday, leaving dozens of ships at anchor.", "Saturday", True),
        ("Leaving the port by the north gate, the convoy reached the border on Saturday.", "Saturday", True),
        # an instruction to the reader is no event: a verb in its base form opening the sentence, with no subject
        ("Get your tickets at the harbour office, and join the regatta today!", "today", False),
        ("Join us on Saturday for a walk along the flooded river.", "Saturday", False),
        ("Vote on Tuesday, officials urged the residents of Lindmoor.", "Tuesday", False),
        ("Residents vote on Tuesday in the delayed Lindmoor election.", "Tuesday", True),
    ],
)
def test_a_date_times_its_sentences_own_event_or_something_it_mentions(
    nlp, sentence: str, words: str, main: bool
) -> None:
    """The timeline shows a date with its sentence: the sentence must report what happened on that date, not carry
    it in a relative or subordinate clause or on a noun."""
    [fact] = [d for d in facts_of(sentence).dates if d.text == words]
    assert fact.main_event is main


@pytest.mark.parametrize(
    ("sentence", "words", "value"),
    [
        # reported past perfect of an act of planning is the saying's "have agreed": the day lies after it
        ("She said that both delegations had agreed to return on Monday.", "Monday", "2026-11-30"),
        ("Both delegations had agreed to return on Monday, she said.", "Monday", "2026-11-30"),
        # a plan that was due, or planned, may have lapsed: its day lies in the past
        ("Barriers had been due to arrive on Thursday.", "Thursday", "2026-11-26"),
        ("The minister said the airline had planned to resume flights on Thursday.", "Thursday", "2026-11-26"),
    ],
)
def test_a_reported_commitment_keeps_its_day_ahead(nlp, sentence: str, words: str, value: str) -> None:
    assert values(sentence, datetime(2026, 11, 28, 6, 30, tzinfo=UTC))[words] == value
