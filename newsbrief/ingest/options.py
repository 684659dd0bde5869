"""Settings of the ingest stage, kept apart from the code that uses them so every module can import them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IngestOptions:
    """How sources are read; the defaults suit a daily run over a few dozen feeds and pages."""

    timeout: float = 15.0  # seconds per HTTP request, whole response included
    max_bytes: int = 3_000_000  # larger responses are refused: news pages are far smaller, anything bigger is not one
    user_agent: str = "newsbrief/0.1 (+https://github.com/newsbrief/newsbrief)"
    fetch_linked_pages: bool = True  # feed items with only a snippet get their page fetched
    min_words: int = 40  # below this a feed item counts as snippet-only and an extracted page as too short
    # Networks (CIDR) that links found in feeds and pages may reach although not public; loopback, private and
    # link-local addresses are otherwise off limits unless the source itself is on one. "0.0.0.0/0" allows all.
    private_networks: list[str] = field(default_factory=list)
