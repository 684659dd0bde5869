"""HTML fragments (feed item content) to plain text with paragraphs kept.

Feed content is small, already sanitised by feedparser and often not a full article, so a main-content
extractor would throw most of it away; a structural walk that turns block elements into paragraph breaks
keeps all of it.
"""

from __future__ import annotations

import html
import re

import lxml.etree
import lxml.html

_BLOCKS = (
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "table", "tr", "section", "article", "header", "footer", "aside", "figure", "figcaption", "hr", "address",
)  # fmt: skip
_DROPPED = ("script", "style", "noscript", "iframe", "object", "embed", "svg", "form", "button", "select")
_BREAK = "\ue000"  # private-use character: marks a paragraph break through text_content()
_SPACES = re.compile(r"\s+")


def html_to_text(markup: str) -> str:
    """Readable text of an HTML fragment; one paragraph per block element, separated by a blank line."""
    if "<" not in markup:
        return _paragraphs(html.unescape(markup).split("\n\n"))
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _paragraphs([html.unescape(re.sub(r"<[^>]*>", " ", markup))])
    lxml.etree.strip_elements(root, *_DROPPED, with_tail=False)
    for element in root.iter(*_BLOCKS):
        element.text = _BREAK + (element.text or "")
        element.tail = _BREAK + (element.tail or "")
    return _paragraphs(root.text_content().split(_BREAK))


def _paragraphs(pieces: list[str]) -> str:
    cleaned = (_SPACES.sub(" ", piece).strip() for piece in pieces)
    return "\n\n".join(piece for piece in cleaned if piece)
