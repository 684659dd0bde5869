"""Ingest over real HTTP: feeds and pages served from 127.0.0.1 by pytest-httpserver."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsbrief.ingest import FetchError, IngestOptions, ingest_source
from newsbrief.ingest.urls import url_id

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SHORT = IngestOptions(timeout=1.0)  # a local page answers well within it even on a loaded machine


@pytest.fixture(scope="module")
def module_server() -> Iterator[HTTPServer]:
    # Threaded, so a deliberately slow page does not hold up the other pages of the same feed.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def server(module_server: HTTPServer) -> HTTPServer:
    module_server.clear()
    return module_server


def base(server: HTTPServer) -> str:
    return server.url_for("").rstrip("/")


def fixture(name: str, server: HTTPServer) -> bytes:
    """A fixture file with `{base}` pointing at the test server, so feed items link to served pages."""
    return (FIXTURES / name).read_bytes().replace(b"{base}", base(server).encode())


def serve(server: HTTPServer, path: str, body: bytes, content_type: str, status: int = 200) -> str:
    server.expect_request(path).respond_with_data(body, status=status, content_type=content_type)
    return server.url_for(path)


def slow(seconds: float):
    def handler(request: Request) -> Response:
        time.sleep(seconds)
        return Response("<html><body><p>late</p></body></html>", content_type="text/html")

    return handler


def test_rss2_feed_full_items_linked_pages_and_failures(server: HTTPServer) -> None:
    feed_url = serve(server, "/feed.xml", fixture("feeds/rss2.xml", server), "application/rss+xml")
    serve(server, "/articles/ferry-strike", fixture("pages/ferry-strike.html", server), "text/html; charset=utf-8")
    serve(server, "/articles/missing-page", b"not here", "text/plain", status=404)
    server.expect_request("/articles/slow-page").respond_with_handler(slow(2.5))

    articles, skipped = ingest_source(feed_url, SHORT)

    by_title = {a.title: a for a in articles}
    assert list(by_title) == [
        "Council approves new harbour bridge",
        "Ferry crews walk out over rota changes",
        "Museum reopens its maritime gallery",
        "Lifeboat crew rescues two sailors from stricken yacht",
    ]
    bridge = by_title["Council approves new harbour bridge"]
    assert bridge.source == "Harbour Gazette"
    assert bridge.author == "Ilse Brandt"
    assert bridge.published == datetime(2025, 3, 3, 7, 15, tzinfo=UTC)
    assert bridge.text.startswith("The town council approved plans for a new bridge across the inner harbour")
    assert "\n\nThe bridge will carry pedestrians" in bridge.text  # paragraphs of content:encoded kept
    assert "<p>" not in bridge.text
    assert bridge.id == url_id(f"{base(server)}/articles/harbour-bridge")  # utm_* parameters do not change the id
    assert bridge.flags == [] and bridge.language == "en" and bridge.fetched_at is not None

    ferry = by_title["Ferry crews walk out over rota changes"]  # snippet in the feed, full text from its page
    assert ferry.flags == []
    assert "said Tomas Reyne, the union's regional secretary" in ferry.text
    assert "Most read" not in ferry.text and "All rights reserved" not in ferry.text
    assert ferry.author == "Mara Quill"
    assert ferry.source == "Harbour Gazette"

    museum = by_title["Museum reopens its maritime gallery"]  # page 404s: kept with the (unescaped) snippet
    assert museum.flags == ["snippet_only"]
    assert (
        museum.text == "The maritime gallery reopened to visitors on Sunday after a two-year refit of its ship models."
    )

    assert by_title["Lifeboat crew rescues two sailors from stricken yacht"].source == "Coastwatch Daily"  # <source>

    assert len(skipped) == 1
    assert skipped[0].title == "Storm warning for the weekend"
    assert skipped[0].url == f"{base(server)}/articles/slow-page"
    assert "timed out after 1 s" in skipped[0].reason

    agents = {request.headers.get("User-Agent") for request, _ in server.log}
    assert agents == {SHORT.user_agent}


def test_rdf_feed(server: HTTPServer) -> None:
    url = serve(server, "/rdf", fixture("feeds/rdf.xml", server), "application/rdf+xml")
    articles, skipped = ingest_source(url)
    assert skipped == []
    [article] = articles
    assert article.title == "Sensors buried in glacier send first winter readings"
    assert article.source == "Science Weekly"
    assert article.author == "Priya Anand"
    assert article.published == datetime(2025, 2, 27, 9, 30, tzinfo=UTC)
    assert article.url == "https://science-weekly.example/glacier-sensors"
    assert "meltwater kept flowing beneath the ice through January" in article.text


def test_atom_feed_is_recognised_by_content_not_content_type(server: HTTPServer) -> None:
    url = serve(server, "/updates", fixture("feeds/atom.xml", server), "text/html; charset=utf-8")  # misconfigured
    articles, skipped = ingest_source(url)
    assert skipped == []
    [article] = articles
    assert article.title == "Orchard growers report record cherry harvest"
    assert article.source == "Valley Courier"
    assert article.author == "Dana Whitlock"
    assert article.published == datetime(2025, 3, 1, 14, 0, tzinfo=UTC)  # -05:00 converted to UTC
    assert article.text.split("\n\n")[1].startswith("The growers' association said members picked 3,200 tonnes")


def test_latin1_feed_without_declaration(server: HTTPServer) -> None:
    url = serve(server, "/latin1", fixture("feeds/latin1.xml", server), "application/rss+xml")
    [article], skipped = ingest_source(url)
    assert skipped == []
    assert article.title == "Café owners in São Paulo protest new rent rules"
    assert article.source == "Gazeta da Praça"
    assert "José Antônio Peña, who runs a café near the cathedral" in article.text


def test_broken_feed_is_skipped_with_reason(server: HTTPServer) -> None:
    url = serve(server, "/broken", fixture("feeds/broken.xml", server), "application/rss+xml")
    articles, skipped = ingest_source(url)
    assert articles == []
    [entry] = skipped
    assert entry.source == url
    assert entry.reason.startswith("feed could not be parsed")


def test_page_url_after_redirect(server: HTTPServer) -> None:
    page_url = serve(server, "/story", fixture("pages/ferry-strike.html", server), "text/html; charset=utf-8")
    server.expect_request("/old-story").respond_with_data("", status=301, headers={"Location": page_url})
    [article], skipped = ingest_source(server.url_for("/old-story"))
    assert skipped == []
    assert article.url == page_url
    assert article.id == url_id(page_url)
    assert article.title == "Ferry crews walk out over rota changes"
    assert article.source == "Harbour Gazette"
    assert article.author == "Mara Quill"
    assert article.published == datetime(2025, 3, 3, 7, 45, tzinfo=UTC)
    assert article.text.startswith("Ferry crews on the island routes walked out on Monday morning")
    assert article.text.endswith("if the strike lasts beyond the end of the week.")
    assert "Subscribe today" not in article.text and "Lighthouse keeper" not in article.text


def test_oversize_page_is_refused_with_or_without_content_length(server: HTTPServer) -> None:
    big = b"<html><body><article><p>" + b"word " * 1_000_000 + b"</p></article></body></html>"  # about 5 MB
    declared = serve(server, "/big", big, "text/html")

    def streamed(request: Request) -> Response:  # chunked: no Content-Length to trust
        return Response((big[i : i + 65536] for i in range(0, len(big), 65536)), content_type="text/html")

    server.expect_request("/big-stream").respond_with_handler(streamed)
    for url in (declared, server.url_for("/big-stream")):
        articles, [entry] = ingest_source(url)
        assert articles == []
        assert "too large" in entry.reason and "3,000,000 bytes" in entry.reason


def test_network_failures_of_the_source_raise_fetch_error(server: HTTPServer) -> None:
    server.expect_request("/slow").respond_with_handler(slow(2.5))
    serve(server, "/down", b"maintenance", "text/plain", status=503)
    with pytest.raises(FetchError, match="timed out"):
        ingest_source(server.url_for("/slow"), SHORT)
    with pytest.raises(FetchError, match="HTTP 503"):
        ingest_source(server.url_for("/down"), SHORT)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with pytest.raises(FetchError, match="network error"):
        ingest_source(f"http://127.0.0.1:{closed}/feed", SHORT)


def test_client_errors_and_non_http_sources_are_skipped(server: HTTPServer) -> None:
    url = serve(server, "/gone", b"gone", "text/plain", status=404)
    articles, [entry] = ingest_source(url)
    assert articles == []
    assert entry.reason == "HTTP 404 NOT FOUND" and entry.url == url
    for source in ("ftp://example.org/feed.xml", "file:///etc/hosts", "mailto:news@example.org"):
        articles, [entry] = ingest_source(source)
        assert articles == []
        assert "only http and https" in entry.reason
    assert ingest_source("/no/such/folder")[1][0].reason == "no such file or folder"


def test_image_content_type_is_skipped(server: HTTPServer) -> None:
    url = serve(server, "/photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png")
    articles, [entry] = ingest_source(url)
    assert articles == []
    assert entry.reason == "unsupported content type 'image/png'"


def test_page_with_too_little_text_is_skipped(server: HTTPServer) -> None:
    body = b"<html><head><title>Live: storm updates</title></head><body><p>Updates will appear here.</p></body></html>"
    url = serve(server, "/live", body, "text/html")
    articles, [entry] = ingest_source(url)
    assert articles == []
    assert entry.reason == "too short for an article (4 words; min_words is 40)"
    assert entry.title == "Live: storm updates"


def test_plain_text_url(server: HTTPServer) -> None:
    url = serve(server, "/notes.txt", (FIXTURES / "local" / "notes.txt").read_bytes(), "text/plain; charset=utf-8")
    [article], skipped = ingest_source(url)
    assert skipped == []
    assert article.title == "Library extends opening hours for exam season"
    assert article.url == url and article.id == url_id(url)
    assert article.source == "127.0.0.1"
    assert article.text.startswith("The central library will stay open until midnight")
