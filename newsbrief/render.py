"""Render a Brief to Markdown, HTML and JSON with Jinja2.

Templates are looked up first in the user's folder, then in the bundled `templates/`, so a user can override one
template and keep the others. HTML is autoescaped: article text is untrusted and must never become markup.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from newsbrief.records import Brief, to_jsonable

BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def environment(user_templates: Path | None = None) -> Environment:
    folders = [user_templates] if user_templates else []
    loaders = [FileSystemLoader(str(folder)) for folder in [*folders, BUNDLED_TEMPLATES]]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_escape
    env.filters["safe_url"] = safe_url
    env.filters["hhmm"] = lambda value: value.strftime("%Y-%m-%d %H:%M %Z").strip() if value else ""
    return env


def markdown_escape(text: str) -> str:
    """Neutralise Markdown and inline HTML in untrusted text so it renders as the words it is."""
    out = []
    for char in str(text).replace("\n", " "):
        if char in "\\`*_[]<>|":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def safe_url(url: str | None) -> str:
    """The URL if it is http(s), with characters that could end a link or an attribute percent-encoded; else ''.

    Feed links are untrusted: a `javascript:` link or a `>` in a URL must not become live markup.
    """
    if not url or urlsplit(url).scheme.lower() not in ("http", "https"):
        return ""
    return quote(url, safe=":/?#@!$&()*+,;=%~-._[]")


def render_markdown(brief: Brief, user_templates: Path | None = None) -> str:
    return environment(user_templates).get_template("brief.md.j2").render(brief=brief)


def render_html(brief: Brief, user_templates: Path | None = None) -> str:
    return environment(user_templates).get_template("brief.html.j2").render(brief=brief)


def render_json(brief: Brief) -> str:
    data = to_jsonable(brief)
    data["counts"] = counts(brief)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def counts(brief: Brief) -> dict[str, int]:
    return {
        "articles": len(brief.articles),
        "stories": len(brief.stories),
        "sources": len(brief.sources),
        "skipped": len(brief.skipped),
    }


def render_all(brief: Brief, user_templates: Path | None = None) -> dict[str, str]:
    """File name -> content for every output of a brief."""
    return {
        "brief.md": render_markdown(brief, user_templates),
        "brief.html": render_html(brief, user_templates),
        "brief.json": render_json(brief),
    }
