"""HTTP GET with the limits a daily unattended run needs: a deadline, a size cap, a real User-Agent.

Failures are sorted into two kinds because callers act differently on them: `FetchError` is worth retrying
later (timeouts, connection errors, 5xx), `Refused` is final (4xx, oversize, redirect loops, bad URLs).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from newsbrief.ingest.options import IngestOptions

_ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8"
_RETRYABLE_STATUS = frozenset({408, 425, 429})


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


class Web:
    """One HTTP client for a whole ingest run, so the items of a feed reuse connections; opened on first use."""

    def __init__(self, options: IngestOptions) -> None:
        self.options = options
        self._client: httpx.Client | None = None

    def __enter__(self) -> Web:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._client is not None:
            self._client.close()

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                follow_redirects=True,
                max_redirects=10,
                timeout=self.options.timeout,
                headers={"User-Agent": self.options.user_agent, "Accept": _ACCEPT},
            )
        return self._client

    def get(self, url: str) -> Response:
        """The body of `url`; raises `FetchError` (retry later) or `Refused` (give up)."""
        try:
            return self._get(url)
        except (httpx.TooManyRedirects, httpx.DecodingError, httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise Refused(f"cannot fetch: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out after {self.options.timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise FetchError(f"network error: {exc or type(exc).__name__}") from exc

    def _get(self, url: str) -> Response:
        limit = self.options.max_bytes
        deadline = time.monotonic() + self.options.timeout
        with self.client.stream("GET", url) as response:
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
            return Response(str(response.url), bytes(body), content_type, response.charset_encoding)


def _too_large(limit: int, detail: str) -> str:
    return f"response too large: {detail}, the size limit is {limit:,} bytes (max_bytes)"
