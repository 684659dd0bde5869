"""HTTP GET with the limits a daily unattended run needs: a deadline, a size cap, a real User-Agent.

Failures are sorted into two kinds because callers act differently on them: `FetchError` is worth retrying
later (timeouts, connection errors, 5xx), `Refused` is final (4xx, oversize, redirect loops, bad URLs).

Where requests may go: a feed or page is written by someone else, so the links in it must not turn a run into a
probe of the machine's own network (cloud metadata at 169.254.169.254, admin pages on localhost). Every request,
and every redirect hop (followed here, not by httpx, so each is checked), is http(s) to public addresses only,
unless the source itself is on a non-public address (an intranet feed links to intranet pages) or the address is
in `IngestOptions.private_networks`. A host is resolved once, its addresses checked, and the connection made to a
checked address (the URL's host kept in the Host header and, for https, in SNI and the certificate check), so a DNS
answer that changes between the check and the connection (rebinding) cannot lead elsewhere.

Conditional GET: given a `ResponseCache` (the store is one), a URL fetched before is requested with
If-None-Match / If-Modified-Since from its kept ETag / Last-Modified; a 304 answers with the kept response, so an
unchanged feed is parsed from the store and, with `reuse_kept`, its linked pages are not requested at all.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Protocol

import httpx

from newsbrief.ingest.options import IngestOptions
from newsbrief.ingest.urls import is_http_url

_ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8"
_RETRYABLE_STATUS = frozenset({408, 425, 429})
MAX_REDIRECTS = 10
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A network failure worth retrying (timeout, connection error, 5xx)."""


class Refused(Exception):
    """The server answered but the response cannot be used; retrying will not help."""


@dataclass(frozen=True)
class Response:
    url: str  # final URL, after redirects
    content: bytes
    content_type: str  # media type only, lower case, '' when not declared
    charset: str | None
    not_modified: bool = False  # the server answered 304: this is the response kept from an earlier fetch


@dataclass(frozen=True)
class KeptResponse:
    """A response kept for the next conditional request: its validators and what it said."""

    etag: str | None
    last_modified: str | None
    response: Response


class ResponseCache(Protocol):
    """Where responses with validators are kept between runs, keyed by the URL requested."""

    def kept_response(self, url: str) -> KeptResponse | None: ...

    def keep_response(self, url: str, kept: KeptResponse) -> None: ...


class Web:
    """One HTTP client for one source, so the items of a feed reuse connections; opened on first use.

    `source` is what the user named (URL or path): a URL on a non-public address lets its links reach such
    addresses too; a path or a public URL does not.
    """

    def __init__(self, options: IngestOptions, source: str | None = None, cache: ResponseCache | None = None) -> None:
        self.options = options
        self.source = source
        self.cache = cache
        self.reuse_kept = False  # set once the source itself was unchanged: what it links to is taken as kept
        self._clients: dict[str, httpx.Client] = {}

    def __enter__(self) -> Web:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for client in self._clients.values():
            client.close()

    def client(self, host: str) -> httpx.Client:
        """The client for one host, opened on first use: connections are made to checked addresses, and a pool
        shared by two hosts on one address would send one host's requests over the other's TLS connection."""
        if host not in self._clients:
            self._clients[host] = httpx.Client(
                follow_redirects=False,  # followed in `_get`, each hop checked
                timeout=self.options.timeout,
                headers={"User-Agent": self.options.user_agent, "Accept": _ACCEPT},
            )
        return self._clients[host]

    def get(self, url: str) -> Response:
        """The body of `url`; raises `FetchError` (retry later) or `Refused` (give up)."""
        try:
            return self._get(url)
        except (httpx.DecodingError, httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise Refused(f"cannot fetch: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out after {self.options.timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise FetchError(f"network error: {exc or type(exc).__name__}") from exc

    def _get(self, url: str) -> Response:
        deadline = time.monotonic() + self.options.timeout
        target = httpx.URL(url)
        for _ in range(MAX_REDIRECTS + 1):
            addresses = self.check_target(target)
            kept = self.cache.kept_response(str(target)) if self.cache else None
            if kept and self.reuse_kept:
                return kept.response
            with self._stream(target, addresses, _conditions(kept)) as response:
                if kept and response.status_code == 304:
                    return replace(kept.response, not_modified=True)
                if response.next_request is None:
                    return self._keep(str(target), response, self._read(str(target), response, deadline))
                target = target.join(response.headers["location"])  # relative to the host, not the address
        raise Refused(f"cannot fetch: more than {MAX_REDIRECTS} redirects")

    @contextmanager
    def _stream(self, url: httpx.URL, addresses: list[IPAddress], headers: dict[str, str]) -> Iterator[httpx.Response]:
        """GET `url` from the first of its checked `addresses` that accepts a connection (the host's name in the
        Host header and in TLS); a host that did not resolve is requested by name, to fail as a network error."""
        if not addresses:
            with self.client(url.host).stream("GET", url, headers=headers) as response:
                yield response
            return
        for number, address in enumerate(addresses, 1):
            pinned = url.copy_with(host=str(address))
            client = self.client(url.host)
            request = client.build_request(
                "GET",
                pinned,
                headers={"Host": url.netloc.decode("ascii"), **headers},
                extensions={"sni_hostname": url.host},
            )
            try:
                response = client.send(request, stream=True)
            except httpx.ConnectError:
                if number == len(addresses):
                    raise
                continue
            try:
                yield response
            finally:
                response.close()
            return

    def check_target(self, url: httpx.URL) -> list[IPAddress]:
        """The addresses `url`'s host resolves to, once; raises `Refused` unless `url` is http(s) and every address
        is one this source may reach (see the module docstring). Empty for a host that does not resolve."""
        if url.scheme not in ("http", "https"):
            raise Refused(f"not fetched: only http and https links are followed, not '{url.scheme}:'")
        addresses = _addresses(url.host)
        for address in addresses:
            if not self.may_reach(address):
                raise Refused(
                    f"not fetched: {url.host} is {_address_kind(address)} address ({address}); links from this source "
                    "may reach only public addresses (ingest option private_networks)"
                )
        return addresses

    def may_reach(self, address: IPAddress) -> bool:
        """Public addresses always; others when the source is on one too, or within `private_networks`."""
        return address.is_global or self._source_is_private or any(address in net for net in self._allowed_networks)

    @cached_property
    def _source_is_private(self) -> bool:
        if not self.source or not is_http_url(self.source):
            return False
        return any(not address.is_global for address in _addresses(httpx.URL(self.source.strip()).host))

    @cached_property
    def _allowed_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(network, strict=False) for network in self.options.private_networks]

    def _read(self, url: str, response: httpx.Response, deadline: float) -> Response:
        limit = self.options.max_bytes
        status = response.status_code
        if status >= 500 or status in _RETRYABLE_STATUS:
            raise FetchError(f"HTTP {status} {response.reason_phrase}".strip())
        if status >= 400:
            raise Refused(f"HTTP {status} {response.reason_phrase}".strip())
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise Refused(_too_large(limit, f"declares {int(declared):,} bytes"))
        body = bytearray()
        for chunk in response.iter_bytes():  # decoded bytes: a small gzip bomb is caught too
            body.extend(chunk)
            if len(body) > limit:
                raise Refused(_too_large(limit, f"more than {limit:,} bytes received"))
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("response not complete before the deadline")
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return Response(url, bytes(body), content_type, response.charset_encoding)

    def _keep(self, url: str, response: httpx.Response, read: Response) -> Response:
        """Keep `read` for the next run's conditional request when the server gave a validator for it."""
        etag, last_modified = response.headers.get("etag"), response.headers.get("last-modified")
        if self.cache and (etag or last_modified):
            self.cache.keep_response(url, KeptResponse(etag, last_modified, read))
        return read


def _conditions(kept: KeptResponse | None) -> dict[str, str]:
    """The conditional-request headers for a kept response (none for a URL not fetched before)."""
    if kept is None:
        return {}
    headers = {"If-None-Match": kept.etag} if kept.etag else {}
    return headers | ({"If-Modified-Since": kept.last_modified} if kept.last_modified else {})


def _addresses(host: str) -> list[IPAddress]:
    """Every address `host` resolves to (IPv4-mapped IPv6 as IPv4); none when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return [a.ipv4_mapped if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped else a for a in addresses]


def _address_kind(address: IPAddress) -> str:
    if address.is_loopback:
        return "a loopback"
    if address.is_link_local:
        return "a link-local"
    return "a private" if address.is_private else "a non-public"


def _too_large(limit: int, detail: str) -> str:
    return f"response too large: {detail}, the size limit is {limit:,} bytes (max_bytes)"
