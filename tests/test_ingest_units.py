"""The small pieces of ingest: URL normalisation, HTML fragments to text, dates, front matter, dedupe, the floor
below which a text is no article."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsbrief.ingest import IngestOptions, dedupe, ingest_source
from newsbrief.ingest.build import MIN_TEXT_WORDS, make_article, parse_datetime
from newsbrief.ingest.feeds import looks_like_feed
from newsbrief.ingest.files import split_front_matter
from newsbrief.ingest.markup import html_to_text
from newsbrief.ingest.pages import without_credit
from newsbrief.ingest.urls import is_http_url, normalise_url, url_id
from newsbrief.records import DATE_FROM_FILE_TIME, SNIPPET_ONLY, Article, Skipped
from newsbrief.text import guess_language

TEXT = (
    "The harbour authority closed the north pier on Tuesday after divers found cracks in two of its supports. "
    "Engineers said the pier would stay shut until repairs are finished in the spring."
)


def article(url: str | None, text: str = TEXT, title: str = "Pier closed", flags: list[str] | None = None) -> Article:
    return Article(id=url_id(url) if url else "x", url=url, source="Harbour Gazette", title=title, text=text,
                   flags=flags or [])  # fmt: skip


def test_normalise_url() -> None:
    assert normalise_url("HTTPS://News.Example.COM:443/World/Story/?utm_source=rss&b=2&a=1&fbclid=XYZ#comments") == (
        "https://news.example.com/World/Story?a=1&b=2"
    )
    assert normalise_url("http://example.com:8080/") == "http://example.com:8080"
    assert url_id("https://example.com/a?utm_medium=email") == url_id("https://EXAMPLE.com/a/#top")
    assert url_id("https://example.com/a?page=2") != url_id("https://example.com/a")
    assert is_http_url("https://example.com/x") and not is_http_url("ftp://example.com/x")
    assert not is_http_url("http://") and not is_http_url("/local/path")


def test_html_to_text_keeps_paragraphs_and_drops_code() -> None:
    markup = (
        "<div><p>First  paragraph\n wrapped.</p><script>track()</script><p>Second &amp; last<br>line</p>"
        "<ul><li>one</li><li>two</li></ul></div>"
    )
    assert html_to_text(markup) == "First paragraph wrapped.\n\nSecond & last\n\nline\n\none\n\ntwo"
    assert html_to_text("Plain &lt;b&gt; text") == "Plain <b> text"
    assert html_to_text("") == ""


def test_parse_datetime_is_always_timezone_aware() -> None:
    assert parse_datetime("2025-03-02T14:30:00+01:00") == datetime(2025, 3, 2, 13, 30, tzinfo=UTC)
    assert parse_datetime("2025-03-02T14:30:00+01:00").utcoffset() == timedelta(hours=1)
    assert parse_datetime("2025-03-02 14:30") == datetime(2025, 3, 2, 14, 30, tzinfo=UTC)
    assert parse_datetime("Sun, 02 Mar 2025 14:30:00 -0500") == datetime(2025, 3, 2, 19, 30, tzinfo=UTC)
    assert parse_datetime(time.struct_time((2025, 3, 2, 14, 30, 0, 6, 61, 0))) == datetime(
        2025, 3, 2, 14, 30, tzinfo=UTC
    )
    aware = datetime(2025, 3, 2, 9, tzinfo=timezone(timedelta(hours=-3)))
    assert parse_datetime(aware) is aware
    assert parse_datetime("next Tuesday-ish") is None and parse_datetime(None) is None


def test_front_matter() -> None:
    fields, body = split_front_matter('---\ntitle: "Quoted: title"\nSource: Gazette\nnot a field\n---\nBody text.\n')
    assert fields == {"title": "Quoted: title", "source": "Gazette"}
    assert body == "Body text.\n"
    assert split_front_matter("No front matter\n---\n") == ({}, "No front matter\n---\n")


def test_looks_like_feed() -> None:
    assert looks_like_feed(b"\xef\xbb\xbf<?xml version='1.0'?>\n<rss version='2.0'>", "")
    assert looks_like_feed(b"<html>...</html>", "application/atom+xml")
    assert not looks_like_feed(b"<!DOCTYPE html><html><head><link rel='alternate' href='/feed'></head>", "text/html")


def test_dedupe_by_url_and_by_text() -> None:
    first = article("https://gazette.example/pier")
    tracked = article("https://Gazette.example/pier/?utm_source=newsletter", title="Pier closed (newsletter)")
    respaced = article("https://other.example/syndicated", text=TEXT.replace(" ", "  ").upper(), title="Copy")
    different = article("https://gazette.example/bridge", text=TEXT.replace("north pier", "old bridge"), title="Bridge")
    kept, skipped = dedupe([first, tracked, respaced, different])
    assert kept == [first, different]
    assert [(s.title, s.reason) for s in skipped] == [
        ("Pier closed (newsletter)", "duplicate of 'Pier closed' (same URL)"),
        ("Copy", "duplicate of 'Pier closed' (same text)"),
    ]


def test_dedupe_prefers_full_text_over_a_snippet() -> None:
    snippet = article(
        "https://gazette.example/pier", text="The north pier was closed on Tuesday.", flags=["snippet_only"]
    )
    full = article("https://gazette.example/pier?utm_campaign=x", title="Pier closed after divers find cracks")
    kept, skipped = dedupe([snippet, full])
    assert kept == [full]
    assert [(s.title, s.reason) for s in skipped] == [
        ("Pier closed", "duplicate of 'Pier closed after divers find cracks' (same URL)")
    ]


@pytest.mark.parametrize(
    ("title", "credits", "expected"),
    [
        ("Harbour closes after storm | Ada Price", ["Ada Price", "The Lindmoor Post"], "Harbour closes after storm"),
        (
            "Harbour closes - The Lindmoor Post | Ada Price",
            ["Ada Price; ADA PRICE", "The Lindmoor Post"],
            "Harbour closes",
        ),
        ("Harbour closes \u2013 a timeline", ["Ada Price", "The Lindmoor Post"], "Harbour closes \u2013 a timeline"),
        ("Storm: what we know | Explainer", ["Ada Price"], "Storm: what we know | Explainer"),
        ("The Lindmoor Post", ["The Lindmoor Post"], "The Lindmoor Post"),
        (None, ["Ada Price"], None),
    ],
)
def test_a_page_titles_trailing_author_or_site_name_is_not_the_headline(
    title: str | None, credits: list[str], expected: str | None
) -> None:
    assert without_credit(title, credits) == expected


@pytest.mark.parametrize(
    ("url", "opinion"),
    [
        ("https://paper.example/commentisfree/2026/nov/27/harbour", True),
        ("https://paper.example/opinion/harbour-board-must-go", True),
        ("https://paper.example/news/editorials/harbour", True),
        ("https://paper.example/news/2026/11/27/harbour-reopens", False),
        ("https://forum.example/r/harbour/comments/42ax/harbour_reopens", False),  # a thread, not a column
        ("https://paper.example/opinionated-harbour-cats", False),
        ("https://paper.example/reviews/harbour-lights", True),
        ("https://paper.example/culture/review/harbour-lights", True),
        ("https://paper.example/news/reviewers-praise-harbour-plan", False),
        ("https://rights.example/blog/privacy/harbour-cameras", False),  # a blog may be a live report
        ("https://paper.example/news/live/blogs/harbour-storm-latest", False),
        ("https://gadgets.example/2026/11/27/harbour-phone-review/", False),  # a slug says too little
        ("https://gov.example/news/strategic-defence-review", False),
        ("https://paper.example/politics/harbour-policy-review.html", False),
    ],
)
def test_an_article_filed_under_opinion_is_flagged(url: str, opinion: bool) -> None:
    text = "The harbour board reopened the north pier on Friday after divers checked its supports for a week. " * 2
    article = make_article("feed", text, title="Harbour", url=url)
    assert ("opinion" in article.flags) is opinion


@pytest.mark.parametrize(
    ("title", "opinion"),
    [
        ("Review: Harbour Lights is a quiet triumph", True),
        ("  review – Harbour Lights at the Quay Theatre", True),
        ("Review | Harbour Phone X keeps up with the sea", True),
        ("Harbour Lights at the Quay Theatre ★★★★☆", True),
        ("Harbour Phone X: a camera that keeps up with the sea – 4/5", True),
        ("Harbour Lights, Quay Theatre – four stars", True),
        ("Harbour Lights: 3.5/5", True),
        ("Harbour board orders review of pier safety", False),
        ("Review of pier safety finds cracks: board", False),
        ("Harbour Phone X review: a camera that keeps up with the sea", False),  # a review named mid-title is ambiguous
        ("Defence review: army to lose 20,000 troops", False),
        ("Judicial review – court blocks deportation flight", False),
        ("Police review: officers cleared", False),
        ("Fed policy review: rates held", False),
        ("Five-star hotel on the quay closes after fire", False),
        ("Three stars of the harbour regatta honoured", False),
        ("Harbour vote set for 3/5/2027", False),
    ],
)
def test_a_title_labelled_a_review_is_flagged_opinion(title: str, opinion: bool) -> None:
    text = "The harbour board reopened the north pier on Friday after divers checked its supports for a week. " * 2
    article = make_article("feed", text, title=title, url="https://paper.example/news/harbour")
    assert ("opinion" in article.flags) is opinion


# A forum feed's item as its markup leaves it once the links' text runs into the words around them.
FORUM_LINE = "submitted byquaysideotterharbourpictures [link][57 comments]"


def test_too_little_text_is_skipped_whatever_language_it_is_guessed_to_be() -> None:
    assert guess_language(FORUM_LINE) == "en"  # enough letters to be guessed, yet no article
    skipped = make_article("forum.xml", FORUM_LINE, title="Otters on the quay")
    assert isinstance(skipped, Skipped) and skipped.reason == "too little text to use (4 words)"
    shortest = "Harbour authorities closed the northern breakwater pier yesterday."
    assert len(shortest.split()) == MIN_TEXT_WORDS and isinstance(make_article("pier.txt", shortest), Article)
    shorter = make_article("pier.txt", shortest.replace(" pier", ""))
    assert isinstance(shorter, Skipped) and shorter.reason == f"too little text to use ({MIN_TEXT_WORDS - 1} words)"


def test_a_snippet_too_short_to_use_says_why_its_page_was_not_read(tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>{title}</title><link>https://forum.example/{n}</link><description>{text}</description></item>"
        for n, (title, text) in enumerate([("Otters on the quay", FORUM_LINE), ("Pier closed", TEXT[:103])])
    )
    feed = tmp_path / "forum.rss"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Forum</title>{items}</channel></rss>')
    articles, skipped = ingest_source(str(feed), IngestOptions(fetch_linked_pages=False))
    assert [(a.title, a.flags) for a in articles] == [("Pier closed", [SNIPPET_ONLY, DATE_FROM_FILE_TIME])]
    assert [(s.title, s.reason) for s in skipped] == [
        (
            "Otters on the quay",
            "too little text to use (4 words); only the feed's snippet was read (linked pages are not fetched)",
        )
    ]
