"""The recency window: which articles a brief for day D covers.

The window ends at the end of D in the configured time zone. It starts at `--since` when given, else `window`
(a length such as "36h") before the end, else at the previous brief's cut-off, else 24 hours before the end.
Articles published before the start are listed as skipped ("older than ..."), after the end as skipped ("dated
after ..."), so nothing is dropped silently; undated articles are kept and flagged `undated`. A date that names only its
day (`date_only`) stands for the whole day: such an article is inside when any part of its day is. (Ingest has already
given an article without a date of its own its page's, its feed's or its file's date where one exists, flagged.)
No constant here was fitted to data: 24 h is the issue's definition of a daily brief.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsbrief.errors import UsageError
from newsbrief.records import DATE_ONLY, Article, Skipped

DEFAULT_LENGTH = timedelta(hours=24)
_INSTANT = timedelta(microseconds=1)
UNDATED = "undated"
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(min|m|h|d|w)\s*$", re.IGNORECASE)


class WindowError(UsageError):
    """A window, time or time zone setting that cannot be read; the message says which and why."""


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def time_zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or a WindowError naming the setting (ZoneInfo's own error is a bare KeyError)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise WindowError(f"unknown time zone {name!r} (use an IANA name such as 'Europe/Berlin' or 'UTC')") from error


def parse_duration(text: str) -> timedelta:
    """ "36h", "2d", "90m", "1w" as a timedelta (a regular expression: no installed library reads this form)."""
    match = _DURATION.match(text)
    if not match or float(match.group(1)) <= 0:
        raise WindowError(f"cannot read the window {text!r}: use a positive length such as '24h', '36h' or '2d'")
    return timedelta(**{_UNITS[match.group(2).lower()]: float(match.group(1))})


def parse_since(text: str, zone: ZoneInfo) -> datetime:
    """An ISO date or date-time; one without an offset is read in the brief's time zone."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise WindowError(f"cannot read --since {text!r}: use an ISO date-time such as 2026-11-29T06:00") from error
    return value if value.tzinfo else value.replace(tzinfo=zone)


def brief_window(
    day: date,
    zone: ZoneInfo,
    *,
    since: datetime | None = None,
    length: timedelta | None = None,
    previous_end: datetime | None = None,
) -> Window:
    """The window of the brief for `day`; see the module docstring for the order of precedence."""
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    if since is not None:
        start = since
    elif length is not None:
        start = end - length
    elif previous_end is not None and previous_end < end:
        start = previous_end
    else:
        start = end - DEFAULT_LENGTH
    if start >= end:
        raise WindowError(f"the window starts at {start.isoformat()}, not before its end {end.isoformat()}")
    return Window(start, end)


def select_recent(articles: Sequence[Article], window: Window) -> tuple[list[Article], list[Skipped]]:
    """The articles inside `window` (undated ones flagged and kept) and a Skipped entry for each one outside."""
    kept: list[Article] = []
    skipped: list[Skipped] = []
    for article in articles:
        published = article.published
        if published is None:
            if UNDATED not in article.flags:
                article.flags.append(UNDATED)
            kept.append(article)
        elif _latest(article, published) < window.start:
            reason = f"older than the brief's window (published {published.isoformat()}, window starts "
            skipped.append(_skip(article, reason + f"{window.start.isoformat()})"))
        elif published >= window.end:
            reason = f"dated after the brief's window (published {published.isoformat()}, window ends "
            skipped.append(_skip(article, reason + f"{window.end.isoformat()})"))
        else:
            kept.append(article)
    return kept, skipped


def _latest(article: Article, published: datetime) -> datetime:
    """The latest time the article may have been published: a day-only date (`date_only`) may mean any time of its
    day, so it is inside a window that any part of that day is inside."""
    return published + timedelta(days=1) - _INSTANT if DATE_ONLY in article.flags else published


def _skip(article: Article, reason: str) -> Skipped:
    return Skipped(source=article.source, reason=reason, url=article.url, title=article.title)
