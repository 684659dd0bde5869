"""Run configuration: `newsbrief.toml`, with CLI flags layered on top.

Every field has a default that works offline on the bundled seeds, so a config file is optional.
A config is checked in full before anything runs: every key against the dataclasses below (unknown keys get the
nearest valid name), every value's type strictly (`top_entities = "8"` is an error, not 8), then what a type cannot
say (time zone, window, date, summariser, output folder). Each problem is one line naming the file, the key, the
value and what is expected. No data was involved: there is nothing here to fit.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from datetime import date
from email.utils import parseaddr
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from newsbrief.errors import ConfigError
from newsbrief.ingest import IngestOptions
from newsbrief.runners import RunnerOptions, runner_problem
from newsbrief.stories import StoryOptions, Watchlist
from newsbrief.summarise import SummaryOptions
from newsbrief.window import WindowError, parse_duration, time_zone


@dataclass
class EmailConfig:
    """SMTP delivery of the brief; off unless `enabled`. A login's password is read at send time from the
    environment variable named by `password_env` or from the Prefect Secret block named by `password_secret`,
    never from the config file. Each brief is sent once to a set of recipients (see `newsbrief.deliver`)."""

    enabled: bool = False
    host: str = "localhost"
    port: int = 25
    sender: str = "newsbrief@localhost"
    recipients: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)  # receive the brief without being named in its headers
    subject: str = "Daily brief {date}"
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password_env: str | None = None
    password_secret: str | None = None
    timeout: float = 30.0
    retries: int = 3  # further attempts after a send that may succeed later (server down, timeout, 4xx answer)
    retry_delay: float = 10.0  # seconds before the first retry, doubled for each next one
    brief_url: str | None = None  # where the full brief is read, e.g. "https://host/briefs/{date}/brief.html"
    notify_failures: list[str] = field(default_factory=list)  # operators told by email when a run fails


@dataclass
class Config:
    sources: list[str] = field(default_factory=lambda: ["seeds/articles"])
    out: Path = Path("briefs")
    timezone: str = "UTC"
    templates: Path | None = None
    summariser: str = "clean-lead"
    summary: SummaryOptions = field(default_factory=lambda: SummaryOptions(sentences=4, min_sentences=2))
    top_entities: int = 8
    max_words: int | None = 2500  # the Markdown brief's budget; stories beyond it are listed by headline only
    glance: int = 8  # stories in the "At a glance" list
    story_words: int = 80  # each story's summary, in words (at most)
    watch: list[Watchlist] = field(default_factory=list)
    date: str | None = None  # the brief's day, YYYY-MM-DD (default: today in `timezone`); --date overrides
    window: str | None = None  # e.g. "36h": the brief covers this much before the end of its day (see window.py)
    store: Path | None = None  # the SQLite store that remembers earlier briefs (default: <out>/newsbrief.db)
    schedule: str = "0 7 * * *"  # cron for `newsbrief serve`, read in `timezone` (which also dates the brief)

    @property
    def store_path(self) -> Path:
        return self.store or self.out / "newsbrief.db"

    @property
    def stories(self) -> StoryOptions:
        options = StoryOptions(watch=self.watch)
        options.summary.words = self.story_words
        return options

    ingest: IngestOptions = field(default_factory=IngestOptions)
    email: EmailConfig = field(default_factory=EmailConfig)
    runner: RunnerOptions = field(default_factory=RunnerOptions)  # where summarise + extract run (newsbrief.runners)


_SECTIONS = {"summary": SummaryOptions, "ingest": IngestOptions, "email": EmailConfig, "runner": RunnerOptions}
_PATHS = ("out", "templates", "store")


def load_config(path: str | Path | None = None, **overrides: Any) -> Config:
    """Read `path` (if given), apply non-None `overrides` (the CLI flags) on top and check the result in full.

    Raises ConfigError (one line: the file, the key, its value and what is expected) before anything runs."""
    values: dict[str, Any] = {}
    where = str(path) if path is not None else "settings"
    if path is not None:
        raw = _read_toml(Path(path))
        _check_types(raw, where)
        try:
            values = _from_toml(raw, Path(path).resolve().parent)
        except ValueError as error:  # a dataclass's own check, e.g. a [[watch]] entry without terms
            raise ConfigError(f"{where}: {error}") from error
    given = {key: value for key, value in overrides.items() if value is not None}
    config = replace(Config(**values), **given)
    _check_values(config, lambda key: f"--{key}" if key in given else where)
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    except OSError as error:
        raise ConfigError(f"cannot read the config file {path}: {error.strerror or error}") from error


def _check_types(raw: dict[str, Any], where: str) -> None:
    """Every key known and every value of its field's type, checked by pydantic against a strict mirror of
    `Config` (so a new field is checked without touching this code); all problems in one line."""
    try:
        _toml_model(Config).model_validate(raw)
    except ValidationError as error:
        problems = dict.fromkeys(_problem(e) for e in error.errors())  # ordered, without repeats
        raise ConfigError(f"{where}: " + "; ".join(problems)) from None


def _problem(error: Any) -> str:
    loc = error["loc"]
    if error["type"] == "extra_forbidden":
        within = _model_at(_toml_model(Config), loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), list(within.model_fields), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(within.model_fields)})"
        return f"{_table_name(loc[:-1])}unknown key {loc[-1]!r}{hint}"
    value = error["input"]
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    if error["type"] == "list_type" and isinstance(value, str | int | float | bool):
        return f"{_key(loc)} = {shown}: expected a list, e.g. {_key(loc)} = [{shown}]"
    return f"{_key(loc)} = {shown}: {error['msg'].replace('Input should be', 'expected')}"


def _key(loc: tuple[Any, ...]) -> str:
    """A location as the TOML reader sees it: `email.port`, `watch[2].terms` (entries counted from 1)."""
    key = ""
    for part in loc:
        key += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if key else str(part)
    return key


def _table_name(loc: tuple[Any, ...]) -> str:
    """`[email] `, `[[watch]] entry 2 `, or nothing for the top level."""
    if not loc:
        return ""
    if isinstance(loc[-1], int):
        return f"[[{_key(loc[:-1])}]] entry {loc[-1] + 1} "
    return f"[{_key(loc)}] "


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    """The table model at `loc` (list positions skipped), where an unknown key was found."""
    for part in loc:
        if isinstance(part, str):
            model = _table_of(model.model_fields[part].annotation)
    return model


def _table_of(hint: Any) -> Any:
    """The model inside a field's type: `X`, `list[X]` or `X | None`."""
    if get_origin(hint) is None and isinstance(hint, type) and issubclass(hint, BaseModel):
        return hint
    return next(filter(None, map(_table_of, get_args(hint))), None)


@cache
def _toml_model(cls: type) -> type[BaseModel]:
    """A strict pydantic model of dataclass `cls` as written in TOML: no unknown keys, no coercion ("8" is not 8)."""
    hints = get_type_hints(cls)
    definitions: dict[str, Any] = {}
    for item in fields(cls):
        required = item.default is MISSING and item.default_factory is MISSING
        definitions[item.name] = (_toml_type(hints[item.name]), ... if required else None)
    return create_model(f"{cls.__name__}InToml", __config__=ConfigDict(strict=True, extra="forbid"), **definitions)


def _toml_type(hint: Any) -> Any:
    """The type a field's value has in TOML: a Path is a string, a dataclass a table."""
    if hint is Path:
        return str
    if is_dataclass(hint):
        return _toml_model(hint)
    arguments = get_args(hint)
    if get_origin(hint) is list:
        return list[_toml_type(arguments[0])]
    if get_origin(hint) in (Union, UnionType):
        return Union[tuple(_toml_type(argument) for argument in arguments)]  # noqa: UP007  (built at run time)
    return hint


def _check_values(config: Config, origin: Callable[[str], str]) -> None:
    """What a type cannot say: the time zone, window, date, summariser and output folder must be usable.
    `origin` names where a key's value came from (the config file or a flag)."""
    from newsbrief.summarise import available

    checks = {"timezone": time_zone, "window": parse_duration, "date": parse_day}
    for key, check in checks.items():
        value = getattr(config, key)
        try:
            if value is not None:
                check(value)
        except WindowError as error:
            raise ConfigError(f"{origin(key)}: {error}") from error
    problem = schedule_problem(config.schedule, config.timezone)
    if problem:
        raise ConfigError(f"{origin('schedule')}: {problem}")
    if config.summariser not in available():
        names = ", ".join(available())
        raise ConfigError(f"{origin('summariser')}: unknown summariser {config.summariser!r}; expected one of: {names}")
    if config.out.exists() and not config.out.is_dir():
        raise ConfigError(f"{origin('out')}: {str(config.out)!r} is a file; expected a folder for the briefs")
    runner = runner_problem(config.runner)
    if runner:
        raise ConfigError(f"{origin('runner')}: runner.{runner[0]}: {runner[1]}")
    problem = _email_problem(config.email)
    if problem:
        raise ConfigError(f"{origin('email')}: {problem}")


def _email_problem(email: EmailConfig) -> str | None:
    """What makes `[email]` unusable, checked before anything runs: a login needs a password source (an empty
    password is never sent), templates must format, addresses must be addresses."""
    has_password = [name for name in ("password_env", "password_secret") if getattr(email, name)]
    if email.username and not has_password:
        return (
            f"email.username = {email.username!r} needs a password: set password_env (an environment variable's "
            "name) or password_secret (a Prefect Secret block's name)"
        )
    if len(has_password) == 2:
        return "email.password_env and email.password_secret are both set: set one"
    if has_password and not email.username:
        return f"email.{has_password[0]} is set but email.username is not: set the login's user name"
    if email.ssl and email.starttls:
        return "email.ssl and email.starttls are both true: use ssl (implicit TLS, port 465) or starttls (587)"
    if email.enabled and not email.recipients + email.bcc:
        return "email.enabled = true but email.recipients and email.bcc are empty: add an address"
    for key in ("sender", "recipients", "bcc", "notify_failures"):
        value = getattr(email, key)
        for address in [value] if isinstance(value, str) else value:
            if "@" not in parseaddr(address)[1]:
                return f"email.{key}: {address!r} is not an email address (expected e.g. 'desk@example.org')"
    for key in ("subject", "brief_url"):
        template = getattr(email, key)
        try:
            filled = template.format(date="2026-01-01") if template else ""
        except (KeyError, IndexError, ValueError):
            return f"email.{key} = {template!r}: the only placeholder it may hold is {{date}}"
        if key == "brief_url" and filled and not filled.startswith(("https://", "http://")):
            return f"email.brief_url = {template!r}: expected an http(s) URL, e.g. 'https://host/briefs/{{date}}/brief.html'"
    if not (0 <= email.retries <= 50 and email.retry_delay >= 0 and email.timeout > 0):  # 50: Prefect's most retries
        return "email.retries must be 0 to 50, email.retry_delay at least 0 and email.timeout above 0"
    return None


def schedule_problem(cron: str, timezone: str) -> str | None:
    """Why `cron` cannot be a schedule in `timezone` (Prefect's own cron check), or None."""
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValueError:
        return (
            f"schedule = {cron!r} is not a valid cron schedule (five fields, minute hour day-of-month month "
            "day-of-week, each in its range; e.g. '0 7 * * *' for 07:00 daily)"
        )
    return None


def parse_day(text: str) -> date:
    """The brief's day, YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise WindowError(f"cannot read the date {text!r}: use YYYY-MM-DD") from error


def _from_toml(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    """Checked TOML values as the dataclasses' fields: tables become options, paths are relative to the file."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _SECTIONS:
            values[key] = _SECTIONS[key](**value)
        elif key in _PATHS:
            values[key] = _relative_to(base, value)
        elif key == "sources":
            values[key] = [_source_relative_to(base, s) for s in value]
        elif key == "watch":
            values[key] = [Watchlist(**entry) for entry in value]
        else:
            values[key] = value
    return values


def _relative_to(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _source_relative_to(base: Path, source: str) -> str:
    """Local paths in a config file are relative to the file; URLs pass through."""
    if "://" in source:
        return source
    return str(_relative_to(base, source))
