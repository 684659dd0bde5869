"""A source given as an http(s) URL: fetched once, then read as a feed, an HTML page or plain text by what the
response actually is (declared content type, then the bytes themselves), not by what the URL looks like."""

from __future__ import annotations

from newsbrief.ingest.build import Result, single, skip
from newsbrief.ingest.feeds import feed_articles, looks_like_feed
from newsbrief.ingest.fetch import Refused, Web
from newsbrief.ingest.files import decode_text, text_article
from newsbrief.ingest.options import IngestOptions
from newsbrief.ingest.pages import is_html, page_article, response_markup
from newsbrief.ingest.urls import host_name


def ingest_url(url: str, options: IngestOptions, web: Web) -> Result:
    """Articles at `url`; lets `FetchError` through (the caller retries), every other problem is a `Skipped`."""
    try:
        response = web.get(url)
    except Refused as exc:
        return [], [skip(url, str(exc), url)]
    web.reuse_kept = response.not_modified  # an unchanged feed: its linked pages are taken from the store too
    if not response.content.strip():
        return [], [skip(url, "empty response", url)]
    content_type = response.content_type
    html = is_html(response.content, content_type)
    if looks_like_feed(response.content, content_type) or (content_type.endswith("/xml") and not html):
        header = f"{content_type}; charset={response.charset}" if response.charset else content_type
        return feed_articles(response.content, url, options, web, content_type=header, feed_url=response.url)
    if html:
        result = page_article(response_markup(response), url, response.url, options)
    elif content_type in ("", "text/plain", "text/markdown"):
        text = decode_text(response.content)
        if text is None:
            return [], [skip(url, f"not text ({content_type or 'binary data without a content type'})", url)]
        result = text_article(text, url, default_source=host_name(response.url), url=response.url)
    else:
        return [], [skip(url, f"unsupported content type '{content_type}'", url)]
    return single(result)
