"""The recency window: its bounds in the brief's time zone, and what happens to articles outside it or undated."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from newsbrief.records import DATE_ONLY, Article
from newsbrief.window import UNDATED, WindowError, brief_window, parse_duration, parse_since, select_recent, time_zone

DAY = date(2026, 12, 2)
AUCKLAND = ZoneInfo("Pacific/Auckland")


def article(article_id: str, published: datetime | None) -> Article:
    return Article(
        id=article_id,
        url=f"https://marrowbyledger.example/{article_id}",
        source="Marrowby Ledger",
        title=f"Ferry timetable {article_id}",
        text="The Marrowby ferry will run every hour from Monday, the harbour board said.",
        published=published,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", timedelta(hours=24)),
        ("36H", timedelta(hours=36)),
        ("2d", timedelta(days=2)),
        ("90m", timedelta(minutes=90)),
        ("1w", timedelta(weeks=1)),
        (" 1.5 h ", timedelta(minutes=90)),
    ],
)
def test_durations_are_read_in_the_units_the_config_documents(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "36", "h", "-2d", "0h", "two days", "3y"])
def test_unreadable_durations_are_a_clear_error(text: str) -> None:
    with pytest.raises(WindowError, match="cannot read the window"):
        parse_duration(text)


def test_an_unknown_time_zone_is_a_clear_error_naming_it() -> None:
    with pytest.raises(WindowError, match="unknown time zone 'Mars/Olympus'"):
        time_zone("Mars/Olympus")
    with pytest.raises(WindowError, match="unknown time zone"):
        time_zone("../etc/passwd")
    assert time_zone("Pacific/Auckland") == AUCKLAND


def test_the_window_ends_at_the_end_of_the_day_in_the_briefs_zone() -> None:
    window = brief_window(DAY, AUCKLAND)
    assert window.end == datetime(2026, 12, 3, tzinfo=AUCKLAND)
    assert window.end.astimezone(UTC) == datetime(2026, 12, 2, 11, tzinfo=UTC)  # NZDT is UTC+13
    assert window.end - window.start == timedelta(hours=24)


def test_since_then_length_then_previous_cutoff_then_24h_set_the_start() -> None:
    zone = ZoneInfo("UTC")
    end = datetime(2026, 12, 3, tzinfo=zone)
    previous = datetime(2026, 12, 1, 18, tzinfo=zone)
    since = parse_since("2026-11-29T06:00", zone)
    assert since == datetime(2026, 11, 29, 6, tzinfo=zone)
    assert brief_window(DAY, zone, since=since, length=timedelta(hours=36), previous_end=previous).start == since
    assert brief_window(DAY, zone, length=timedelta(hours=36), previous_end=previous).start == end - timedelta(hours=36)
    assert brief_window(DAY, zone, previous_end=previous).start == previous
    assert brief_window(DAY, zone).start == end - timedelta(hours=24)
    later = datetime(2026, 12, 5, tzinfo=zone)  # a brief for a later day already exists: not a start after the end
    assert brief_window(DAY, zone, previous_end=later).start == end - timedelta(hours=24)


def test_since_with_an_offset_keeps_it_and_bad_since_is_a_clear_error() -> None:
    assert parse_since("2026-11-29T06:00+05:00", AUCKLAND).utcoffset() == timedelta(hours=5)
    with pytest.raises(WindowError, match="cannot read --since"):
        parse_since("yesterday-ish", AUCKLAND)
    with pytest.raises(WindowError, match="not before its end"):
        brief_window(DAY, AUCKLAND, since=datetime(2026, 12, 4, tzinfo=AUCKLAND))


def test_old_and_future_articles_are_skipped_with_reasons_and_undated_ones_kept_and_marked() -> None:
    window = brief_window(DAY, ZoneInfo("UTC"))
    inside = article("inside", datetime(2026, 12, 2, 9, tzinfo=UTC))
    edge = article("edge", window.start)  # the start is inside, the end is not
    old = article("old", datetime(2015, 3, 1, tzinfo=UTC))
    future = article("future", datetime(2026, 12, 3, 0, 0, tzinfo=UTC))
    undated = article("undated", None)
    kept, skipped = select_recent([inside, edge, old, future, undated], window)
    assert [a.id for a in kept] == ["inside", "edge", "undated"]
    assert undated.flags == [UNDATED] and inside.flags == []
    reasons = {s.url.rsplit("/", 1)[1]: s.reason for s in skipped}
    assert reasons["old"].startswith("older than the brief's window (published 2015-03-01T00:00:00+00:00")
    assert reasons["future"].startswith("dated after the brief's window")
    assert all(s.title and s.source == "Marrowby Ledger" for s in skipped)
    again, _ = select_recent([undated], window)  # flagged once however often it is selected
    assert again[0].flags == [UNDATED]


def test_a_day_only_date_is_inside_when_any_part_of_its_day_is() -> None:
    """ "2026-12-01" with no time is stored as that day's midnight, a placeholder: the article may be from the
    evening, so a window that starts at noon that day still takes it; the day before stays out."""
    window = brief_window(DAY, ZoneInfo("UTC"), length=timedelta(hours=36))  # starts 2026-12-01 12:00
    that_day = article("that-day", datetime(2026, 12, 1, tzinfo=UTC))
    day_before = article("day-before", datetime(2026, 11, 30, tzinfo=UTC))
    timed = article("timed", datetime(2026, 12, 1, tzinfo=UTC))  # a real midnight time stays before the start
    for dated_by_day in (that_day, day_before):
        dated_by_day.flags.append(DATE_ONLY)
    kept, skipped = select_recent([that_day, day_before, timed], window)
    assert [a.id for a in kept] == ["that-day"]
    assert sorted(s.url.rsplit("/", 1)[1] for s in skipped) == ["day-before", "timed"]
