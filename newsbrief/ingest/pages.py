"""Article pages: main text and metadata with trafilatura, which drops navigation, adverts and comments."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import trafilatura

from newsbrief.ingest.build import make_article, not_english, skip
from newsbrief.ingest.fetch import Refused, Response, Web
from newsbrief.ingest.options import IngestOptions
from newsbrief.ingest.urls import host_name
from newsbrief.records import Article, Skipped
from newsbrief.text import guess_language, word_count

# htmldate keeps the time and zone when the page gives them (most news pages do in their meta tags).
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
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
    """Main text and metadata of an HTML document, or None when no main text can be found."""
    date_params = {
        "original_date": True,
        "extensive_search": True,
        "outputformat": _DATE_FORMAT,
        "max_date": datetime.now().astimezone().strftime("%Y-%m-%d"),
    }
    document = trafilatura.bare_extraction(
        markup,
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
        published=document.date,
        sitename=document.sitename,
        language=document.language,
        url=document.url,
    )


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
