"""Where an article's date comes from when its own record has none: the linked page's metadata, the feed's own date,
the file's modification time; each is flagged on the article (and so shown in brief.json). A date that names the
day only is flagged `date_only`, and a page's own stated time outranks a day-only date of the same day."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from newsbrief.ingest import IngestOptions, ingest_source
from newsbrief.ingest.build import day_unknown, make_article, time_unknown
from newsbrief.ingest.pages import publication_time
from newsbrief.records import DATE_FROM_FEED, DATE_FROM_FILE_TIME, DATE_FROM_PAGE, DATE_ONLY, Article

FILE_TIME = datetime(2026, 11, 28, 5, 30, tzinfo=UTC)
BODY = (
    "The Merrow Canal Trust said on Tuesday that the lock gates at Tidewater had reopened to barges after six weeks of "
    "repairs to the hinges and seals, and that about forty barges a day were expected to pass through once the "
    "backlog of waiting boats had cleared."
)
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Merrow Canal News</title><link>https://merrow-canal.example/</link>
{channel_date}
<item><title>Lock gates reopen</title><link>https://merrow-canal.example/lock</link>
<description>{body}</description>{item_date}</item>
</channel></rss>"""
PAGE = """<html><head><title>Lock gates reopen</title>
<meta property="article:published_time" content="2026-11-29T06:30:00+00:00"></head>
<body><article><h1>Lock gates reopen</h1><p>{body}</p><p>{body}</p></article></body></html>"""


def feed_file(folder: Path, channel_date: str = "", item_date: str = "") -> Path:
    path = folder / "canal.xml"
    path.write_text(FEED.format(channel_date=channel_date, item_date=item_date, body=BODY), encoding="utf-8")
    os.utime(path, (FILE_TIME.timestamp(), FILE_TIME.timestamp()))
    return path


def only_article(source: Path | str) -> tuple[datetime | None, list[str]]:
    articles, skipped = ingest_source(str(source))
    assert skipped == [] and len(articles) == 1
    return articles[0].published, [flag for flag in articles[0].flags if flag.startswith("date_from")]


def test_an_item_with_its_own_date_keeps_it_unflagged(tmp_path: Path) -> None:
    path = feed_file(
        tmp_path,
        "<lastBuildDate>Mon, 30 Nov 2026 09:00:00 GMT</lastBuildDate>",
        "<pubDate>Sun, 29 Nov 2026 18:00:00 GMT</pubDate>",
    )
    assert only_article(path) == (datetime(2026, 11, 29, 18, tzinfo=UTC), [])


@pytest.mark.parametrize("item_date", ["", "<pubDate>sometime next week</pubDate>"])
def test_an_item_without_a_readable_date_takes_the_feeds_own_date(tmp_path: Path, item_date: str) -> None:
    path = feed_file(tmp_path, "<lastBuildDate>Mon, 30 Nov 2026 09:00:00 GMT</lastBuildDate>", item_date)
    assert only_article(path) == (datetime(2026, 11, 30, 9, tzinfo=UTC), [DATE_FROM_FEED])


def test_a_feed_file_with_no_dates_at_all_takes_the_files_modification_time(tmp_path: Path) -> None:
    assert only_article(feed_file(tmp_path)) == (FILE_TIME, [DATE_FROM_FILE_TIME])


def test_a_text_file_takes_its_modification_time_only_when_it_names_no_date(tmp_path: Path) -> None:
    undated = tmp_path / "undated" / "lock.md"
    dated = tmp_path / "dated" / "lock.md"
    for path, front in ((undated, ""), (dated, "published: 2026-11-29T07:00:00+00:00\n")):
        path.parent.mkdir()
        path.write_text(f"---\ntitle: Lock gates reopen\n{front}---\n{BODY}\n", encoding="utf-8")
        os.utime(path, (FILE_TIME.timestamp(), FILE_TIME.timestamp()))
    assert only_article(undated.parent) == (FILE_TIME, [DATE_FROM_FILE_TIME])
    assert only_article(dated.parent) == (datetime(2026, 11, 29, 7, tzinfo=UTC), [])


def test_an_undated_snippet_item_takes_its_pages_date_before_the_feeds(httpserver: HTTPServer) -> None:
    page_url = httpserver.url_for("/lock")
    snippet = FEED.format(
        channel_date="<lastBuildDate>Mon, 30 Nov 2026 09:00:00 GMT</lastBuildDate>", item_date="", body="Gates reopen."
    ).replace("https://merrow-canal.example/lock", page_url)
    httpserver.expect_request("/feed.xml").respond_with_data(snippet, content_type="application/rss+xml")
    httpserver.expect_request("/lock").respond_with_data(PAGE.format(body=BODY), content_type="text/html")
    articles, skipped = ingest_source(httpserver.url_for("/feed.xml"), IngestOptions())
    assert skipped == [] and len(articles) == 1
    assert (articles[0].published, articles[0].flags) == (datetime(2026, 11, 29, 6, 30, tzinfo=UTC), [DATE_FROM_PAGE])


PAGE_OF_DAY = """<html><head><title>Lock gates reopen</title>{head}</head>
<body><article><h1>Lock gates reopen</h1><p>{body}</p><p>{body}</p></article></body></html>"""


def saved_page(folder: Path, head: str) -> Path:
    path = folder / "canal-trust" / "source.html"
    path.parent.mkdir(parents=True)
    path.write_text(PAGE_OF_DAY.format(head=head, body=BODY), encoding="utf-8")
    return path


def only_dated(path: Path) -> tuple[datetime | None, bool]:
    articles, skipped = ingest_source(str(path))
    assert skipped == [] and len(articles) == 1
    return articles[0].published, DATE_ONLY in articles[0].flags


def test_a_page_that_gives_only_the_day_is_flagged_so(tmp_path: Path) -> None:
    path = saved_page(tmp_path, '<meta name="date" content="2026-11-29">')
    assert only_dated(path) == (datetime(2026, 11, 29, tzinfo=UTC), True)


def test_a_pages_stated_time_outranks_the_day_in_its_address(tmp_path: Path) -> None:
    head = (
        '<link rel="canonical" href="https://canal-trust.example/news/2026/11/29/lock-gates-reopen">'
        '<meta property="article:published_time" content="2026-11-29T14:15:00+00:00">'
    )
    assert only_dated(saved_page(tmp_path, head)) == (datetime(2026, 11, 29, 14, 15, tzinfo=UTC), False)


def test_json_ld_gives_the_time_that_a_day_only_date_lacks(tmp_path: Path) -> None:
    head = (
        '<meta name="date" content="2026-11-29">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2026-11-29T14:15+0000"}</script>'
    )
    assert only_dated(saved_page(tmp_path, head)) == (datetime(2026, 11, 29, 14, 15, tzinfo=UTC), False)


@pytest.mark.parametrize(
    ("found", "stated", "expected"),
    [
        ("2026-11-29T00:00:00", "2026-11-29T14:15+0000", "2026-11-29T14:15+0000"),  # the day, then its time
        ("2026-11-29T00:00:00", "2026-11-29T23:30:00-05:00", "2026-11-29T23:30:00-05:00"),  # its own day, not UTC's
        ("2026-11-29T09:10:00", "2026-11-29T14:15:00+00:00", "2026-11-29T14:15:00+00:00"),  # a time with no zone
        ("2026-11-28T00:00:00", "2026-11-29T14:15:00+00:00", "2026-11-28T00:00:00"),  # another day: not the same
        ("2026-11-29T09:10:00+0100", "2026-11-29T14:15:00+00:00", "2026-11-29T09:10:00+0100"),  # complete already
        ("2026-11-29T00:00:00", "2026-11-29", "2026-11-29T00:00:00"),  # a day for a day: nothing gained
        (None, "2026-11-29T14:15:00+00:00", "2026-11-29T14:15:00+00:00"),  # htmldate found none: the page's own
        (None, "2015-03-18T10:15:00-04:00", "2015-03-18T10:15:00-04:00"),
        (None, "2026-11-29", "2026-11-29"),  # a day only, flagged so by `make_article`
        (None, None, None),
    ],
)
def test_publication_time_prefers_a_stated_time_and_zone_for_the_same_day(
    found: str | None, stated: str | None, expected: str | None
) -> None:
    assert publication_time(found, stated) == expected


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("2026-11-29", True),
        ("29 November 2026", True),
        ("Sun, 29 Nov 2026", True),
        ("2026-11-29T00:00:00", True),  # how a day-only date reads once written out as a timestamp
        ("2026-11-29T00:00:00+00:00", False),  # midnight stated with its zone is a time
        ("2026-11-29T14", False),
        ("Sun, 29 Nov 2026 00:00:00 EST", False),
        ("2026-11-29 14:15", False),
        ("sometime next week", False),  # no date at all: nothing to flag
        ("2026-11", True),  # no day, so no time either
        ("29 Feb 2028", True),  # a leap day reads with either default
    ],
)
def test_time_unknown(text: str, unknown: bool) -> None:
    assert time_unknown(text) is unknown


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("2026-11", True),
        ("November 2026", True),
        ("Nov 2026", True),
        ("2026", True),
        ("2026-11-01", False),  # the first of the month, stated
        ("1 November 2026", False),
        ("2026-11-29T14:15:00+00:00", False),
        ("sometime next week", False),
    ],
)
def test_day_unknown(text: str, unknown: bool) -> None:
    assert day_unknown(text) is unknown


@pytest.mark.parametrize("published", ["2015-03", "March 2015", "2015"])
def test_a_date_that_names_no_day_is_no_date_rather_than_an_invented_first(published: str) -> None:
    article = make_article("feed", BODY, title="Lock gates reopen", published=published)
    assert isinstance(article, Article)
    assert (article.published, DATE_ONLY in article.flags) == (None, False)


def test_a_file_dated_by_month_only_takes_its_file_time_flagged_so(tmp_path: Path) -> None:
    note = tmp_path / "lock.md"
    note.write_text(f"---\ntitle: Lock gates reopen\npublished: 2015-03\n---\n{BODY}\n", encoding="utf-8")
    os.utime(note, (FILE_TIME.timestamp(), FILE_TIME.timestamp()))
    assert only_article(note) == (FILE_TIME, [DATE_FROM_FILE_TIME])


def test_day_only_dates_of_files_and_feeds_are_flagged(tmp_path: Path) -> None:
    note = tmp_path / "lock.md"
    note.write_text(f"---\ntitle: Lock gates reopen\npublished: 2026-11-29\n---\n{BODY}\n", encoding="utf-8")
    assert only_dated(note) == (datetime(2026, 11, 29, tzinfo=UTC), True)
    day_only = feed_file(tmp_path, item_date="<pubDate>29 Nov 2026</pubDate>")
    timed = tmp_path / "timed" / "canal.xml"
    timed.parent.mkdir()
    timed.write_text(
        FEED.format(channel_date="", item_date="<pubDate>Sun, 29 Nov 2026 00:00:00 GMT</pubDate>", body=BODY)
    )
    assert only_dated(day_only) == (datetime(2026, 11, 29, tzinfo=UTC), True)
    assert only_dated(timed) == (datetime(2026, 11, 29, tzinfo=UTC), False)  # midnight GMT is a stated time
