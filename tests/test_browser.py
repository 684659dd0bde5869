"""The HTML brief in a real browser (headless Chromium, Debian's `chromium`): at a phone's 390 px nothing is wider
than the screen, the page logs no error, and it fetches nothing, as a mail client that blocks remote content
would need; the same is checked statically on the markup and its CSS.

`NEWSBRIEF_SCREENSHOTS=docs .venv/bin/pytest tests/test_browser.py -k seed` also saves the seeds' brief as the
README shows it (docs/brief-phone.png, docs/brief-desktop.png)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import lxml.html
import pytest
from playwright.sync_api import Browser, sync_playwright

from newsbrief.brief import assemble_brief, digest_articles
from newsbrief.config import load_config, parse_day
from newsbrief.ingest import dedupe, ingest_source
from newsbrief.records import Article, ArticleDigest, Facts, Skipped, Story, StoryFacts, Summary, SummarySentence
from newsbrief.render import render_all, render_html
from newsbrief.stories import build_stories
from newsbrief.window import brief_window, parse_duration, select_recent, time_zone

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium")
PHONE, DESKTOP = 390, 1280
SCREENS = {PHONE: ("phone", 844), DESKTOP: ("desktop", 800)}  # width: (name, height of one screenful)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium (.ci/run does)")

# Every element's box, after opening every fold; any that reaches past the screen's right edge (or starts left of 0)
# is named. The width is the screen's, not innerWidth: on a phone that grows when a page too wide is zoomed out.
TOO_WIDE = """width => {
  document.querySelectorAll("details").forEach(fold => { fold.open = true; });
  return [...document.body.querySelectorAll("*")].filter(e => {
    const box = e.getBoundingClientRect();
    return box.right > width + 0.5 || box.left < -0.5;
  }).map(e => `<${e.localName}> ${Math.round(e.getBoundingClientRect().width)} px: ${e.textContent.slice(0, 60)}`);
}"""
REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)  # http://x, https://x, //x, ftp://x
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]*)""", re.IGNORECASE)


@dataclass
class PageReport:
    scroll_width: int
    too_wide: list[str]
    console_errors: list[str]
    requests: list[str]  # every request but the page's own file


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module. Playwright gives it a fresh profile and --headless, --no-sandbox and
    --no-first-run; the rest keeps Chromium from calling home, so only the page's own requests are seen."""
    quiet = ["--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update"]
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[*quiet, "--disable-sync"])
        yield chromium
        chromium.close()


def open_brief(browser: Browser, page_file: Path, width: int, screenshot: Path | None = None) -> PageReport:
    """Load `page_file` at `width` px (a touch phone below desktop width, so the viewport meta tag counts) with every
    request but the file itself refused and recorded, then measure it."""
    name, height = SCREENS[width]
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=width < DESKTOP, has_touch=width < DESKTOP
    )
    page = context.new_page()
    url = page_file.as_uri()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url) if request.url != url else None)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    context.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
    page.goto(url, wait_until="networkidle")
    if screenshot is not None:
        top = {"x": 0, "y": 0, "width": width, "height": height * 3 // 2}  # a screenful and a half
        page.screenshot(path=screenshot / f"brief-{name}.png", clip=top, full_page=True)
    report = PageReport(
        page.evaluate("document.documentElement.scrollWidth"), page.evaluate(TOO_WIDE, width), errors, requests
    )
    context.close()
    return report


def external_resources(html: str) -> list[str]:
    """What a mail client would have to fetch: remote src/href/srcset/data/poster on anything but a link (<a>), and
    @import or remote url() in the CSS of <style> blocks and style attributes."""
    doc = lxml.html.document_fromstring(html)
    found = [
        f"<{element.tag} {attr}={element.get(attr)!r}>"
        for element in doc.iter()
        if isinstance(element.tag, str) and element.tag != "a"
        for attr in ("src", "href", "srcset", "data", "poster")
        if REMOTE.match(element.get(attr) or "")
    ]
    css = "\n".join([*doc.xpath("//style/text()"), *doc.xpath("//@style")])
    found += [f"@import in CSS: {line.strip()}" for line in css.splitlines() if "@import" in line.lower()]
    return found + [f"url({target}) in CSS" for target in CSS_URL.findall(css) if REMOTE.match(target)]


@pytest.fixture(scope="module")
def seed_brief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds' brief as `make brief` tells it (the example config, the real models), from the library stages the
    flow runs as tasks, without a Prefect server; a fresh store would mark every story new, as here."""
    settings = load_config(REPO / "newsbrief.toml")
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for source in settings.sources:
        found, lost = ingest_source(source, settings.ingest)
        articles += found
        skipped += lost
    articles, duplicates = dedupe(articles)
    day = parse_day(settings.date)
    span = brief_window(day, time_zone(settings.timezone), length=parse_duration(settings.window))
    articles, outside = select_recent(articles, span)
    digests = digest_articles(articles, settings.summariser, settings.summary)
    stories = build_stories(digests, settings.stories, span.end)
    brief = assemble_brief(
        day,
        stories,
        skipped + duplicates + outside,
        settings.timezone,
        watchlists=settings.watch,
        max_words=settings.max_words,
        glance=settings.glance,
    )
    brief.window_start, brief.window_end = span.start, span.end
    page_file = tmp_path_factory.mktemp("seeds") / "brief.html"
    page_file.write_text(render_all(brief)["brief.html"], encoding="utf-8")
    return page_file


LONG_URL = "https://archive.example/" + "/".join(f"section-{n}" for n in range(30)) + "?utm_source=" + "x" * 80
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt" * 2


def long_lines_brief() -> str:
    """A brief built to overflow a phone: a 150-letter word in the headline, an outlet's name, the titles behind the
    fold and a skipped source's reason; a URL of over 400 characters in a summary sentence and as a skipped source."""
    text = f"Officials at {LONG_WORD} published the report at {LONG_URL} on Friday. The board met on Monday."
    first = text.split(" on Friday.")[0] + " on Friday."
    digests = []
    for n, source in enumerate(["Harbour Times", LONG_WORD]):
        article = Article(
            id=f"a{n}",
            url=LONG_URL + str(n),
            source=source,
            title=f"{LONG_WORD} report {n}",
            text=text,
            published=datetime(2026, 11, 27, 8, 30, tzinfo=UTC) if n == 0 else None,
            flags=[] if n == 0 else ["undated"],
        )
        sentences = [SummarySentence(first, 0, len(first), article_id=article.id, source=source)]
        digests.append(ArticleDigest(article, Summary(article.id, "lead", sentences), Facts(article.id)))
    story = Story(
        id="s-long",
        headline=f"{LONG_WORD} publishes its report",
        articles=digests,
        headline_article_id="a0",
        summary=digests[0].summary.sentences,
        facts=StoryFacts(),
    )
    skipped = [Skipped(source=LONG_URL, reason=f"feed did not parse: {LONG_WORD}", url=LONG_URL)]
    return render_html(assemble_brief(date(2026, 11, 28), [story], skipped))


@pytest.fixture(scope="module")
def long_lines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page_file = tmp_path_factory.mktemp("long") / "brief.html"
    page_file.write_text(long_lines_brief(), encoding="utf-8")
    return page_file


def assert_fits_and_stays_offline(report: PageReport, width: int) -> None:
    assert report.scroll_width <= width, f"the page scrolls sideways: {report.scroll_width} px at {width} px"
    assert report.too_wide == [], f"wider than the {width} px screen"
    assert report.console_errors == []
    assert report.requests == [], "the brief fetched something"


@pytest.mark.slow
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_seed_brief_fits_the_screen_logs_no_error_and_fetches_nothing(browser, seed_brief, width) -> None:
    shots = os.environ.get("NEWSBRIEF_SCREENSHOTS")
    report = open_brief(browser, seed_brief, width, Path(shots) if shots else None)
    assert_fits_and_stays_offline(report, width)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_unbreakable_words_and_long_urls_wrap(browser, long_lines, width) -> None:
    assert_fits_and_stays_offline(open_brief(browser, long_lines, width), width)


@pytest.mark.slow
def test_the_seed_brief_needs_nothing_external_and_reads_without_its_styles(seed_brief) -> None:
    html = seed_brief.read_text(encoding="utf-8")
    assert external_resources(html) == []
    assert "var(" not in html  # css-inline and mail clients do not resolve custom properties
    doc = lxml.html.document_fromstring(html)
    counts = doc.find_class("counts")[0].text_content()
    assert re.match(r"\d+\sarticles\W+\d+\sstories\W+\d+\soutlets\W+\d+\sskipped\W+covering ", counts), counts
    meta = doc.xpath("//article/p[@class='meta']")[0].text_content()  # a story's badge, outlets and time
    assert re.match(r"(New|Developing)\xa0· \w", meta), meta


def test_the_checks_catch_overflow_console_errors_and_remote_resources(browser, tmp_path) -> None:
    """The checks above find what they look for: a user template with a remote image, font and script, a script
    error and a wide preformatted line fails each of them."""
    (tmp_path / "brief.html.j2").write_text(
        '<html><head><style>@import url("https://fonts.example/a.css"); b { background: url(//cdn.example/b.png) }'
        '</style><script src="https://cdn.example/x.js"></script></head><body>'
        '<img src="https://cdn.example/logo.png"><pre>' + "x" * 300 + "</pre><script>missing()</script></body></html>"
    )
    html = render_html(assemble_brief(date(2026, 11, 28), [], []), tmp_path)
    page_file = tmp_path / "brief.html"
    page_file.write_text(html, encoding="utf-8")
    report = open_brief(browser, page_file, PHONE)
    assert report.scroll_width > PHONE and any(line.startswith("<pre>") for line in report.too_wide)
    assert any("missing is not defined" in error for error in report.console_errors)
    assert {"https://cdn.example/x.js", "https://cdn.example/logo.png"} <= set(report.requests)
    assert len(external_resources(html)) == 5  # script, img, @import, and the two url()s
