"""Article pages: main text and metadata with trafilatura, which drops navigation, adverts and comments."""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import trafilatura
from dateutil import parser as dateparser
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newsbrief.ingest.build import make_article, not_english, skip, time_unknown
from newsbrief.ingest.fetch import Refused, Response, Web
from newsbrief.ingest.options import IngestOptions
from newsbrief.ingest.urls import host_name, is_http_url
from newsbrief.records import Article, Skipped
from newsbrief.text import guess_language, word_count

# htmldate keeps the time and zone when the page gives them (most news pages do in their meta tags); a day-only date
# comes out as naive midnight, which `time_unknown` reads as the day alone.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
# Meta tags (property, name or itemprop, case-folded) in which a page states its own publication time: Open Graph's
# and schema.org's microdata names; JSON-LD's `datePublished` is read too.
_PUBLISHED_TAGS = ("article:published_time", "datepublished")
# The last " | ..." (or " - ", " – ", " — ", " · ") part of a page title: where pages put their author or site name.
_CREDIT_SUFFIX = re.compile(r"\s+[|\-\u2013\u2014\u00b7]\s+([^|\u2013\u2014\u00b7]+?)\s*$")


@dataclass
class Page:
    """What one HTML page yields; `text` has one paragraph (or list item, heading) per blank-line block."""

    text: str
    title: str | None
    author: str | None
    published: str | None
    sitename: str | None
    language: str | None
    url: str | None


def extract_page(markup: bytes | str, url: str | None = None) -> Page | None:
    """Main text and metadata of an HTML document, or None when no main text can be found. Where trafilatura finds
    no URL or site name, the page's own tags give them (`own_metadata`), and a stated time of publication outranks
    a day-only date of the same day."""
    tree = load_html(markup)
    if tree is None:
        return None
    own = own_metadata(tree)
    date_params = {
        "original_date": True,
        "extensive_search": True,
        "outputformat": _DATE_FORMAT,
        "max_date": datetime.now().astimezone().strftime("%Y-%m-%d"),
        # A date in the address ("/2015/03/18/") is a day only: the page's own tags are read first, the URL last.
        "deferred_url_extractor": True,
    }
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params=date_params,
    )
    if document is None or not (document.text or "").strip():
        return None
    lines = [line.strip() for line in document.text.splitlines()]
    lines = [line for line in lines if line]
    if lines and document.title and lines[0] == document.title.strip():
        lines = lines[1:]  # the headline is kept as the title, not as the first paragraph
    return Page(
        text="\n\n".join(lines),
        title=without_credit(document.title, [document.author, document.sitename]),
        author=document.author,
        published=publication_time(document.date, own.published),
        sitename=document.sitename or own.sitename,
        language=document.language,
        url=document.url or own.url,
    )


@dataclass
class OwnMetadata:
    """What a page states about itself in its meta tags, links and JSON-LD, read wherever the parser put them: a stray
    element in a saved page's head (a tracking pixel) moves the tags after it into the body, where trafilatura no
    longer looks for them."""

    url: str | None = None
    sitename: str | None = None
    published: str | None = None


def own_metadata(tree: HtmlElement) -> OwnMetadata:
    """The page's address (`og:url`, else `<link rel=canonical>`), outlet (`og:site_name`, else JSON-LD's publisher)
    and publication time (`article:published_time`, `datePublished`, JSON-LD's `datePublished`)."""
    tags: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().casefold()
        content = (meta.get("content") or "").strip()
        if key and content:
            tags.setdefault(key, content)
    canonical = next(
        (link.get("href") for link in tree.iter("link") if "canonical" in (link.get("rel") or "").lower().split()),
        None,
    )
    linked = [_absolute(tags.get("og:url")), _absolute(canonical)]
    published = next((tags[key] for key in _PUBLISHED_TAGS if key in tags), None)
    objects = list(_json_ld(tree))
    publishers = [item.get("publisher") for item in objects]
    names = [p.get("name") if isinstance(p, dict) else p for p in publishers]
    return OwnMetadata(
        url=next((url for url in linked if url), None),
        sitename=tags.get("og:site_name") or next((n.strip() for n in names if isinstance(n, str) and n.strip()), None),
        published=published
        or next((d for item in objects if isinstance(d := item.get("datePublished"), str) and d.strip()), None),
    )


def publication_time(found: str | None, stated: str | None) -> str | None:
    """htmldate's date, or the page's own stated timestamp where htmldate found none or where it gives the time and
    zone that htmldate's lacks for the same day (htmldate prefers some day-only sources, the page's address among
    them)."""
    if found is None:
        return stated
    if stated is None or _zoned(found) is not None:
        return found
    own = _zoned(stated)
    if own is None:
        return found
    day = dateparser.isoparse(found).date()  # htmldate's output format: always ISO 8601
    return stated if day in (own.date(), own.astimezone(UTC).date()) else found


def _zoned(value: str) -> datetime | None:
    """`value` (ISO 8601, as meta tags and JSON-LD write it) as a datetime if it states a time of day and a zone."""
    try:
        parsed = dateparser.isoparse(value.strip())
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None and not time_unknown(value) else None


def _absolute(url: str | None) -> str | None:
    """An http(s) address as written, a scheme-relative one ("//host/path") taken as https; None for anything else
    (a relative path says nothing without the page's own address)."""
    url = (url or "").strip()
    url = f"https:{url}" if url.startswith("//") else url
    return url if is_http_url(url) else None


def _json_ld(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every object in the page's JSON-LD blocks, nested ones and `@graph` members included; bad JSON is ignored."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            pending: deque[Any] = deque([json.loads(script.text or "", strict=False)])
        except ValueError:
            continue
        while pending:
            value = pending.popleft()
            if isinstance(value, dict):
                yield value
                pending += list(value.values())
            elif isinstance(value, list):
                pending += value


def without_credit(title: str | None, credits: Sequence[str | None]) -> str | None:
    """The title less a trailing " | Ada Price" or " - The Post" that repeats the page's own author or site name:
    the outlet's headline, not the page's label. A title that is nothing but a credit is kept as it is."""
    names = {n.strip().casefold() for credit in credits if credit for n in re.split(r"[;,]", credit) if n.strip()}
    while title and (match := _CREDIT_SUFFIX.search(title)) and match.group(1).strip().casefold() in names:
        title = title[: match.start()].rstrip()
    return title


def page_article(
    markup: bytes | str, origin: str, url: str | None, options: IngestOptions, *, fallback_source: str | None = None
) -> Article | Skipped:
    """The article on one HTML page; too little main text means it is not an article page (index, paywall)."""
    page = extract_page(markup, url)
    if page is None:
        return skip(origin, "no article text found on the page", url)
    language = guess_language(page.text)
    if language not in ("en", "und"):  # before the length check: Chinese or Japanese text has no spaces to count
        return skip(origin, not_english(language, page.language), url, page.title)
    words = word_count(page.text)
    if words < options.min_words:
        return skip(
            origin, f"too short for an article ({words} words; min_words is {options.min_words})", url, page.title
        )
    url = url or page.url
    return make_article(
        origin,
        page.text,
        title=page.title,
        url=url,
        source=page.sitename,
        fallback_source=(host_name(url) if url else None) or fallback_source,
        published=page.published,
        author=page.author,
        declared_language=page.language,
    )


def response_markup(response: Response) -> bytes | str:
    """HTML to hand to trafilatura: decoded when the server names a charset (it outranks guessing), else bytes."""
    if response.charset:
        try:
            return response.content.decode(response.charset, errors="replace")
        except LookupError:
            pass
    return response.content


def fetch_page(web: Web, url: str) -> Page:
    """The extracted page at `url`; raises `FetchError` / `Refused`, the latter also for non-HTML or empty pages."""
    response = web.get(url)
    if not is_html(response.content, response.content_type):
        raise Refused(f"not an HTML page ({response.content_type or 'no content type'})")
    page = extract_page(response_markup(response), response.url)
    if page is None:
        raise Refused("no article text found on the page")
    return page


def is_html(content: bytes, content_type: str) -> bool:
    if "html" in content_type:
        return True
    head = content[:2048].lstrip().lower()
    return any(marker in head for marker in (b"<!doctype html", b"<html", b"<head", b"<body"))
