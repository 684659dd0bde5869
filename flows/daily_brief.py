"""Prefect entry point `flows/daily_brief.py:daily_brief`: the daily brief as a flow of a few coarse tasks.

Thin on purpose: each task calls one newsbrief stage. Sources are fetched concurrently and retried on network
errors only; the model work runs as one batched task so models load once per worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.states import State

from newsbrief.brief import assemble_brief, digest_articles
from newsbrief.config import Config, EmailConfig, load_config, parse_day
from newsbrief.deliver import send_email, write_files
from newsbrief.errors import RunError
from newsbrief.ingest import FetchError, IngestOptions, ResponseCache, dedupe, ingest_source
from newsbrief.memory import lookback_start, remember
from newsbrief.records import Article, ArticleDigest, Brief, Skipped, Story
from newsbrief.render import render_all
from newsbrief.store import ResponseLog, Store, digest_with_cache, open_store, stories_with_cache
from newsbrief.stories import StoryOptions, build_stories
from newsbrief.summarise import SummaryOptions
from newsbrief.window import brief_window, parse_duration, parse_since, select_recent, time_zone

log = logging.getLogger("newsbrief.flow")


class NothingToBrief(RunError):
    """No source could be read: there is nothing to write a brief about."""


@dataclass
class BriefRun:
    brief: Brief
    files: list[Path]


def _is_network_error(task_: object, task_run: object, state: State) -> bool:
    try:
        state.result()
    except FetchError:
        return True
    except Exception:
        return False
    return False


@task(
    retries=2,
    retry_delay_seconds=[1, 4],
    retry_condition_fn=_is_network_error,
    cache_policy=NONE,
    task_run_name="ingest {source}",
)
def ingest(source: str, options: IngestOptions, cache: ResponseCache | None) -> tuple[list[Article], list[Skipped]]:
    return ingest_source(source, options, cache)


@task(cache_policy=NONE)
def summarise_and_extract(articles: list[Article], summariser: str, options: SummaryOptions) -> list[ArticleDigest]:
    return digest_articles(articles, summariser, options)


@task(cache_policy=NONE)
def tell_stories(digests: list[ArticleDigest], options: StoryOptions, cutoff: datetime) -> list[Story]:
    return build_stories(digests, options, cutoff)


@task(cache_policy=NONE)
def render(brief: Brief, templates: Path | None) -> dict[str, str]:
    return render_all(brief, templates)


@task(cache_policy=NONE)
def write(rendered: dict[str, str], folder: Path) -> list[Path]:
    return write_files(rendered, folder)


@task(retries=2, retry_delay_seconds=5, cache_policy=NONE)
def email(config: EmailConfig, subject: str, text: str, html: str) -> None:
    send_email(config, subject, text, html)


def gather_sources(config: Config, cache: ResponseCache | None = None) -> tuple[list[Article], list[Skipped]]:
    """Fetch every source concurrently (conditionally where `cache` kept a response); a source that still fails
    after its retries becomes a Skipped entry."""
    futures = [(source, ingest.submit(source, config.ingest, cache)) for source in config.sources]
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for source, future in futures:
        future.wait()
        if future.state.is_completed():
            found, lost = future.result()
            articles.extend(found)
            skipped.extend(lost)
            if not found:
                reasons = "; ".join(dict.fromkeys(s.reason for s in lost)) or "nothing in it"
                log.warning("source %s gave no article: %s", source, reasons)
        else:
            error = future.state.result(raise_on_failure=False)
            log.warning("source %s could not be read: %s", source, error)
            skipped.append(Skipped(source=source, reason=f"could not be read: {error}", url=_url_of(source)))
    unique, duplicates = dedupe(articles)
    return unique, skipped + duplicates


def open_and_read(settings: Config, brief_date: date, rebuild: bool) -> tuple[Store, list[Article], list[Skipped]]:
    """The open store and the articles to brief: for `rebuild` those the store kept for the day, else the sources'
    (read conditionally where the store kept a response). A run that reads no article creates no store."""
    path = settings.store_path
    if rebuild:
        store = open_store(path, create=False)
        articles = store.brief_articles(brief_date)
        if not articles:
            store.close()
            raise NothingToBrief(f"the store {path} holds no brief for {brief_date} to rebuild")
        return store, articles, []
    existing = open_store(path) if path.exists() else None
    try:
        log.info("reading %d source(s)", len(settings.sources))
        responses = ResponseLog(existing)
        articles, skipped = gather_sources(settings, responses)
        if not articles:
            reasons = "; ".join(f"{s.title or s.url or s.source}: {s.reason}" for s in skipped)
            raise NothingToBrief(f"no article could be read from any source ({reasons or 'no sources given'})")
        store = existing or open_store(path)
        responses.save(store)
    except BaseException:
        if existing:
            existing.close()
        raise
    return store, articles, skipped


def _url_of(source: str) -> str | None:
    return source if "://" in source else None


@flow(name="daily-brief")
def daily_brief(
    config: str | None = None,
    sources: list[str] | None = None,
    out: str | None = None,
    day: str | None = None,
    summariser: str | None = None,
    since: str | None = None,
    window: str | None = None,
    rebuild: bool = False,
    now: str | None = None,
) -> BriefRun:
    """Ingest (a source unchanged since it was last fetched is read from the store: conditional GET), keep the
    articles of the day's window, summarise and extract facts (articles the store already digested are not redone),
    group stories (the same digests are not regrouped), mark each new or developing, render, remember and deliver.

    `rebuild` recomputes the day from the articles the store kept for it, reading no source; `now` (ISO) is the
    clock, for tests and replays (default: the machine's clock, read once)."""
    settings = load_config(
        config,
        sources=sources or None,
        out=Path(out) if out else None,
        summariser=summariser,
        date=day,
        window=window,
    )
    zone = time_zone(settings.timezone)
    clock = datetime.fromisoformat(now) if now else datetime.now(UTC)
    brief_date = parse_day(settings.date) if settings.date else clock.astimezone(zone).date()
    length = parse_duration(settings.window) if settings.window else None
    start = parse_since(since, zone) if since else None
    store, articles, skipped = open_and_read(settings, brief_date, rebuild)
    try:
        previous_end = store.previous_cutoff(brief_date)
        span = brief_window(brief_date, zone, since=start, length=length, previous_end=previous_end)
        articles, outside = select_recent(articles, span)
        skipped += outside
        if not articles:
            raise NothingToBrief(f"none of the {len(outside)} article(s) read was published in the window {span}")
        digests, computed = digest_with_cache(
            articles,
            settings.summariser,
            settings.summary,
            store,
            lambda batch: summarise_and_extract(batch, settings.summariser, settings.summary) if batch else [],
            refresh=rebuild,
        )
        log.info("summarised %d article(s), %d from the store", computed, len(articles) - computed)
        stories = stories_with_cache(
            digests,
            settings.stories,
            span.end,
            store,
            lambda: tell_stories(digests, settings.stories, span.end),
            refresh=rebuild,
        )
        remember(stories, store.earlier_stories(brief_date, lookback_start(brief_date)), brief_date)
        brief = assemble_brief(
            brief_date,
            stories,
            skipped,
            settings.timezone,
            settings.top_entities,
            watchlists=settings.watch,
            max_words=settings.max_words,
            glance=settings.glance,
        )
        brief.window_start, brief.window_end = span.start.astimezone(zone), span.end
        rendered = render(brief, settings.templates)
        folder = settings.out / brief_date.isoformat()
        files = write(rendered, folder)
        store.save_brief(brief_date, span, folder, stories, brief.generated_at, clock)
    finally:
        store.close()
    log.info("wrote %s", ", ".join(str(f) for f in files))
    if settings.email.enabled:
        subject = settings.email.subject.format(date=brief_date.isoformat())
        email(settings.email, subject, rendered["brief.md"], rendered["brief.html"])
        log.info("emailed the brief to %s", ", ".join(settings.email.recipients))
    return BriefRun(brief=brief, files=files)
