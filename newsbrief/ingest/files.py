"""Local inputs: text and Markdown (with optional front matter), HTML pages, JSON/JSONL rows, feed files, and
folders of them (recursed in sorted order, so runs are repeatable).

A folder source is read inside that folder only: a symbolic link that leads out of it is skipped unread (a link to
/etc/passwd must not put its first line in the brief), and only regular files are opened, since a FIFO blocks a
run forever and a device can stream without end.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsbrief.ingest.build import Result, guarded, make_article, single, skip
from newsbrief.ingest.feeds import feed_articles, looks_like_feed
from newsbrief.ingest.fetch import Web
from newsbrief.ingest.options import IngestOptions
from newsbrief.ingest.pages import page_article
from newsbrief.records import DATE_FROM_FILE_TIME, Article, Skipped

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSON_SUFFIXES = frozenset({".json", ".jsonl"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | FEED_SUFFIXES

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_FIELD = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")
_LIST_ITEM = re.compile(r"^(?:[-*+\u2022]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^#{1,6}\s+")
_SENTENCE_END = re.compile(r"""[.!?:;"'\u201d\u2019)]$""")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# File and folder names that say what a saved file is, not whose it is: the names that browsers, wget, site
# exporters and scripts give a page or its folder ("source.html", "index.html", "article/page.html").
_GENERIC_NAMES = frozenset(
    {"source", "src", "index", "default", "main", "home", "article", "articles", "page", "pages", "story", "stories",
     "post", "posts", "entry", "item", "content", "body", "text", "document", "doc", "file", "files", "download",
     "downloads", "saved", "untitled", "raw", "print", "amp", "view", "full", "html", "data", "input", "output", "tmp",
     "temp", "news", "web", "site", "copy", "desktop", "documents"}
)  # fmt: skip
_COPY_NUMBER = re.compile(r"\s*\(\d+\)$")  # "source (2)": the number a browser adds to a second save
_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def ingest_path(path: Path, options: IngestOptions, web: Web) -> Result:
    """A file, or every supported file under a folder; hidden files and folders are ignored, and so are links to
    folders (the walk does not follow them); links that lead out of the folder are skipped with a reason."""
    if not path.is_dir():
        return ingest_file(path, options, web)
    root = path.resolve()
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for child in sorted(path.rglob("*")):
        if any(part.startswith(".") for part in child.relative_to(path).parts):
            continue
        if child.is_symlink() and not child.resolve().is_relative_to(root):
            skipped.append(skip(str(child), "symbolic link to outside the source folder (not read)"))
        elif not child.is_dir():
            found, missed = guarded(str(child), ingest_file, child, options, web)
            articles += found
            skipped += missed
    return articles, skipped


class NotRegularFile(OSError):
    """A FIFO, device or socket: reading it could block for ever or never end."""


def read_regular_file(path: Path) -> bytes:
    """The bytes of `path` if it is a regular file, checked before opening and again on the opened descriptor
    (O_NONBLOCK, so a FIFO swapped in between cannot block the open); raises `NotRegularFile` otherwise."""
    _require_regular(os.stat(path).st_mode)
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        _require_regular(os.fstat(handle.fileno()).st_mode)
        return handle.read()


def _require_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _SPECIAL_FILES if test(mode)), "something else")
        raise NotRegularFile(f"not a regular file but {kind}")


def ingest_file(path: Path, options: IngestOptions, web: Web) -> Result:
    """One file, read by its suffix; a `web` is needed only for feed items whose linked pages are fetched.

    Articles that carry no date anywhere take the file's modification time, the last resort (a copy or a checkout
    resets it), flagged `date_from_file_time` so the brief says so."""
    articles, skipped = _read_file(path, options, web)
    undated = [article for article in articles if article.published is None]
    if undated:
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        for article in undated:
            article.published = modified
            article.flags.append(DATE_FROM_FILE_TIME)
    return articles, skipped


def _read_file(path: Path, options: IngestOptions, web: Web) -> Result:
    origin = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        return [], [skip(origin, f"unsupported file type '{suffix or path.name}'")]
    try:
        content = read_regular_file(path)
    except NotRegularFile as exc:
        return [], [skip(origin, f"{exc} (not read)")]
    except OSError as exc:
        return [], [skip(origin, f"cannot read the file ({exc.strerror or exc})")]
    if not content.strip():
        return [], [skip(origin, "empty file")]
    if suffix in HTML_SUFFIXES or suffix in FEED_SUFFIXES:
        if b"\x00" in content and not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return [], [skip(origin, "binary file (contains NUL bytes)")]
        if suffix in HTML_SUFFIXES:
            return single(page_article(content, origin, None, options, fallback_source=location_name(path)))
        if not looks_like_feed(content):
            return [], [skip(origin, "not an RSS or Atom feed")]
        return feed_articles(content, origin, options, web)
    text = decode_text(content)
    if text is None:
        return [], [skip(origin, "binary or undecodable file (not UTF-8 or UTF-16 text)")]
    if suffix in JSON_SUFFIXES:
        return _json_rows(text, origin, location_name(path), jsonl=suffix == ".jsonl")
    return single(text_article(text, origin, default_source=location_name(path), markdown=suffix == ".md"))


def location_name(path: Path) -> str:
    """The name that stands for the outlet of a file that names none: its stem, unless that says nothing of whose
    the file is (a generic name such as "source" or "index", or no letters at all, as in "2026-11-28" or "48213"),
    then its folder's name if that does, else the stem, less a browser's copy number. Users who save pages one folder
    each name the folder ("bbc-1/source.html", "clippings/lwn/index.html"); the home folder and folders further up
    name the user, not the outlet, and "Desktop" or "Documents" only where the user keeps files."""
    parent = path.resolve().parent
    for part in (path.stem, "" if _is_home(parent) else parent.name):
        name = _COPY_NUMBER.sub("", part).strip()
        if any(char.isalpha() for char in name) and name.casefold() not in _GENERIC_NAMES:
            return name
    return _COPY_NUMBER.sub("", path.stem).strip() or path.stem


def _is_home(folder: Path) -> bool:
    """Whether `folder` is the user's home folder, whose name is the user's, not an outlet's."""
    try:
        return folder == Path.home().resolve()
    except RuntimeError:  # no home folder can be found: none to mistake for an outlet
        return False


def decode_text(content: bytes) -> str | None:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; None for binary data (NUL bytes) or other encodings."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in content:
        return None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def text_article(
    text: str, origin: str, *, default_source: str, markdown: bool = False, url: str | None = None
) -> Article | Skipped:
    """A text or Markdown document: front matter fields when present, else the first line is the title."""
    fields, body = split_front_matter(text)
    title, rest = _leading_title(body)
    if fields.get("title"):
        # The body often repeats the front-matter title as its heading; it is the title, not a paragraph.
        body = rest if title and title.casefold() == fields["title"].casefold() else body
        title = fields["title"]
    else:
        body = rest
    body = _unwrap(_markdown_to_text(body) if markdown else body)
    return make_article(
        origin,
        body,
        title=title,
        url=fields.get("url") or url,
        source=fields.get("source"),
        fallback_source=default_source,
        published=fields.get("published") or fields.get("date"),
        author=fields.get("author"),
    )


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """`key: value` lines between two `---` lines at the very top; values may be quoted."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in match.group(1).splitlines():
        field = _FIELD.match(line)
        if field:
            value = field.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            fields[field.group(1).lower()] = value
    return fields, text[match.end() :]


def _leading_title(body: str) -> tuple[str | None, str]:
    """The first line as the title; it leaves the body when it reads as a headline (short, no full stop)."""
    stripped = body.lstrip()
    first, _, rest = stripped.partition("\n")
    heading = _HEADING.match(first) is not None
    title = _HEADING.sub("", first).strip()
    if not title:
        return None, body
    if rest.strip() and (heading or (len(title.split()) <= 20 and not title.endswith("."))):
        return title, rest
    return title, body


def _markdown_to_text(body: str) -> str:
    """Markup that would otherwise end up in sentences: images, link targets, bold markers, heading hashes."""
    body = _MD_IMAGE.sub("", body)
    body = _MD_LINK.sub(r"\1", body)
    body = _MD_STRONG.sub(r"\2", body)
    return "\n".join(_HEADING.sub("", line.lstrip("> ") if line.startswith(">") else line) for line in body.split("\n"))


def _unwrap(body: str) -> str:
    """Hard-wrapped lines joined back into paragraphs: a single line break inside a sentence would otherwise be
    taken for a paragraph (and so a sentence) boundary. List items and lines that end a sentence keep their break."""
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        merged: list[str] = []
        for line in lines:
            if merged and not _LIST_ITEM.match(line) and not _SENTENCE_END.search(merged[-1]):
                merged[-1] = f"{merged[-1]} {line}"
            else:
                merged.append(line)
        paragraphs += merged
    return "\n\n".join(paragraphs)


def _json_rows(text: str, origin: str, default_source: str, *, jsonl: bool) -> Result:
    rows: list[tuple[str, Any]] = []
    skipped: list[Skipped] = []
    if jsonl:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append((f"{origin}:{number}", json.loads(line)))
            except json.JSONDecodeError as exc:
                skipped.append(skip(f"{origin}:{number}", f"invalid JSON ({exc})"))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return [], [skip(origin, f"invalid JSON ({exc})")]
        if isinstance(data, dict):
            data = data.get("articles", data.get("items", [data]))
        if not isinstance(data, list):
            return [], [skip(origin, "JSON is neither a row object nor a list of rows")]
        rows = [(f"{origin}[{index}]", row) for index, row in enumerate(data)]
    articles: list[Article] = []
    for row_origin, row in rows:
        result = _row_article(row, row_origin, default_source)
        (articles if isinstance(result, Article) else skipped).append(result)
    return articles, skipped


_JSON_TYPES = {str: "string", int: "number", float: "number", bool: "boolean", list: "array", type(None): "null"}


def _row_article(row: Any, origin: str, default_source: str) -> Article | Skipped:
    if not isinstance(row, dict):  # named by its JSON type only: a row's content is never shown as a reason
        return skip(origin, f"row is a JSON {_JSON_TYPES[type(row)]}, not an object with a 'text' field")

    def field(key: str) -> str | None:
        value = row.get(key)
        return (str(value).strip() or None) if isinstance(value, str | int) and not isinstance(value, bool) else None

    url = field("url")
    text = field("text")
    if text is None:
        return skip(origin, "row has no 'text'", url, field("title"))
    return make_article(
        origin,
        text,
        title=field("title"),
        url=url,
        source=field("source"),
        fallback_source=None if url else default_source,
        published=field("published"),
        author=field("author"),
        article_id=field("id"),
    )
