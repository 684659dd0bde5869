"""Ingest: feeds, pages, local files and folders in; `Article` records (and `Skipped` ones saying why not) out.

One module per concern: `fetch` (HTTP with limits), `feeds`, `pages` (trafilatura), `files` (local inputs),
`remote` (URL sources), `build` (the checks every article passes), `urls` (ids), `dedupe`.
`ingest_source` raises only `FetchError`, and only when the source URL itself could not be fetched for a
network reason, so the caller can retry it; everything else that goes wrong is reported as a `Skipped`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from newsbrief.ingest.build import guarded, skip, truncate
from newsbrief.ingest.dedupe import dedupe
from newsbrief.ingest.fetch import FetchError, KeptResponse, ResponseCache, Web
from newsbrief.ingest.files import ingest_path
from newsbrief.ingest.options import IngestOptions
from newsbrief.ingest.remote import ingest_url
from newsbrief.ingest.urls import is_http_url
from newsbrief.records import Article, Skipped

__all__ = ["FetchError", "IngestOptions", "KeptResponse", "ResponseCache", "dedupe", "ingest_source"]


def ingest_source(
    source: str, options: IngestOptions | None = None, cache: ResponseCache | None = None
) -> tuple[list[Article], list[Skipped]]:
    """Articles from a feed URL, page URL, local file or folder (recursed in sorted order), each at most
    `options.max_article_chars` long; with a `cache`, URLs fetched before are requested conditionally."""
    options = options or IngestOptions()
    articles, skipped = _read_source(source, options, cache)
    notes = [truncate(article, options.max_article_chars) for article in articles]
    return articles, skipped + [note for note in notes if note]


def _read_source(
    source: str, options: IngestOptions, cache: ResponseCache | None
) -> tuple[list[Article], list[Skipped]]:
    with Web(options, source, cache) as web:
        if is_http_url(source):
            return guarded(source, ingest_url, source.strip(), options, web)
        path = Path(source).expanduser()
        if path.exists():
            return guarded(source, ingest_path, path, options, web)
        scheme = urlsplit(source).scheme
        if len(scheme) > 1:  # one letter is a Windows drive, not a scheme
            return [], [skip(source, f"unsupported URL scheme '{scheme}:' (only http and https are fetched)")]
        return [], [skip(source, "no such file or folder")]
