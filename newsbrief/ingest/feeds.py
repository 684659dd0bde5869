"""RSS 0.9x/1.0/2.0 and Atom feeds: one article per item, with the linked page fetched when the feed only
carries a snippet.

feedparser is given the raw bytes (and the HTTP content type) because it resolves declared, HTTP-level and
undeclared encodings itself, Latin-1 feeds without a declaration included.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import feedparser

from newsbrief.ingest.build import TOO_LITTLE_TEXT, Result, make_article, parse_datetime, skip, time_unknown
from newsbrief.ingest.fetch import FetchError, Refused, Web
from newsbrief.ingest.markup import html_to_text
from newsbrief.ingest.options import IngestOptions
from newsbrief.ingest.pages import Page, fetch_page, without_credit
from newsbrief.ingest.urls import host_name, is_http_url
from newsbrief.records import DATE_FROM_FEED, DATE_FROM_PAGE, SNIPPET_ONLY, Article, Skipped
from newsbrief.text import word_count

log = logging.getLogger("newsbrief.ingest")

_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf|channel)[\s>]")
_LEFTOVER_TAG = re.compile(r"</?(?:p|div|br|a|span|em|strong|li|ul)\b[^>]*>|<!--", re.IGNORECASE)
_ITEM_KEYS = ("title", "link", "summary", "content")  # an "item" with none of these is parser debris
_FEED_TYPES = ("rss", "atom", "rdf")
_PAGE_WORKERS = 4


def looks_like_feed(content: bytes, content_type: str = "") -> bool:
    """Feed by declared type or by its root element; HTML pages that merely mention a feed do not count."""
    if any(kind in content_type for kind in _FEED_TYPES):
        return True
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return bool(_FEED_ROOT.search(head)) and b"<html" not in head


@dataclass
class _Item:
    title: str | None
    link: str | None
    text: str
    author: str | None
    published: Any
    source: str | None  # RSS <source>: the outlet of an item in an aggregating feed


def feed_articles(
    content: bytes,
    origin: str,
    options: IngestOptions,
    web: Web | None,
    content_type: str = "",
    feed_url: str | None = None,
) -> Result:
    """Articles of every usable item; items that cannot be used come back as `Skipped` with the reason."""
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(content, response_headers=headers)
    entries = [entry for entry in parsed.entries if any(entry.get(key) for key in _ITEM_KEYS)]
    if not entries:
        if parsed.get("bozo"):
            return [], [_unparsed(parsed, origin, feed_url)]
        return [], [skip(origin, "feed has no items", feed_url)]
    if parsed.get("bozo"):
        log.info("feed %s read despite a problem: %s", origin, parsed.get("bozo_exception"))
    channel = parsed.feed
    source = _text(channel.get("title")) or host_name(channel.get("link") or feed_url or "") or None
    language = channel.get("language")
    feed_date = parse_datetime(channel.get("updated_parsed") or channel.get("published_parsed"))
    cap = options.max_items_per_feed
    items = [_item(entry) for entry in entries[:cap]]
    pages = _linked_pages(items, options, web)
    articles: list[Article] = []
    skipped = [_beyond_cap(entry, origin, cap) for entry in entries[cap:]]
    for item in items:
        try:
            result = _article(item, pages, origin, item.source or source, language, options, feed_date)
        except Exception as exc:  # one malformed item must not cost the rest of the feed
            log.exception("feed item %s of %s", item.link or item.title, origin)
            result = skip(origin, f"could not read the item ({type(exc).__name__}: {exc})", item.link, item.title)
        (articles if isinstance(result, Article) else skipped).append(result)
    if _lost_content(parsed) and not articles:  # the items failed for what the parser lost: its message says why
        return [], [_unparsed(parsed, origin, feed_url)]
    return articles, skipped


def _lost_content(parsed: Any) -> bool:
    """Whether the parser lost part of the feed: a declared encoding that feedparser overrode with one that decodes
    the bytes (`CharacterEncodingOverride`) or a content type it ignored lost nothing, so the items' own reasons
    (another language, no text) stand."""
    exception = parsed.get("bozo_exception")
    harmless = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    return bool(parsed.get("bozo")) and not isinstance(exception, harmless)


def _unparsed(parsed: Any, origin: str, feed_url: str | None) -> Skipped:
    return skip(origin, f"feed could not be parsed ({parsed.get('bozo_exception')})", feed_url)


def _beyond_cap(entry: Any, origin: str, cap: int) -> Skipped:
    """The note for an item past `max_items_per_feed`: listed by title and link, its body never parsed, so a feed
    of thousands of items costs no more than its first `cap` plus one line each."""
    link = entry.get("link")
    reason = f"the feed has more than {cap} items (max_items_per_feed); later items are not read"
    return skip(origin, reason, link if link and is_http_url(link) else None, _text(entry.get("title")))


def _item(entry: Any) -> _Item:
    bodies = [part.get("value", "") for part in entry.get("content", [])] + [entry.get("summary", "")]
    texts = [_unescaped_text(body) for body in bodies if body]
    link = entry.get("feedburner_origlink") or entry.get("link") or entry.get("id")
    author = (entry.get("author_detail") or {}).get("name") or entry.get("author")
    written = entry.get("published") or entry.get("updated")
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return _Item(
        title=_text(entry.get("title")),
        link=link if link and is_http_url(link) else None,
        text=max(texts, key=word_count, default=""),
        author=author,
        # feedparser reads a day-only date as midnight; the text as written keeps that it named no time
        published=written if isinstance(written, str) and time_unknown(written) else parsed or written,
        source=_text((entry.get("source") or {}).get("title")),
    )


def _unescaped_text(markup: str) -> str:
    """Text of item markup; some feeds escape their HTML twice, which leaves tags in the text after one pass."""
    text = html_to_text(markup)
    return html_to_text(text) if _LEFTOVER_TAG.search(text) else text


def _text(value: str | None) -> str | None:
    return html_to_text(value).replace("\n\n", " ") if value else None


def _linked_pages(items: list[_Item], options: IngestOptions, web: Web | None) -> dict[str, Page | str]:
    """The page (or why it failed) of each snippet-only item, fetched a few at a time."""
    if not (options.fetch_linked_pages and web):
        return {}
    links = sorted({item.link for item in items if item.link and word_count(item.text) < options.min_words})
    if not links:
        return {}

    def attempt(link: str) -> Page | str:
        try:
            return fetch_page(web, link)
        except (FetchError, Refused) as exc:
            log.info("linked page %s not used: %s", link, exc)
            return str(exc)
        except Exception as exc:  # an extractor bug on one page must not cost the whole feed
            log.exception("reading linked page %s failed", link)
            return f"could not read the page ({type(exc).__name__}: {exc})"

    with ThreadPoolExecutor(max_workers=min(_PAGE_WORKERS, len(links))) as pool:
        return dict(zip(links, pool.map(attempt, links), strict=True))


def _article(
    item: _Item,
    pages: dict[str, Page | str],
    origin: str,
    source: str | None,
    language: str | None,
    options: IngestOptions,
    feed_date: datetime | None = None,
) -> Article | Skipped:
    """An item without a date of its own takes its page's date, else the feed's own date (when the feed was last
    updated: no item in it is newer), each flagged so the brief says where the date came from. An item date that
    cannot be read counts as none. A snippet too short to use is skipped with the reason its page was not read."""
    text, author, flags, unread = item.text, item.author, [], None
    published = item.published if parse_datetime(item.published) else None  # as written, for `date_only`
    if word_count(text) < options.min_words:
        page = pages.get(item.link or "", "linked pages are not fetched" if item.link else "the item has no link")
        if isinstance(page, Page) and word_count(page.text) > word_count(text):
            text, author = page.text, author or page.author
            if not published and page.published:
                published, flags = page.published, [DATE_FROM_PAGE]
        else:
            unread = page if isinstance(page, str) else "its page has no more text than the feed"
            if not text.strip():
                return skip(
                    origin, f"feed item has no text and its page could not be used: {unread}", item.link, item.title
                )
            log.info("feed item %s kept as a snippet: %s", item.link or item.title, unread)
            flags = [SNIPPET_ONLY]
    if not published and feed_date:
        published, flags = feed_date, [*flags, DATE_FROM_FEED]
    result = make_article(
        origin,
        text,
        title=without_credit(item.title, [author, source]),
        url=item.link,
        source=source,
        published=published,
        author=author,
        declared_language=language,
        flags=flags,
    )
    if isinstance(result, Skipped) and unread and result.reason.startswith(TOO_LITTLE_TEXT):
        result.reason += f"; only the feed's snippet was read ({unread})"
    return result
