"""The `newsbrief` command: run the daily flow, serve it on a schedule, and batch commands for evaluation."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from newsbrief.errors import RunError, UsageError

if TYPE_CHECKING:
    from newsbrief.records import Article

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")  # slow, busy machines
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # the models' "Loading weights" bars would fill the logs
log = logging.getLogger("newsbrief.cli")

app = typer.Typer(
    help="newsbrief turns the day's news into a daily brief in which every sentence and fact is traceable to its "
    "source. Offline by default.",
    no_args_is_help=True,
    add_completion=False,
)

ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="A newsbrief.toml file.")]
SourcesOption = Annotated[
    list[str] | None, typer.Option("--sources", "-s", help="Feed/page URL, file or folder; repeat for more.")
]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Folder for briefs/<date>/ (default: briefs).")]
DateOption = Annotated[str | None, typer.Option("--date", help="The brief's date, YYYY-MM-DD (default: today).")]
SummariserOption = Annotated[
    str | None, typer.Option("--summariser", help="Summariser by name (see `newsbrief models`).")
]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging, and tracebacks of errors.")]


def _setup_logging(verbose: bool) -> None:
    """Rich log lines on a terminal, plain ones otherwise (files, CI, cron)."""
    level = logging.DEBUG if verbose else logging.INFO
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(show_path=False, markup=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("newsbrief")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    if not verbose:
        handler.addFilter(_OneLine())


class _OneLine(logging.Filter):
    """A logged exception as one line, its type and message appended, with no traceback: a skipped page or a
    retried fetch is an expected event of a daily run, and `--verbose` brings the tracebacks back."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            message = record.getMessage()
            if str(error) not in message:
                message += f" ({type(error).__name__}: {error})"
            record.msg, record.args = message, ()
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def _quiet_prefect_tracebacks() -> None:
    """Prefect logs each failed task attempt and a failed flow with a traceback, through the root logger's
    handlers; without `--verbose` those become one line each."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _OneLine) for f in handler.filters):
            handler.addFilter(_OneLine())


@contextmanager
def _reported_errors(verbose: bool) -> Iterator[None]:
    """Failures as one line on stderr: exit status 2 for a bad argument or setting, 1 for a run that failed.
    An unexpected error is one line too, unless `--verbose` asks for its traceback."""
    try:
        yield
    except typer.Exit:
        raise
    except UsageError as error:  # WindowError and ConfigError too
        _fail(str(error), UsageError.exit_code, error)
    except RunError as error:  # StoreError and NothingToBrief too
        _fail(str(error), RunError.exit_code, error)
    except Exception as error:
        if verbose:
            raise
        _fail(f"{type(error).__name__}: {error} (--verbose shows the traceback)", RunError.exit_code, error)


def _fail(message: str, code: int, error: Exception) -> NoReturn:
    typer.secho("error: " + " ".join(message.split()), fg=typer.colors.RED, err=True)
    raise typer.Exit(code=code) from error


def _api_problem() -> Exception | None:
    """Why the configured Prefect API does not answer its health check, or None when it does."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.api_healthcheck()


@contextmanager
def _prefect_api_or_local() -> Iterator[None]:
    """The configured Prefect API, or, when it cannot be reached, Prefect's own local (ephemeral) mode: a brief
    written without the server's run history beats no brief at all."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value()
    problem = _api_problem() if url else None
    if problem is None:
        yield
        return
    log.warning("the Prefect API at %s cannot be reached (%s); running the flow locally", url, problem)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        yield


def _exit_on_signal(signum: int, frame: object) -> None:
    """SIGTERM, SIGINT or SIGHUP as a normal exit (status 143, 130 or 129), said in one line: Python's default for
    SIGTERM kills at once, skipping the exit handlers that stop Prefect's temporary API server, which then outlived
    the run; its KeyboardInterrupt for SIGINT may land in any of Prefect's threads and leave the run going."""
    typer.secho(f"error: stopped by {signal.Signals(signum).name}", fg=typer.colors.RED, err=True)
    raise SystemExit(128 + signum)


@app.command()
def run(
    config: ConfigOption = None,
    sources: SourcesOption = None,
    out: OutOption = None,
    date: DateOption = None,
    summariser: SummariserOption = None,
    since: Annotated[
        str | None, typer.Option(help="Cover articles published since this ISO date-time (in the configured zone).")
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(help="Cover this long before the end of the day, e.g. 36h (default: since the last brief or 24h)"),
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Recompute the day from the articles the store kept for it.")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Fetch every source again, even one fetched for this day lately.")
    ] = False,
    resend: Annotated[
        bool, typer.Option("--resend", help="Email the brief even if it was already sent to these recipients.")
    ] = False,
    task_runner: Annotated[
        str | None, typer.Option(help="Where summarise + extract run: threads (default) or dask (config: runner).")
    ] = None,
    dask_address: Annotated[
        str | None, typer.Option(help="A running Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster).")
    ] = None,
    dask_workers: Annotated[
        int | None, typer.Option(help="Worker processes of the local Dask cluster (default 2); each loads the models.")
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Build today's brief with the Prefect flow and write brief.md, brief.html and brief.json.

    Every argument and the whole config are checked before anything runs."""
    _setup_logging(verbose)
    for stop in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(stop, _exit_on_signal)
    with _reported_errors(verbose):
        from newsbrief.config import load_config
        from newsbrief.window import parse_since, time_zone

        settings = load_config(
            config, sources=sources or None, out=out, summariser=summariser, date=date, window=window
        )
        if since:
            parse_since(since, time_zone(settings.timezone))
        from flows.daily_brief import daily_brief
        from newsbrief.progress import run_display
        from newsbrief.runners import prefect_api_for_workers, task_runner_for, with_flags

        runner_options = with_flags(settings.runner, task_runner, dask_address, dask_workers)
        runner = task_runner_for(runner_options)
        brief_flow = daily_brief.with_options(task_runner=runner) if runner else daily_brief
        if not verbose:
            _quiet_prefect_tracebacks()
        with run_display("Building the brief"), _prefect_api_or_local(), prefect_api_for_workers(runner_options):
            result = brief_flow(
                config=str(config) if config else None,
                sources=sources,
                out=str(out) if out else None,
                day=date,
                summariser=summariser,
                since=since,
                window=window,
                rebuild=rebuild,
                refresh=refresh,
                resend=resend,
            )
    brief = result.brief
    counts = (
        _plural(len(brief.articles), "article"),
        _plural(len(brief.stories), "story", "stories"),
        _plural(len(brief.sources), "outlet"),
    )
    older = sum(s.reason.startswith("older than") for s in brief.skipped)
    aged = f" ({older} older than the window)" if older else ""
    typer.echo(f"{counts[0]} in {counts[1]} from {counts[2]}, {len(brief.skipped)} skipped{aged}")
    for path in result.files:
        typer.echo(str(path))


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


StoreOption = Annotated[
    Path | None, typer.Option("--store", help="The store file (default: the config's, else briefs/newsbrief.db).")
]


def _store_path(config: Path | None, store: Path | None) -> Path:
    from newsbrief.config import load_config

    return store or load_config(config).store_path


store_app = typer.Typer(help="Inspect the store that remembers earlier briefs.", no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("check")
def store_check(config: ConfigOption = None, store: StoreOption = None, verbose: VerboseOption = False) -> None:
    """Say whether the store can be read and what is wrong with it; exit code 1 when something is."""
    from newsbrief.store import open_store

    with _reported_errors(verbose):
        path = _store_path(config, store)
        opened = open_store(path, create=False)
    try:
        problems = opened.check()
        counts = opened.counts() if not problems else {}
    finally:
        opened.close()
    for problem in problems:
        typer.secho(f"problem: {problem}", fg=typer.colors.RED, err=True)
    if problems:
        raise typer.Exit(code=1)
    typer.echo(f"{path}: ok · " + " · ".join(f"{count} {table}" for table, count in counts.items()))


@app.command()
def history(
    term: Annotated[str, typer.Argument(help="Words to look for in the stories of earlier briefs.")],
    config: ConfigOption = None,
    store: StoreOption = None,
    limit: Annotated[int, typer.Option(help="At most this many stories.")] = 50,
    verbose: VerboseOption = False,
) -> None:
    """List the earlier briefs' stories that mention TERM, newest first, with links to their brief files."""
    from newsbrief.store import open_store

    with _reported_errors(verbose):
        opened = open_store(_store_path(config, store), create=False)
    try:
        hits = opened.history(term, limit)
    finally:
        opened.close()
    if not hits:
        typer.echo(f"no story in the store mentions {term!r}")
    for hit in hits:
        typer.echo(f"{hit.day}  [{hit.status}]  {hit.headline}")
        typer.echo(f"    {Path(hit.folder) / 'brief.html'}#{hit.id}  ·  {Path(hit.folder) / 'brief.md'}")


@app.command()
def serve(
    config: ConfigOption = None,
    name: Annotated[
        str | None,
        typer.Option(
            help="The deployment's name, daily-brief/NAME (default: the config file's name, e.g. desk.toml: desk)."
        ),
    ] = None,
    schedule: Annotated[
        str | None, typer.Option(help="Cron, e.g. '0 7 * * *' for 07:00 daily (default: the config's `schedule`).")
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(help="Zone of the schedule and of the brief's date (default: the config's `timezone`)."),
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Serve the flow on a schedule from this process: a deployment daily-brief/NAME on the running Prefect server
    (`prefect server start`), whose scheduler fires the runs. Everything is checked first (config, cron, zone,
    server, name), so a mistake shows now rather than at the first scheduled run."""
    _setup_logging(verbose)
    with _reported_errors(verbose):
        from prefect.schedules import Cron

        from flows.daily_brief import daily_brief
        from newsbrief.config import load_config
        from newsbrief.runners import task_runner_for

        settings = load_config(config, schedule=schedule, timezone=timezone)
        name = name or (config.stem if config else "default")
        if not name.strip() or "/" in name:
            raise UsageError(f"--name {name!r}: expected a name without '/', e.g. desk")
        url = _require_prefect_server()
        parameters = {"config": str(config.resolve()) if config else None, "timezone": settings.timezone}
        _check_deployment_name(name, parameters)
        runner = task_runner_for(settings.runner)  # the config's [runner]: a Dask address is checked now
    zone_from = "--timezone" if timezone else f"`timezone` in {config}" if config else "the default"
    typer.echo(
        f"serving daily-brief/{name} on {url}: {settings.schedule!r} in {settings.timezone} ({zone_from}); the "
        "brief's date is read in the same zone. Ctrl-C stops it and pauses the schedule."
    )
    served = daily_brief.with_options(task_runner=runner) if runner else daily_brief
    served.serve(name=name, schedules=[Cron(settings.schedule, timezone=settings.timezone)], parameters=parameters)


def _require_prefect_server() -> str:
    """The configured Prefect API's URL, after a health check: a schedule fires only on a real server's scheduler
    (Prefect's temporary local server has none), so without one `serve` would wait forever for nothing."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        raise RunError(
            "serving needs a running Prefect server, whose scheduler fires the runs: start one with `prefect server "
            "start` and point at it with `prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api`"
        )
    problem = _api_problem()
    if problem:
        raise RunError(
            f"the Prefect server at {url} cannot be reached ({problem}): start it with `prefect server start`"
        )
    return url


def _check_deployment_name(name: str, parameters: dict[str, str | None]) -> None:
    """Refuse to take over a deployment that serves another config (`serve` would silently replace its schedule) or
    that another process serves now (stopping either would pause the schedule both share)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import DeploymentStatus
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            existing = client.read_deployment_by_name(f"daily-brief/{name}")
        except ObjectNotFound:
            return
    theirs = existing.parameters.get("config")
    if existing.status == DeploymentStatus.READY and not existing.paused:
        polled = f"{existing.last_polled:%H:%M:%S %Z}" if existing.last_polled else "lately"
        raise UsageError(
            f"the deployment daily-brief/{name} is being served already (polled at {polled}): stop that `newsbrief "
            "serve` or worker first (a stopped one is let go within a minute), or give this one its own --name"
        )
    if theirs != parameters["config"]:
        raise UsageError(
            f"the deployment daily-brief/{name} runs the config {theirs or '(none: the defaults)'}; give this one "
            f"its own --name, or free the name with `prefect deployment delete 'daily-brief/{name}'`"
        )


def _read_rows(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                row = json.loads(line)
                if "text" not in row and "docs" not in row:
                    raise typer.BadParameter(f"{path}:{number}: a row needs a 'text' or a 'docs' field")
                yield row


def _article(row: dict, index: int | str, id_key: str = "id") -> Article:
    """One JSONL row as an Article: the text exactly as given, so offsets match the input; `published` (ISO date or
    datetime) is what relative dates resolve against."""
    from newsbrief.ingest.build import parse_datetime
    from newsbrief.records import Article

    return Article(
        id=str(row.get(id_key, index)),
        url=row.get("url"),
        source=row.get("source") or "",
        title=row.get("title") or "",
        text=row["text"],
        published=parse_datetime(row.get("published")),
    )


def _batches(path: Path, size: int) -> Iterator[list[Article]]:
    """Article rows in batches (story rows, with `docs`, are left to `_story_batches`)."""
    batch = []
    for index, row in enumerate(_read_rows(path)):
        if "docs" in row:
            continue
        batch.append(_article(row, index))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _story_batches(path: Path, size: int) -> Iterator[list[tuple[str, list[Article]]]]:
    """Story rows {id, docs: [{doc_id, text, title?, published?, source?}]} as (id, Articles), in batches."""
    batch = []
    for index, row in enumerate(_read_rows(path)):
        if "docs" not in row:
            continue
        batch.append((str(row.get("id", index)), [_article(doc, n, "doc_id") for n, doc in enumerate(row["docs"])]))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


InPath = Annotated[Path, typer.Argument(help="JSONL rows {id, text, title?, published?}.", exists=True, dir_okay=False)]
OutPath = Annotated[Path, typer.Option("--output", "-o", help="JSONL file to write.")]
BatchOption = Annotated[int, typer.Option(help="Articles per model batch.")]


@app.command()
def summarize(
    input: InPath,
    output: OutPath,
    method: Annotated[str, typer.Option(help="Summariser name.")] = "centrality",
    sentences: Annotated[int, typer.Option(help="Maximum sentences per summary.")] = 3,
    min_sentences: Annotated[int, typer.Option(help="Minimum sentences per summary.")] = 1,
    words: Annotated[int | None, typer.Option(help="Word budget per summary.")] = None,
    model: Annotated[str | None, typer.Option(help="Model id, path or registry name (abstractive).")] = None,
    batch: BatchOption = 64,
) -> None:
    """Summarise JSONL articles; writes rows {id, summary: \\[sentences], spans: \\[\\[start, end], ...]}.

    A row {id, docs: [{doc_id, text, title?, published?, source?}]} is a story: it gets one story summary
    (`--words`, default 100) with spans \\[\\[doc_id, start, end], ...] and method "multidoc"."""
    _setup_logging(False)
    from newsbrief.summarise import SummaryOptions, get_summariser

    summariser = get_summariser(
        method, SummaryOptions(sentences=sentences, min_sentences=min_sentences, words=words, model=model)
    )
    with output.open("w", encoding="utf-8") as out:
        for articles in _batches(input, batch):
            for summary in summariser.summarise(articles):
                row = {
                    "id": summary.article_id,
                    "summary": [s.text for s in summary.sentences],
                    "spans": [[s.start, s.end] for s in summary.sentences],
                    "method": summary.method,
                }
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        from newsbrief.summarise.multidoc import StorySummaryOptions, summarise_stories

        story_options = StorySummaryOptions(words=words) if words else StorySummaryOptions()
        for stories in _story_batches(input, batch):
            summaries = summarise_stories([articles for _, articles in stories], story_options)
            for (story_id, _), story in zip(stories, summaries, strict=True):
                row = {
                    "id": story_id,
                    "summary": [s.text for s in story],
                    "spans": [[s.article_id, s.start, s.end] for s in story],
                    "method": "multidoc",
                }
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


@app.command()
def facts(input: InPath, output: OutPath, batch: BatchOption = 64) -> None:
    """Extract key facts from JSONL articles; writes rows {id, entities, quotes, dates, numbers, events}."""
    _setup_logging(False)
    from newsbrief.facts import extract_facts
    from newsbrief.records import to_jsonable

    with output.open("w", encoding="utf-8") as out:
        for articles in _batches(input, batch):
            for found in extract_facts(articles):
                row = to_jsonable(found)
                row["id"] = row.pop("article_id")
                row["entities"] = [
                    {"text": m.text, "label": m.label or e.label, "start": m.start, "end": m.end, "name": e.name}
                    for e in found.entities
                    for m in e.mentions
                ]
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


@app.command()
def cluster(input: InPath, output: OutPath) -> None:
    """Group JSONL articles {id, text, title?, published? (ISO date or datetime)} into stories; writes {id, story}."""
    _setup_logging(False)
    from newsbrief.stories.grouping import group_articles

    articles = [_article(row, index) for index, row in enumerate(_read_rows(input))]
    with output.open("w", encoding="utf-8") as out:
        for story, members in enumerate(group_articles(articles)):
            out.writelines(json.dumps({"id": articles[i].id, "story": story}) + "\n" for i in members)


@app.command()
def models() -> None:
    """List the summarisers that can be chosen by name, and the abstractive models the registry knows."""
    from newsbrief.models import load_registry, resolve
    from newsbrief.summarise import available

    typer.echo("summarisers: " + ", ".join(available()))
    registry = load_registry()
    typer.echo("abstractive models (--summariser abstractive, [summary] model = NAME):")
    for name in registry.models:
        found = resolve(name, registry)
        where = f"local copy in {found.location}" if found.local else f"hub id {found.location} (needs a download)"
        default = " [default]" if name == registry.default else ""
        typer.echo(f"  {name}{default}: {where}")


def main() -> None:
    """The `newsbrief` command: usage errors caught by the parser (an unknown option, a missing argument) are one
    line and exit status 2, like every other mistake. `run` runs in a child process that dies with this one, so
    that a killed run leaves no stray processes (newsbrief.supervisor)."""
    from typer.exceptions import TyperException

    from newsbrief.supervisor import needs_supervisor, run_supervised

    if needs_supervisor(sys.argv[1:]):
        sys.exit(run_supervised(sys.argv[1:]))

    try:
        code = app(standalone_mode=False, prog_name="newsbrief")  # not `python -m newsbrief.cli` in a child
    except TyperException as error:  # the parser's errors (typer's own copy of click's)
        message = error.format_message() if hasattr(error, "format_message") else str(error)
        if message:  # an empty one follows the help shown for a group given no command
            typer.echo(f"error: {message}", err=True)
        code = getattr(error, "exit_code", 2)
    except typer.Abort:
        typer.echo("error: aborted", err=True)
        code = 1
    sys.exit(code or 0)


if __name__ == "__main__":
    main()
