"""Sources stay where they were pointed: folders are read inside themselves, links only reach what they may.

Local cases use real symlinks, FIFOs and devices made in tmp_path; the network cases use pytest-httpserver on
127.0.0.1 (and 127.0.0.2, another loopback address, as the forbidden side of a redirect).
"""

from __future__ import annotations

import ipaddress
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from newsbrief.ingest import IngestOptions, ingest_source
from newsbrief.ingest.fetch import Web
from newsbrief.records import Article, Skipped

STORY = (
    "Harbour pilots in Marrowby voted on Tuesday to accept a new pay offer, ending a dispute that had slowed the "
    "port for three weeks. The union said the deal would raise pay by four percent this year and three percent "
    "next year, and that night shifts would be shared more evenly between crews. Ships waiting in the bay began "
    "to move again on Tuesday evening, the port authority said.\n"
)
SECRET = "root:x:0:0:secret-first-line-of-an-outside-file"
PAGE = f"<html><head><title>Pilots accept pay offer</title></head><body><article><p>{STORY}</p></article></body></html>"


def everything_said(articles: list[Article], skipped: list[Skipped]) -> str:
    """All text the brief could show of an ingest result."""
    return repr(articles) + repr(skipped)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    inside = tmp_path / "sources"
    inside.mkdir()
    (inside / "a-story.txt").write_text("Pilots accept pay offer\n\n" + STORY)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text(SECRET + "\n" + STORY)
    return inside


def test_a_link_out_of_the_folder_is_skipped_unread(folder: Path) -> None:
    outside = folder.parent / "outside"
    (folder / "b-passwd.txt").symlink_to(outside / "passwd.txt")
    (folder / "c-elsewhere").symlink_to(outside, target_is_directory=True)
    articles, skipped = ingest_source(str(folder))
    assert [a.title for a in articles] == ["Pilots accept pay offer"]
    assert {(Path(s.source).name, s.reason) for s in skipped} == {
        ("b-passwd.txt", "symbolic link to outside the source folder (not read)"),
        ("c-elsewhere", "symbolic link to outside the source folder (not read)"),
    }
    assert "secret-first-line" not in everything_said(articles, skipped)


def test_a_link_that_stays_inside_the_folder_is_read(folder: Path) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "b-alias.txt").symlink_to(folder / "a-story.txt")
    articles, skipped = ingest_source(str(folder))
    assert skipped == [] and len(articles) == 2  # the same story twice; dedupe drops the copy later


def test_fifos_and_devices_are_skipped_without_blocking(folder: Path, tmp_path: Path) -> None:
    os.mkfifo(folder / "b-pipe.md")
    device = tmp_path / "zero.txt"
    device.symlink_to("/dev/zero")  # named as a source itself: followed, but a device is never read
    results: list[tuple[list[Article], list[Skipped]]] = []
    reader = threading.Thread(
        target=lambda: results.extend([ingest_source(str(folder)), ingest_source(str(device))]), daemon=True
    )
    reader.start()
    reader.join(timeout=30)
    assert not reader.is_alive(), "reading a FIFO or a device blocked the run"
    (articles, skipped), (_, [zero]) = results
    assert len(articles) == 1
    assert [(Path(s.source).name, s.reason) for s in skipped] == [
        ("b-pipe.md", "not a regular file but a FIFO (not read)")
    ]
    assert zero.reason == "not a regular file but a character device (not read)"


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def other_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.2", port=0)
    server.start()
    yield server
    server.stop()


def feed_linking_to(link: str) -> str:
    """An RSS feed whose one item carries no text, so its page must be fetched."""
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Wire</title>'
        f"<item><title>Pilots accept pay offer</title><link>{link}</link></item></channel></rss>"
    )


def test_a_local_feed_may_not_link_to_a_loopback_address(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    feed = tmp_path / "feed.xml"
    feed.write_text(feed_linking_to(server.url_for("/story")))
    articles, [entry] = ingest_source(str(feed))
    assert articles == []
    assert "not fetched: 127.0.0.1 is a loopback address (127.0.0.1)" in entry.reason
    assert server.log == []  # refused before any request was sent

    [article], skipped = ingest_source(str(feed), IngestOptions(private_networks=["127.0.0.0/8"]))
    assert skipped == [] and article.text.startswith("Harbour pilots in Marrowby")


def test_every_redirect_is_checked_again(server: HTTPServer, other_server: HTTPServer, tmp_path: Path) -> None:
    other_server.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    server.expect_request("/hop").respond_with_data(
        "", status=302, headers={"Location": other_server.url_for("/story")}
    )
    feed = tmp_path / "feed.xml"
    feed.write_text(feed_linking_to(server.url_for("/hop")))
    articles, [entry] = ingest_source(str(feed), IngestOptions(private_networks=["127.0.0.1/32"]))
    assert articles == []
    assert "not fetched: 127.0.0.2 is a loopback address" in entry.reason
    assert len(server.log) == 1 and other_server.log == []


def test_a_source_on_a_loopback_address_may_link_to_one_but_never_leave_http(server: HTTPServer) -> None:
    server.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    server.expect_request("/feed.xml").respond_with_data(
        feed_linking_to(server.url_for("/story")), content_type="application/rss+xml"
    )
    [article], skipped = ingest_source(server.url_for("/feed.xml"))
    assert skipped == [] and article.title == "Pilots accept pay offer"

    server.expect_request("/to-file").respond_with_data("", status=302, headers={"Location": "file:///etc/passwd"})
    articles, [entry] = ingest_source(server.url_for("/to-file"))
    assert articles == [] and entry.reason == "not fetched: only http and https links are followed, not 'file:'"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("fe80::1", False),
        ("fc00::5", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # reaches the machine itself
    ],
)
def test_only_public_addresses_are_reachable_from_a_file_or_public_source(address: str, public: bool) -> None:
    ip = ipaddress.ip_address(address)
    assert Web(IngestOptions(), "/srv/news/feed.xml").may_reach(ip) is public
    assert Web(IngestOptions(private_networks=["10.0.0.0/8"]), "feed.xml").may_reach(ip) is (
        public or address == "10.1.2.3"
    )


def test_a_dns_answer_that_changes_after_the_check_is_not_followed(
    server: HTTPServer, other_server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the host resolves to an allowed address when checked and to a forbidden one after. The
    connection goes to the address that was checked, with the host's own name in the Host header, and the host
    is resolved once per request."""
    import socket

    server.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    other_server.expect_request("/story").respond_with_data("forbidden side", content_type="text/html")
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "127.0.0.2"])
    lookups = []

    def rebinding(host, port, *args, **kwargs):
        if host == "news.rebind.test":
            lookups.append(host)
            return real(next(answers, "127.0.0.2"), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    feed = tmp_path / "feed.xml"
    feed.write_text(feed_linking_to(f"http://news.rebind.test:{server.port}/story"))
    options = IngestOptions(private_networks=["127.0.0.1/32"])  # 127.0.0.2 stays forbidden
    [article], skipped = ingest_source(str(feed), options)
    assert skipped == [] and article.text.startswith("Harbour pilots in Marrowby")
    assert lookups == ["news.rebind.test"] and other_server.log == []
    [(request, _)] = server.log
    assert request.headers["Host"] == f"news.rebind.test:{server.port}"
