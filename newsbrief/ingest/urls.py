"""URL checks and normalisation: one canonical form per article, so ids are stable and reposts collide."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the click and never select content.
_TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "ocid", "cmpid",
     "icid", "ito", "wt_mc", "wt_zmc", "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3",
     "at_custom4", "share", "smid", "smtyp"}
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_http_url(value: str) -> bool:
    """True for absolute http(s) URLs with a host; the only kind of URL ingest fetches."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, no default port, fragment, tracking parameters or trailing slash.

    Remaining query parameters are sorted so that the same page reached through differently ordered links gets
    one form; URLs that do not parse are returned stripped and otherwise untouched.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS
    )
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def url_id(url: str) -> str:
    """The article id for a URL: sha1 of its normalised form (16 hex digits, like `text.content_hash`)."""
    return hashlib.sha1(normalise_url(url).encode("utf-8")).hexdigest()[:16]


def host_name(url: str) -> str:
    """The site's host without `www.`, the outlet name of last resort."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")
