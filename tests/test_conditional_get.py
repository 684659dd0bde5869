"""Conditional GET over real HTTP (pytest-httpserver on 127.0.0.1) with a real store as the response cache: a feed
fetched before is asked for with its ETag, a page with its Last-Modified, and a 304 is answered from the store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsbrief.ingest import IngestOptions, ingest_source
from newsbrief.store import ResponseLog, Store, open_store

PAGE_MODIFIED = "Tue, 01 Dec 2026 07:00:00 GMT"
PAGE = """<html><head><title>Tidewater lock gates reopen after repairs</title></head><body><article>
<h1>Tidewater lock gates reopen after repairs</h1>
<p>The lock gates at Tidewater reopened to barges on Tuesday morning after six weeks of repairs to the hinges and
seals, the Merrow Canal Trust said in a statement.</p>
<p>Trust engineer Olen Pask said the repairs had cost 840,000 crowns and that about forty barges a day were expected
to pass through the lock once the backlog of waiting boats had cleared.</p>
<p>Boat owners had complained that the closure forced them onto a longer route through the Fennick cut.</p>
</article></body></html>"""
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Merrow Canal News</title><link>{base}/</link>
<item><title>Tidewater lock gates reopen after repairs</title><link>{base}/lock-gates</link>
<description>The lock gates reopened on Tuesday.</description>
<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item>
{extra}</channel></rss>"""
SECOND_ITEM = """<item><title>Canal trust names new chair</title><link>{base}/new-chair</link>
<description>The Merrow Canal Trust named Wenna Idris as its new chair on Tuesday, after a vote of its members at
the annual meeting in Tidewater. Idris, a former harbour pilot, said her first task would be to clear the backlog
of repairs on the northern reaches of the canal, where three locks have been closed since the spring floods.
</description>
<pubDate>Tue, 01 Dec 2026 09:00:00 GMT</pubDate></item>"""


class ConditionalSite:
    """Serves one feed (validated by ETag) and one page (validated by Last-Modified), recording each request's
    conditional headers and answering 304 when they match, as a real server does."""

    def __init__(self, server: HTTPServer) -> None:
        self.base = server.url_for("").rstrip("/")
        self.feed_version = 1
        self.requests: list[tuple[str, str | None, str | None]] = []
        server.expect_request("/feed.xml").respond_with_handler(self.feed)
        server.expect_request("/lock-gates").respond_with_handler(self.page)

    def _record(self, request: Request) -> None:
        headers = request.headers
        self.requests.append((request.path, headers.get("If-None-Match"), headers.get("If-Modified-Since")))

    def feed(self, request: Request) -> Response:
        self._record(request)
        etag = f'"feed-{self.feed_version}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        extra = SECOND_ITEM if self.feed_version > 1 else ""
        body = FEED.format(base=self.base, extra=extra.format(base=self.base))
        return Response(body, content_type="application/rss+xml", headers={"ETag": etag})

    def page(self, request: Request) -> Response:
        self._record(request)
        if request.headers.get("If-Modified-Since") == PAGE_MODIFIED:
            return Response(status=304)
        return Response(PAGE, content_type="text/html; charset=utf-8", headers={"Last-Modified": PAGE_MODIFIED})

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.requests]


@pytest.fixture
def site(httpserver: HTTPServer) -> ConditionalSite:
    return ConditionalSite(httpserver)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "nb.db")
    yield opened
    opened.close()


def read(site: ConditionalSite, store: Store | None) -> list[tuple[str, str, str | None]]:
    """(id, text, published) of each article of the feed, read through `store` when given."""
    responses = ResponseLog(store)
    articles, skipped = ingest_source(f"{site.base}/feed.xml", IngestOptions(), responses if store else None)
    if store:
        responses.save(store)  # as the daily flow does once a run has read its sources
    assert skipped == []
    return [(a.id, a.text, a.published.isoformat() if a.published else None) for a in articles]


def test_an_unchanged_feed_is_answered_from_the_store_and_its_pages_not_requested(
    site: ConditionalSite, store: Store
) -> None:
    first = read(site, store)
    assert site.requests == [("/feed.xml", None, None), ("/lock-gates", None, None)]
    assert "840,000 crowns" in first[0][1]  # the snippet-only item took its page's text

    second = read(site, store)
    assert second == first
    assert site.requests[2:] == [("/feed.xml", '"feed-1"', None)]  # 304: the page is not asked for at all


def test_a_changed_feed_is_read_again_and_its_unchanged_page_revalidated(site: ConditionalSite, store: Store) -> None:
    first = read(site, store)
    site.feed_version = 2
    second = read(site, store)
    assert site.requests[2:] == [("/feed.xml", '"feed-1"', None), ("/lock-gates", None, PAGE_MODIFIED)]
    assert second[0] == first[0]  # the page's 304 gave the kept page, so the same article
    assert len(second) == 2 and "Wenna Idris" in second[1][1]


def test_without_a_cache_every_run_fetches_in_full(site: ConditionalSite) -> None:
    read(site, None)
    read(site, None)
    assert site.requests == [("/feed.xml", None, None), ("/lock-gates", None, None)] * 2


def test_a_response_without_validators_is_not_kept(httpserver: HTTPServer, store: Store) -> None:
    httpserver.expect_request("/plain").respond_with_data(PAGE, content_type="text/html")
    url = httpserver.url_for("/plain")
    for _ in range(2):
        responses = ResponseLog(store)
        ingest_source(url, IngestOptions(), responses)
        responses.save(store)
    assert store.kept_response(url) is None
    assert [request.headers.get("If-None-Match") for request, _ in httpserver.log] == [None, None]


def test_the_daily_flow_rereads_an_unchanged_feed_from_the_store(
    prefect_harness, site: ConditionalSite, tmp_path
) -> None:
    from flows.daily_brief import daily_brief

    def brief(refresh: bool) -> dict:
        daily_brief(
            sources=[f"{site.base}/feed.xml"],
            out=str(tmp_path),
            day="2026-12-01",
            now="2026-12-01T23:00Z",
            refresh=refresh,
        )
        told = json.loads((tmp_path / "2026-12-01" / "brief.json").read_text())
        told.pop("generated_at")
        return told

    first = brief(refresh=True)
    second = brief(refresh=True)  # past Prefect's task cache: the feed is asked for again
    assert second == first and "840,000 crowns" in json.dumps(first)
    assert site.requests == [
        ("/feed.xml", None, None),
        ("/lock-gates", None, None),
        ("/feed.xml", '"feed-1"', None),  # answered 304: the page is not requested again
    ]
    third = brief(refresh=False)  # a re-run of the day soon after: the source comes from the task cache
    assert third == first and len(site.requests) == 3
