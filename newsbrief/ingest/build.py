"""Turns extracted fields into an `Article`, or a `Skipped` that says why not.

Every reader (feeds, pages, local files) ends here, so the checks that make an article usable downstream are
applied once and the same way: normalised text, at least one sentence, English, a stable id, a source name and
a timezone-aware publication date.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from datetime import time as day_time
from typing import Any
from urllib.parse import urlsplit

from dateutil import parser as dateparser

from newsbrief.ingest.fetch import FetchError
from newsbrief.ingest.urls import host_name, url_id
from newsbrief.records import DATE_ONLY, OPINION, SOURCE_FROM_LOCATION, UNTITLED, Article, Skipped
from newsbrief.text import (
    content_hash,
    guess_language,
    language_name,
    normalise_whitespace,
    split_sentences,
    word_count,
)

log = logging.getLogger("newsbrief.ingest")

_TITLE_CHARS = 120
# A path section where outlets file their writers' views rather than reports ("/commentisfree/", "/opinion/",
# "/editorials/", "/reviews/"); a forum's "/comments/" is a thread, not a column. A "/blog/" is not one: live blogs
# report, and a slug ending "-review" is as often an inquiry ("/strategic-defence-review") as a critic's piece.
_OPINION_SECTION = re.compile(
    r"/(?:opinions?|commentisfree|comment|commentary|editorials?|columns?|columnists?|op-?eds?|reviews?)(?:/|$)",
    re.IGNORECASE,
)
# A title that a critic's verdict marks: one that opens with the label "Review:" (or "Review |", "Review –"), or
# carries a star rating ("★★★☆☆", "4/5", "four stars"). A review named anywhere else in a title is news as often
# ("Judicial review – court blocks ...", "Defence review: army to lose ...").
_REVIEW_TITLE = re.compile(
    r"^\s*review\s*[:|\u2013\u2014]"
    r"|[\u2605\u2606]{3,}"
    r"|(?<![\d/.])[0-5](?:\.5)?/5(?![\d/])"
    r"|\b(?:one|two|three|four|five|[1-5])[\s-]stars?\b(?!\s*\w)",
    re.IGNORECASE,
)
TRUNCATED = "truncated"  # Article flag: only the first `max_article_chars` of the text were kept
# Fewer words than this is no article in any language: a feed's "submitted by ... [link] [341 comments]" line. It is
# the floor that `guess_language`'s 40 letters stand for (8 words at about 5 letters each), applied in words too,
# since a long user name alone can pass the letter count and be taken for English.
MIN_TEXT_WORDS = 8
TOO_LITTLE_TEXT = "too little text to use"  # the skip reason's opening words for a text under that floor
# Two defaults that differ in every field (both leap years, so "Feb 29" reads): a date text that names no day, or
# no hour, takes each one's own.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2004, 2, 2, 1, 1, 1))

Result = tuple[list[Article], list[Skipped]]


def skip(source: str, reason: str, url: str | None = None, title: str | None = None) -> Skipped:
    """A logged `Skipped`: nothing is dropped without a trace in the log and in the brief."""
    log.info("skipped %s%s: %s", source, f" ({url})" if url and url != source else "", reason)
    return Skipped(source=source, reason=reason, url=url, title=title)


def single(result: Article | Skipped) -> Result:
    """One reader outcome in the (articles, skipped) shape that every source returns."""
    return ([result], []) if isinstance(result, Article) else ([], [result])


def guarded(origin: str, read: Callable[..., Result], *args: Any) -> Result:
    """`read(*args)`, with any failure but `FetchError` turned into a `Skipped`: a parser bug on one input must
    not stop a daily run; the traceback still goes to the log."""
    try:
        return read(*args)
    except FetchError:
        raise
    except Exception as exc:
        log.exception("reading %s failed", origin)
        return [], [skip(origin, f"could not read the source ({type(exc).__name__}: {exc})")]


def make_article(
    origin: str,
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    source: str | None = None,
    fallback_source: str | None = None,
    published: datetime | str | time.struct_time | None = None,
    author: str | None = None,
    article_id: str | None = None,
    declared_language: str | None = None,
    flags: list[str] | None = None,
    fetched_at: datetime | None = None,
) -> Article | Skipped:
    """Check and assemble one article; `origin` is what the user asked for (feed URL, file path) for reports.
    `source` is the outlet the record itself names; without one, `fallback_source` (a file's name), the URL's host or
    the origin stands in, flagged `source_from_location`. A `published` text that names only the day is flagged
    `date_only`, so the brief shows no invented time; one that names no day ("2015-03", "March 2015") is no
    publication date at all, since its first of the month would be an invented day."""
    text = normalise_whitespace(text)
    title = normalise_whitespace(title or "").replace("\n", " ") or None
    readings = _readings(published) if isinstance(published, str) else None  # read once for both checks below
    published = None if _names_no_day(readings) else published
    sentences = split_sentences(text)
    if not sentences:
        return skip(origin, "no readable text", url, title)
    language = guess_language(text)
    words = word_count(text)
    if language not in ("en", "und"):  # first: Chinese or Japanese text has no spaces to count words by
        return skip(origin, not_english(language, declared_language), url, title)
    if language == "und" or words < MIN_TEXT_WORDS:
        return skip(origin, f"{TOO_LITTLE_TEXT} ({words} word{'' if words == 1 else 's'})", url, title)
    named = (source or "").strip()
    return Article(
        id=article_id or (url_id(url) if url else content_hash(text)),
        url=url,
        source=named or (fallback_source or "").strip() or (host_name(url) if url else "") or origin,
        title=title or _title_from(sentences[0].text),
        text=text,
        published=parse_datetime(published),
        language=language,
        author=(author or "").strip() or None,
        fetched_at=fetched_at or datetime.now(UTC),
        flags=list(flags or [])
        + ([] if title else [UNTITLED])
        + ([] if named else [SOURCE_FROM_LOCATION])
        + ([DATE_ONLY] if isinstance(published, str) and _names_no_time(readings) else [])
        + ([OPINION] if is_opinion(url, title) else []),
    )


def is_opinion(url: str | None, title: str | None) -> bool:
    """Whether an article is a writer's view rather than a report: its address files it under opinion, a column or
    reviews, or its title labels it a review or rates its subject in stars."""
    return bool((url and _OPINION_SECTION.search(urlsplit(url).path)) or (title and _REVIEW_TITLE.search(title)))


def truncate(article: Article, max_chars: int) -> Skipped | None:
    """Cut `article.text` in place at the last sentence end within `max_chars`, and say so; None if it fits.

    Every later stage costs at least linear time and memory in the text (the summariser's sentence graph more), so
    one huge "article" (a log, a book, a 1 MB page) must not hold up the whole day. The cut follows the last whole
    sentence (or the last space when the first sentence is already longer), so no sentence is left half shown.
    """
    if len(article.text) <= max_chars:
        return None
    whole = split_sentences(article.text[:max_chars])[:-1]  # the last may run on past the cut
    end = whole[-1].end if whole else max(article.text.rfind(" ", 0, max_chars), 0) or max_chars
    total = len(article.text)
    article.text = article.text[:end]
    article.flags.append(TRUNCATED)
    return skip(
        article.url or article.source,
        f"only the first {end:,} of {total:,} characters were read (max_article_chars is {max_chars:,})",
        article.url,
        article.title,
    )


def not_english(language: str, declared_language: str | None = None) -> str:
    """The skip reason for a text in another language, named ("not English (German, declared 'de')")."""
    declared = f", declared '{declared_language}'" if declared_language else ""
    return f"not English ({language_name(language)}{declared})"


def _title_from(sentence: str) -> str:
    if len(sentence) <= _TITLE_CHARS:
        return sentence
    return sentence[:_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def time_unknown(value: str) -> bool:
    """Whether a date text names no time of day: "2015-03-18", "March 18, 2015", "2015-03", or midnight with no zone
    ("2015-03-18T00:00:00"), the form a bare date takes once written out as a timestamp (htmldate's output format
    does that to the day-only dates it finds). Unreadable text counts as known: it is no date at all."""
    return _names_no_time(_readings(value))


def day_unknown(value: str) -> bool:
    """Whether a date text names no day of the month ("2015-03", "March 2015", "2015"): no day can stand for it."""
    return _names_no_day(_readings(value))


def _names_no_time(readings: tuple[datetime, datetime] | None) -> bool:
    """`time_unknown` of a text's `_readings`."""
    if readings is None:
        return False
    first, second = readings
    return first.hour != second.hour or (first.time() == day_time() and first.tzinfo is None)


def _names_no_day(readings: tuple[datetime, datetime] | None) -> bool:
    """`day_unknown` of a text's `_readings`."""
    return readings is not None and readings[0].day != readings[1].day


def _readings(value: str) -> tuple[datetime, datetime] | None:
    """`value` read with each of `_DEFAULTS` filling what it leaves out; None if it is no date."""
    try:
        first, second = (dateparser.parse(value.strip(), default=d, tzinfos=_any_zone) for d in _DEFAULTS)
    except (ValueError, OverflowError):
        return None
    return first, second


def _any_zone(name: str | None, offset: int | None) -> int | None:
    """A zone for every offset or zone name, "EST" included, which dateutil cannot place: here only whether the text
    names a zone matters."""
    return offset if offset is not None else (0 if name else None)


def parse_datetime(value: datetime | str | time.struct_time | None) -> datetime | None:
    """A timezone-aware datetime (UTC when the value has no zone), or None for missing or unreadable values."""
    if value is None or value == "":
        return None
    if isinstance(value, time.struct_time):  # feedparser's *_parsed fields are in UTC
        return datetime(*value[:6], tzinfo=UTC)
    if isinstance(value, str):
        try:
            value = dateparser.isoparse(value.strip())
        except (ValueError, OverflowError):
            try:
                value = dateparser.parse(value.strip())
            except (ValueError, OverflowError):
                log.info("unreadable date %r ignored", value)
                return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
