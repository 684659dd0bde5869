"""Saved pages: the outlet and address a page states about itself, and the name that stands in when it states none."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from newsbrief.ingest import ingest_source
from newsbrief.ingest.files import location_name
from newsbrief.ingest.pages import OwnMetadata, own_metadata
from newsbrief.ingest.urls import url_id
from newsbrief.records import SOURCE_FROM_LOCATION, Article

BODY = (
    "<p>The ferry between Lindmoor and Castle Quay will run every hour from Monday, the harbour board said on "
    "Thursday, after two months in which crews sailed only at the start and the end of the day.</p>"
    "<p>The board said a second boat, bought from a yard in Ostvale, had passed its sea trials and would take the "
    "midday crossings, and that fares would not change before the spring.</p>"
)


def saved_page(folder: Path, head: str, name: str = "source.html") -> Path:
    """A page saved the way a user keeps them: one folder per page, the file named by the tool that saved it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        f"<html><head><title>Ferry to run every hour</title>{head}</head>"
        f"<body><article><h1>Ferry to run every hour</h1>{BODY}</article></body></html>",
        encoding="utf-8",
    )
    return path


def only_article(path: Path) -> Article:
    articles, skipped = ingest_source(str(path))
    assert skipped == [] and len(articles) == 1
    return articles[0]


# A tracking pixel in the head ends it for the HTML parser, which moves the tags after it into the body, where
# trafilatura no longer looks for them.
PIXEL = '<img src="https://pixel.example/p.gif" width="1" height="1">'


def test_a_saved_page_is_named_and_addressed_by_its_open_graph_tags(tmp_path: Path) -> None:
    head = (
        PIXEL + '<meta property="og:site_name" content="Lindmoor Gazette">'
        '<meta property="og:url" content="https://gazette.example/news/ferry-hourly">'
        '<link rel="canonical" href="https://gazette.example/news/ferry-hourly?ref=canonical">'
    )
    article = only_article(saved_page(tmp_path / "gazette-1", head))
    assert (article.source, article.url) == ("Lindmoor Gazette", "https://gazette.example/news/ferry-hourly")
    assert article.id == url_id("https://gazette.example/news/ferry-hourly")  # the feed's copy of it collides
    assert SOURCE_FROM_LOCATION not in article.flags


def test_a_canonical_link_gives_the_address_and_json_ld_the_publisher(tmp_path: Path) -> None:
    head = (
        PIXEL + '<link rel="Canonical" href="//gazette.example/news/ferry-hourly">'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", '
        '"headline": "Ferry to run every hour", "publisher": {"@type": "Organization", "name": "Lindmoor Gazette"}}]}'
        "</script>"
    )
    article = only_article(saved_page(tmp_path / "gazette-2", head))
    assert (article.source, article.url) == ("Lindmoor Gazette", "https://gazette.example/news/ferry-hourly")


def test_an_address_alone_names_the_outlet_by_its_host(tmp_path: Path) -> None:
    head = '<link rel="canonical" href="https://www.gazette.example/news/ferry-hourly">'
    article = only_article(saved_page(tmp_path / "clippings", head, "index.html"))
    assert (article.source, article.url) == ("gazette.example", "https://www.gazette.example/news/ferry-hourly")


@pytest.mark.parametrize(
    ("folder", "name", "expected"),
    [
        ("lindmoor-gazette", "source.html", "lindmoor-gazette"),  # a generic file name: its folder names it
        ("lindmoor-gazette", "index (2).html", "lindmoor-gazette"),  # a browser's second save of the same name
        ("saved", "Ferry to run every hour.html", "Ferry to run every hour"),  # a browser names it by its title
        ("articles", "page.html", "page"),  # a generic folder too: nothing better, the file's own name
        ("gazette", "2026-11-28.html", "gazette"),  # a name without letters says nothing of whose it is
    ],
)
def test_a_page_that_names_no_outlet_is_named_by_its_file_or_else_its_folder(
    tmp_path: Path, folder: str, name: str, expected: str
) -> None:
    path = saved_page(tmp_path / "pages" / folder, '<link rel="canonical" href="/news/ferry-hourly">', name)
    assert location_name(path) == expected
    article = only_article(path)  # a relative canonical link says nothing without the page's own address
    assert (article.source, article.url, SOURCE_FROM_LOCATION in article.flags) == (expected, None, True)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("source.html", "source"),  # the home folder names the user: the file's own name stands
        ("index (2).html", "index"),  # without the browser's copy number
        ("page.html", "page"),
        ("lindmoor-gazette (3).html", "lindmoor-gazette"),
    ],
)
def test_a_page_in_the_home_folder_is_not_named_after_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, expected: str
) -> None:
    home = tmp_path / "marisol"
    monkeypatch.setenv("HOME", str(home))
    assert location_name(saved_page(home, "", name)) == expected


@pytest.mark.parametrize(
    ("folder", "name", "expected"),
    [
        ("Desktop", "page.html", "page"),
        ("Documents", "source (2).html", "source"),
        ("Desktop/lindmoor-gazette", "source.html", "lindmoor-gazette"),
        ("Documents", "Ferry to run every hour.html", "Ferry to run every hour"),
    ],
)
def test_desktop_and_documents_name_no_outlet(tmp_path: Path, folder: str, name: str, expected: str) -> None:
    assert location_name(saved_page(tmp_path / folder, "", name)) == expected


def test_own_metadata_reads_the_tags_wherever_the_parser_put_them() -> None:
    tree = lxml.html.fromstring(
        '<html><head><img src="p.gif"><link rel="canonical" href="/news/ferry-hourly">'
        '<meta itemprop="datePublished" content="2026-11-29T14:15:00+00:00"></head><body><p>Ferry.</p>'
        '<script type="application/ld+json">[{"@type": "WebSite", "name": "Gazette"}, {"@type": "NewsArticle", '
        '"publisher": "Lindmoor Gazette", "datePublished": "2026-11-29"}]</script>'
        '<script type="application/ld+json">{"broken": </script></body></html>'
    )
    assert own_metadata(tree) == OwnMetadata(None, "Lindmoor Gazette", "2026-11-29T14:15:00+00:00")
