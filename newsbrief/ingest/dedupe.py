"""Duplicate articles: the same story syndicated under tracking links, or re-posted verbatim by another feed."""

from __future__ import annotations

from newsbrief.ingest.build import skip
from newsbrief.ingest.urls import host_name, normalise_url
from newsbrief.records import SNIPPET_ONLY, Article, Skipped
from newsbrief.text import content_hash


def dedupe(articles: list[Article]) -> tuple[list[Article], list[Skipped]]:
    """One article per id, normalised URL, and normalised text within one outlet, in first-seen order.

    The same text from another outlet (another name and another site) is kept: a syndicated copy is a source the
    brief names, and the stories stage counts it once (see `newsbrief.stories.grouping.near_duplicates`).

    The first copy is kept, unless it is only a feed snippet and a later copy has the full text: then the
    full text takes its place, so the brief works from the best version.
    """
    kept: list[Article] = []
    index: dict[tuple[str, str], int] = {}
    skipped: list[Skipped] = []
    for article in articles:
        keys = _keys(article)
        match = next(((why, index[key]) for why, key in keys if key in index), None)
        if match is None:
            position = len(kept)
            kept.append(article)
        else:
            why, position = match
            first = kept[position]
            if SNIPPET_ONLY in first.flags and SNIPPET_ONLY not in article.flags:
                kept[position], article = article, first
            skipped.append(
                skip(article.source, f"duplicate of '{kept[position].title}' ({why})", article.url, article.title)
            )
        for _, key in keys:
            index.setdefault(key, position)
    return kept, skipped


def _keys(article: Article) -> list[tuple[str, tuple[str, str]]]:
    """Match keys, the most telling first: ids are mostly derived from the URL, so 'same URL' says more."""
    keys = [("same URL", ("url", normalise_url(article.url)))] if article.url else []
    text = content_hash(article.text)
    keys.append(("same text", ("text from outlet", f"{article.source.casefold()}\n{text}")))
    keys.append(("same text", ("text from site", f"{host_name(article.url) if article.url else ''}\n{text}")))
    keys.append(("same id", ("id", article.id)))
    return keys
