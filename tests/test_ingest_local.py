"""Ingest of local files and folders: front matter, plain text, HTML, JSON rows, feed files, bad files."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsbrief.ingest import IngestOptions, dedupe, ingest_source
from newsbrief.ingest import files as ingest_files
from newsbrief.ingest.urls import url_id

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
LOCAL = FIXTURES / "local"


@pytest.fixture(scope="module")
def folder() -> tuple[dict, list]:
    articles, skipped = ingest_source(str(LOCAL))
    return {a.title: a for a in articles}, skipped


def test_folder_is_read_recursively_in_sorted_order(folder: tuple[dict, list]) -> None:
    by_title, skipped = folder
    assert list(by_title) == [
        "Water company fined over river spills",  # briefing.md
        "Library extends opening hours for exam season",  # notes.txt
        "Night market returns to the old quay",  # page.html
        "Harbour seals return to the estuary",  # rows.json
        "Bakery wins national bread award",  # rows.jsonl, line 1
        "Bus route restored after petition",  # rows.jsonl, line 2
    ]
    reasons = {Path(s.source).name: s.reason for s in skipped}
    assert reasons == {
        "rows.jsonl:3": "invalid JSON (Expecting value: line 1 column 33 (char 32))",
        "rows.jsonl:4": "row has no 'text'",
        "spanish.txt": "not English (Spanish)",
    }
    assert all(a.language == "en" and a.fetched_at is not None for a in by_title.values())


def test_markdown_front_matter(folder: tuple[dict, list]) -> None:
    article = folder[0]["Water company fined over river spills"]
    assert article.source == "Riverside Post"
    assert article.author == "Hal Pemberton"
    assert article.published == datetime(2025, 3, 2, 13, 30, tzinfo=UTC)
    assert article.url == "https://riverside-post.example/news/water-fine?utm_campaign=share"
    assert article.id == url_id("https://riverside-post.example/news/water-fine")
    # The heading that repeats the title is dropped, Markdown markup removed, hard-wrapped lines joined.
    assert article.text.startswith(
        "A regional water company was fined 2.5 million pounds on Sunday for letting untreated"
    )
    assert "for letting untreated sewage flow into the river" in article.text
    assert "pay for a new monitoring station upstream of the town." in article.text
    assert "**" not in article.text and "](" not in article.text
    assert article.text.endswith(
        "- The fine is the largest the court has handed down.\n\n- The company said it would not appeal."
    )


def test_plain_text_title_is_first_line(folder: tuple[dict, list]) -> None:
    article = folder[0]["Library extends opening hours for exam season"]
    assert article.source == "notes"
    assert article.url is None and "date_from_file_time" in article.flags  # no date in the file: its mtime stands in
    assert article.text.startswith("The central library will stay open until midnight")
    assert article.text.count("\n\n") == 2  # one paragraph per line that ends a sentence


def test_html_file_uses_page_metadata(folder: tuple[dict, list]) -> None:
    article = folder[0]["Night market returns to the old quay"]
    assert article.source == "Quayside Times"
    assert article.url == "https://quayside-times.example/night-market"
    assert article.published == datetime(2025, 2, 28, 19, 0, tzinfo=UTC)
    assert article.text.startswith("The night market returned to the old quay on Friday evening")
    assert "newsletter" not in article.text and "Front page" not in article.text


def test_json_rows(folder: tuple[dict, list]) -> None:
    by_title = folder[0]
    bakery = by_title["Bakery wins national bread award"]
    assert bakery.id == "row-bakery"
    assert bakery.source == "Town Crier"
    assert bakery.published == datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    bus = by_title["Bus route restored after petition"]
    assert bus.source == "town-crier.example"  # no source given: the URL's host
    assert bus.id == url_id("https://town-crier.example/bus-12")
    seals = by_title["Harbour seals return to the estuary"]
    assert seals.published == datetime(2025, 2, 26, tzinfo=UTC)  # a bare date is midnight UTC
    assert seals.source == "Estuary News"


@pytest.mark.parametrize("suffix", [".rss", ".atom", ".xml"])
def test_feed_files(tmp_path: Path, suffix: str) -> None:
    copy = tmp_path / f"latin1{suffix}"
    shutil.copy(FIXTURES / "feeds" / "latin1.xml", copy)
    [article], skipped = ingest_source(str(copy))
    assert skipped == []
    assert article.title == "Café owners in São Paulo protest new rent rules"
    assert article.published == datetime(2025, 2, 28, 19, 20, tzinfo=UTC)


def test_feed_file_without_fetching_linked_pages(tmp_path: Path) -> None:
    feed = tmp_path / "gazette.rss"
    feed.write_bytes((FIXTURES / "feeds" / "rss2.xml").read_bytes().replace(b"{base}", b"https://gazette.example"))
    articles, skipped = ingest_source(str(feed), IngestOptions(fetch_linked_pages=False))
    flags = {a.title: a.flags for a in articles}
    assert flags == {
        "Council approves new harbour bridge": [],
        "Ferry crews walk out over rota changes": ["snippet_only"],
        "Museum reopens its maritime gallery": ["snippet_only"],
        "Lifeboat crew rescues two sailors from stricken yacht": [],
    }
    assert [(s.title, s.reason) for s in skipped] == [
        ("Storm warning for the weekend", "feed item has no text and its page could not be used: "
         "linked pages are not fetched"),
    ]  # fmt: skip


def test_bad_files_are_skipped_with_reasons(tmp_path: Path) -> None:
    files = {
        "a-binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "b-binary.html": b"<html>\x00\x01\x02</html>",
        "c-empty.md": b"",
        "d-blank.txt": b"  \n\n ",
        "e-latin1.txt": "Caf\u00e9 news from S\u00e3o Paulo".encode("latin-1"),
        "f-report.pdf": b"%PDF-1.4",
        "g-sitemap.xml": b'<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>',
        "h-broken.json": b'{"text": "unterminated',
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "ignored.txt").write_text("Never read: hidden folders are not sources.")
    articles, skipped = ingest_source(str(tmp_path))
    assert articles == []
    assert {Path(s.source).name: s.reason for s in skipped} == {
        "a-binary.txt": "binary or undecodable file (not UTF-8 or UTF-16 text)",
        "b-binary.html": "binary file (contains NUL bytes)",
        "c-empty.md": "empty file",
        "d-blank.txt": "empty file",
        "e-latin1.txt": "binary or undecodable file (not UTF-8 or UTF-16 text)",
        "f-report.pdf": "unsupported file type '.pdf'",
        "g-sitemap.xml": "not an RSS or Atom feed",
        "h-broken.json": "invalid JSON (Unterminated string starting at: line 1 column 10 (char 9))",
    }


def test_text_without_sentences_or_too_short(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline only\n\n---\n")
    (tmp_path / "b.txt").write_text("Short note\n\nRain at noon.\n")
    _, skipped = ingest_source(str(tmp_path))
    assert [s.reason for s in skipped] == ["too little text to use (1 word)", "too little text to use (3 words)"]


def test_duplicates_across_files(tmp_path: Path) -> None:
    shutil.copy(LOCAL / "notes.txt", tmp_path / "a-notes.txt")
    text = (LOCAL / "notes.txt").read_text()
    (tmp_path / "b-copy.txt").write_text(text.replace(" ", "   ").replace("\n", "\r\n"))  # re-spaced copy
    shutil.copy(LOCAL / "briefing.md", tmp_path / "c-briefing.md")
    articles, skipped = ingest_source(str(tmp_path))
    assert skipped == [] and len(articles) == 3
    kept, duplicates = dedupe(articles)
    assert [a.title for a in kept] == [
        "Library extends opening hours for exam season",
        "Water company fined over river spills",
    ]
    assert [(Path(d.source).name, d.reason) for d in duplicates] == [
        ("b-copy", "duplicate of 'Library extends opening hours for exam season' (same text)")
    ]


def test_a_reader_crash_costs_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(LOCAL / "notes.txt", tmp_path / "notes.txt")
    shutil.copy(LOCAL / "rows.json", tmp_path / "rows.json")

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(ingest_files, "text_article", crash)  # fault injection: a bug in one reader
    articles, [entry] = ingest_source(str(tmp_path))
    assert [a.title for a in articles] == ["Harbour seals return to the estuary"]
    assert Path(entry.source).name == "notes.txt"
    assert entry.reason == "could not read the source (RuntimeError: parser bug)"


def test_a_feed_items_title_loses_its_authors_name(tmp_path: Path) -> None:
    """Some feeds title an item "Headline | Author", with the author in the item's own creator field."""
    feed = tmp_path / "opinion.rss"
    body = "The harbour board should publish its accounts before the next rate rise, the columnist argues. " * 8
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        "<title>Harbour Opinion</title><link>https://opinion.example/</link>"
        "<item><title>Open the harbour books | Ada Price</title><link>https://opinion.example/a</link>"
        f"<dc:creator>Ada Price</dc:creator><description>{body}</description>"
        "<pubDate>Fri, 27 Nov 2026 08:00:00 GMT</pubDate></item></channel></rss>",
        encoding="utf-8",
    )
    [article], _ = ingest_source(str(feed), IngestOptions(fetch_linked_pages=False))
    assert article.title == "Open the harbour books" and article.author == "Ada Price"


def test_an_article_named_after_its_file_says_so(tmp_path: Path) -> None:
    """The outlet a record names is its own; a file's name standing in for it is flagged, so a copy that kept its
    outlet's name can be preferred to it."""
    body = "The harbour board published its accounts on Friday after a year of questions from the council. " * 3
    (tmp_path / "named.md").write_text(f"---\nsource: Lindmoor Post\ntitle: Accounts out\n---\n{body}")
    (tmp_path / "saved-copy.txt").write_text(f"Accounts out\n\n{body}")
    articles, _ = ingest_source(str(tmp_path))
    flagged = {a.source: "source_from_location" in a.flags for a in articles}
    assert flagged == {"Lindmoor Post": False, "saved-copy": True}


def test_a_feed_in_another_language_with_a_wrong_encoding_declaration_says_its_language(tmp_path: Path) -> None:
    """feedparser decodes a Latin-1 feed that declares UTF-8 and says so; the items were read, so their own reason
    (another language) is the one to give, not "could not be parsed"."""
    item = (
        "<item><title>Greve no porto de São Vicente entra no terceiro dia</title><description>Os estivadores do porto "
        "de São Vicente mantêm a greve pelo terceiro dia consecutivo, segundo o sindicato, e os navios esperam ao "
        "largo da baía sem data para atracar.</description><link>https://noticias.example/{n}</link></item>"
    )
    body = "".join(item.format(n=n) for n in range(3))
    feed = tmp_path / "noticias.rss"
    feed.write_bytes(
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Notícias</title>{body}'
        "</channel></rss>".encode("latin-1")
    )
    articles, skipped = ingest_source(str(feed), IngestOptions(fetch_linked_pages=False))
    assert articles == [] and len(skipped) == 3
    assert all(s.reason.startswith("not English (Portuguese") for s in skipped), [s.reason for s in skipped]
