"""Prefect entry point `flows/daily_brief.py:daily_brief`: the daily brief as a flow of a few coarse tasks.

Thin on purpose: each task calls one newsbrief stage. Sources are fetched concurrently and retried on network
errors only; the model work runs as one batched task so models load once per worker.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.client.schemas.objects import FlowRun
from prefect.context import FlowRunContext, get_run_context
from prefect.exceptions import MissingContextError
from prefect.futures import PrefectFuture, as_completed
from prefect.logging.handlers import APILogHandler
from prefect.states import State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import Task, exponential_backoff

from newsbrief.brief import assemble_brief, digest_articles
from newsbrief.config import Config, load_config, parse_day
from newsbrief.deliver import Delivery, DeliveryError, deliver_brief, notify_failure, write_files
from newsbrief.errors import RunError
from newsbrief.ingest import FetchError, IngestOptions, ResponseCache, dedupe, ingest_source
from newsbrief.memory import lookback_start, remember
from newsbrief.progress import StageProgress
from newsbrief.records import Article, ArticleDigest, Brief, Skipped, Story
from newsbrief.render import render_all
from newsbrief.store import ResponseLog, Store, digest_with_cache, open_store, stories_with_cache
from newsbrief.stories import StoryOptions, build_stories
from newsbrief.summarise import SummaryOptions
from newsbrief.window import brief_window, parse_duration, parse_since, select_recent, time_zone

log = logging.getLogger("newsbrief.flow")

# Articles per summarise-and-extract task. A Dask task costs a worker about 0.25 s here (40 empty tasks on 2 workers:
# 0.13 s each) and a batch of 32 about 20 s of one core (bench/scale.py), so the overhead is about 1%; larger
# batches would move the progress more coarsely and leave a worker idle longer at the end of a run (up to one
# batch), smaller ones pay the task cost more often. The digests do not depend on the batch size (every model works
# per article; 16, 32 and 128 give the same 128 digests).
DIGEST_BATCH = 32
R = TypeVar("R")

# A re-run soon after a failure late in the flow (rendering, delivery) takes each source's articles from Prefect's
# task cache; a run later in the day fetches again, so it sees what was published meanwhile.
INGEST_CACHE_EXPIRY = timedelta(hours=2)
# A run that hangs (a stalled feed, a stuck model) fails after this long rather than overlapping the next day's;
# 1,000 articles take minutes here, so it is far above any healthy run.
FLOW_TIMEOUT_SECONDS = 3 * 3600


class NothingToBrief(RunError):
    """No source could be read: there is nothing to write a brief about."""


@dataclass
class BriefRun:
    brief: Brief
    files: list[Path]


def _raised(state: State) -> Exception | None:
    """The exception a failed task run's state holds (None when it holds a result): what retry conditions judge."""
    try:
        state.result()
    except Exception as error:
        return error
    return None


def _is_network_error(task_: object, task_run: object, state: State) -> bool:
    return isinstance(_raised(state), FetchError)


def _ingest_key(context: object, parameters: dict[str, Any]) -> str:
    """What makes two fetches of a source the same: the source, the brief's day, the ingest options and, for a local
    file or folder, its files' names, sizes and times (an edited folder is read again at once). The response log
    (`cache`) is not part of the key: it is an open store, and what it changes is only how a fetch is made."""
    source = parameters["source"]
    parts = [source, parameters["day"], repr(parameters["options"]), _local_fingerprint(source)]
    return "ingest-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _local_fingerprint(source: str) -> str:
    path = Path(source)
    if "://" in source or not path.exists():
        return ""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return ";".join(f"{p}:{info.st_size}:{info.st_mtime_ns}" for p in files for info in [p.stat()])


@task(
    name="ingest source",
    retries=2,
    retry_delay_seconds=[1, 4],
    retry_condition_fn=_is_network_error,
    cache_key_fn=_ingest_key,
    cache_expiration=INGEST_CACHE_EXPIRY,
    persist_result=True,
    task_run_name="ingest {source}",
)
def ingest(
    source: str, day: str, options: IngestOptions, cache: ResponseCache | None
) -> tuple[list[Article], list[Skipped]]:
    """One source's articles; `day` (the brief's date, ISO) only keys the cache."""
    return ingest_source(source, options, cache)


@task(name="summarise and extract facts", cache_policy=NONE)
def summarise_and_extract(articles: list[Article], summariser: str, options: SummaryOptions) -> list[ArticleDigest]:
    """One batch's digests. Models are loaded once per process (cached in `newsbrief.summarise`/`facts`/`embed`)
    and never travel as parameters, results or cache keys: a Dask worker loads them with its first batch."""
    return digest_articles(articles, summariser, options)


def digest_in_batches(articles: list[Article], summariser: str, options: SummaryOptions) -> list[ArticleDigest]:
    """Digests of `articles` in their order, computed as DIGEST_BATCH-article tasks, progress shown as each batch
    finishes."""
    batches = [articles[start : start + DIGEST_BATCH] for start in range(0, len(articles), DIGEST_BATCH)]
    results: list[list[ArticleDigest]] = [[] for _ in batches]
    with StageProgress(len(articles), "summarise + facts", "summarised") as progress:
        for index, digests in _finished_batches(batches, summariser, options):
            results[index] = digests
            progress.advance(len(digests))
    return [digest for batch in results for digest in batch]


def _finished_batches(
    batches: list[list[Article]], summariser: str, options: SummaryOptions
) -> Iterator[tuple[int, list[ArticleDigest]]]:
    """(index, digests) of each batch as it finishes. On Dask every batch is submitted at once and each worker
    takes the next when it is free. On Prefect's thread pool they run one after another in the flow's own thread:
    the models already use every core of this process through torch's threads, and the pool would give each batch
    a thread of its own (1,000 articles peaked at 6.4 GB RSS that way, 1.8 GB in the one thread)."""
    context = FlowRunContext.get()
    if context is None or isinstance(context.task_runner, ThreadPoolTaskRunner):
        for index, batch in enumerate(batches):
            yield index, summarise_and_extract(batch, summariser, options)
        return
    futures = [summarise_and_extract.submit(batch, summariser, options) for batch in batches]
    index_of = {future: index for index, future in enumerate(futures)}
    for future in as_completed(futures):
        yield index_of[future], future.result()


def run_here(task_: Task[..., R], calls: list[dict[str, Any]]) -> list[PrefectFuture[R]]:
    """Run `task_` once per parameter dict, concurrently on a thread pool of this process whatever the flow's task
    runner, and return the futures once all are done (leaving the pool cancels what is unfinished): what reads
    local folders or the open store (ingest) must run where the flow runs, not on a Dask worker of another machine."""
    with ThreadPoolTaskRunner() as here:
        futures = [here.submit(task_, parameters) for parameters in calls]
        for future in futures:
            future.wait()
    return futures


@task(name="group stories", cache_policy=NONE)
def tell_stories(digests: list[ArticleDigest], options: StoryOptions, cutoff: datetime) -> list[Story]:
    return build_stories(digests, options, cutoff)


@task(name="render brief", cache_policy=NONE)
def render(brief: Brief, templates: Path | None) -> dict[str, str]:
    return render_all(brief, templates)


@task(name="write brief files", cache_policy=NONE)
def write(rendered: dict[str, str], folder: Path) -> list[Path]:
    return write_files(rendered, folder)


def _may_succeed_later(task_: object, task_run: object, state: State) -> bool:
    """Retry a send the server may take later (down, slow, a 4xx answer), not a refused login or recipient."""
    error = _raised(state)
    return isinstance(error, DeliveryError) and error.transient


@task(name="email brief", cache_policy=NONE, retry_condition_fn=_may_succeed_later)
def email(settings: Config, brief: Brief, rendered: dict[str, str], files: list[Path], resend: bool) -> Delivery:
    """Email the brief once (retries and backoff from `[email]`, set by the flow); every attempt consults the
    store's delivery ledger, so a retry after a send that went through sends nothing."""
    return deliver_brief(settings, brief, rendered, files, resend=resend)


def gather_sources(
    config: Config, day: date, cache: ResponseCache | None = None, refresh: bool = False
) -> tuple[list[Article], list[Skipped]]:
    """Fetch every source concurrently (conditionally where `cache` kept a response); a source that still fails
    after its retries becomes a Skipped entry. A source fetched for the same day within INGEST_CACHE_EXPIRY is
    taken from Prefect's task cache (a re-run after a late failure fetches nothing again) unless `refresh`."""
    fetch = ingest.with_options(refresh_cache=True) if refresh else ingest
    calls = [{"source": s, "day": day.isoformat(), "options": config.ingest, "cache": cache} for s in config.sources]
    futures = list(zip(config.sources, run_here(fetch, calls), strict=True))
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for source, future in futures:  # all finished: run_here waits for them
        if future.state.is_completed():
            found, lost = future.result()
            if not found and not lost:  # an empty folder or feed: listed, so the reader knows it gave nothing
                lost = [Skipped(source=source, reason="no article in it", url=_url_of(source))]
            articles.extend(found)
            skipped.extend(lost)
            if not found:
                log.warning("source %s gave no article: %s", source, "; ".join(dict.fromkeys(s.reason for s in lost)))
        else:
            error = future.state.result(raise_on_failure=False)
            log.warning("source %s could not be read: %s", source, error)
            skipped.append(Skipped(source=source, reason=f"could not be read: {error}", url=_url_of(source)))
    unique, duplicates = dedupe(articles)
    return unique, skipped + duplicates


def open_and_read(
    settings: Config, brief_date: date, rebuild: bool, refresh: bool = False
) -> tuple[Store, list[Article], list[Skipped]]:
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
        articles, skipped = gather_sources(settings, brief_date, responses, refresh)
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


def _scheduled_for() -> datetime | None:
    """The time a deployment's run was scheduled for (None for a direct call, whose clock is now)."""
    context = FlowRunContext.get()
    run = context.flow_run if context else None
    if run is None or run.deployment_id is None or run.expected_start_time is None:
        return None
    return run.expected_start_time


def _in_a_run(record: logging.LogRecord) -> bool:
    try:
        get_run_context()
    except MissingContextError:
        return False
    return True


def _send_logs_to_prefect() -> None:
    """newsbrief's own log lines (sources skipped, counts, files written) in the flow run's logs in the Prefect UI,
    beside Prefect's. Idempotent: the `newsbrief` logger gets one API handler, passing only records logged inside a
    run (outside one Prefect has nowhere to file them and would warn)."""
    logger = logging.getLogger("newsbrief")
    if any(isinstance(handler, APILogHandler) for handler in logger.handlers):
        return
    handler = APILogHandler()
    handler.addFilter(_in_a_run)
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


def _publish_artifacts(brief_date: date, markdown: str, skipped: list[Skipped]) -> None:
    """The brief as a Markdown artifact (key `daily-brief`, one per day in the UI's history) and the skipped sources
    as a table, so an operator sees what was briefed and what was left out without opening a file."""
    create_markdown_artifact(markdown=markdown, key="daily-brief", description=f"The brief for {brief_date}")
    if skipped:
        rows = [{"source": s.source, "url": s.url or "", "title": s.title or "", "reason": s.reason} for s in skipped]
        create_table_artifact(table=rows, key="skipped-sources", description=f"Left out of the brief for {brief_date}")


def _report_failure(flow_: object, flow_run: FlowRun, state: State) -> None:
    """The flow's on_failure hook: one log line naming the run and why, and a mail to `[email] notify_failures`
    when the config lists operators. A hook never raises: the run has failed already, and a notice that cannot be
    sent (often for the same reason: the mail server) is itself one log line."""
    problem = " ".join(str(state.message or "failed").split())
    log.error("run %s failed: %s", flow_run.name, problem)
    parameters = flow_run.parameters
    try:
        settings = load_config(parameters.get("config"), timezone=parameters.get("timezone"))
        if settings.email.notify_failures:
            scheduled = flow_run.expected_start_time
            when = settings.date or (f"scheduled {scheduled:%Y-%m-%d %H:%M %Z}" if scheduled else "today")
            body = f"The daily brief run {flow_run.name} ({when}) failed:\n\n{problem}\n\nFlow run id: {flow_run.id}\n"
            notify_failure(settings, f"newsbrief: the brief run {flow_run.name} ({when}) failed", body)
            log.info("told %s that the run failed", ", ".join(settings.email.notify_failures))
    except RunError as error:  # ConfigError and DeliveryError too
        log.error("could not tell the operators that the run failed: %s", error)


@flow(name="daily-brief", timeout_seconds=FLOW_TIMEOUT_SECONDS, on_failure=[_report_failure])
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
    timezone: str | None = None,
    refresh: bool = False,
    resend: bool = False,
) -> BriefRun:
    """Ingest (a source unchanged since it was last fetched is read from the store: conditional GET), keep the
    articles of the day's window, summarise and extract facts (articles the store already digested are not redone),
    group stories (the same digests are not regrouped), mark each new or developing, render, remember and deliver.

    `rebuild` recomputes the day from the articles the store kept for it, reading no source; `refresh` fetches every
    source again even if Prefect's task cache holds it; `now` (ISO) is the clock, for tests and replays (default:
    the machine's clock, read once). `timezone` overrides the config's: a deployment passes its schedule's zone,
    so the schedule and the brief's date follow one zone. A scheduled run briefs the day it was scheduled for,
    even when a worker picks it up late."""
    _send_logs_to_prefect()
    settings = load_config(
        config,
        sources=sources or None,
        out=Path(out) if out else None,
        summariser=summariser,
        date=day,
        window=window,
        timezone=timezone,
    )
    zone = time_zone(settings.timezone)
    clock = datetime.fromisoformat(now) if now else datetime.now(UTC)
    scheduled = None if now else _scheduled_for()
    brief_date = parse_day(settings.date) if settings.date else (scheduled or clock).astimezone(zone).date()
    length = parse_duration(settings.window) if settings.window else None
    start = parse_since(since, zone) if since else None
    store, articles, skipped = open_and_read(settings, brief_date, rebuild, refresh)
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
            lambda batch: digest_in_batches(batch, settings.summariser, settings.summary) if batch else [],
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
        _publish_artifacts(brief_date, rendered["brief.md"], skipped)
        store.save_brief(brief_date, span, folder, stories, brief.generated_at, clock)
    finally:
        store.close()
    log.info("wrote %s", ", ".join(str(f) for f in files))
    if settings.email.enabled:  # sent once per brief and recipients (the store's ledger); `resend` sends it again
        retrying = email.with_options(
            retries=settings.email.retries, retry_delay_seconds=exponential_backoff(settings.email.retry_delay)
        )
        log.info(retrying(settings, brief, rendered, files, resend).describe())
    return BriefRun(brief=brief, files=files)
