"""Run configuration: `newsbrief.toml`, with CLI flags layered on top.

Every field has a default that works offline on the bundled seeds, so a config file is optional.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from newsbrief.ingest import IngestOptions
from newsbrief.stories import StoryOptions, Watchlist
from newsbrief.summarise import SummaryOptions


@dataclass
class EmailConfig:
    """SMTP delivery of the brief; off unless `enabled` and recipients are set. The password is read from the
    environment variable named by `password_env`, never stored in the config file."""

    enabled: bool = False
    host: str = "localhost"
    port: int = 25
    sender: str = "newsbrief@localhost"
    recipients: list[str] = field(default_factory=list)
    subject: str = "Daily brief {date}"
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password_env: str | None = None
    timeout: float = 30.0

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env) if self.password_env else None


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


_SECTIONS = {"summary": SummaryOptions, "ingest": IngestOptions, "email": EmailConfig}


def load_config(path: str | Path | None = None, **overrides: Any) -> Config:
    """Read `path` (if given) and apply non-None `overrides` (the CLI flags) on top."""
    values: dict[str, Any] = {}
    if path is not None:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
        values = _from_toml(raw, Path(path).resolve().parent)
    config = Config(**values)
    return replace(config, **{k: v for k, v in overrides.items() if v is not None})


def _from_toml(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    known = {f.name for f in fields(Config)}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"unknown setting(s) in config: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _SECTIONS:
            values[key] = _section(_SECTIONS[key], value, key)
        elif key in ("out", "templates", "store"):
            values[key] = _relative_to(base, value)
        elif key == "sources":
            values[key] = [_source_relative_to(base, s) for s in value]
        elif key == "watch":
            values[key] = [_section(Watchlist, entry, "[watch]") for entry in value]
        else:
            values[key] = value
    return values


def _section(cls: type, value: dict[str, Any], name: str) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = set(value) - known
    if unknown:
        raise ValueError(f"unknown setting(s) in [{name}]: {', '.join(sorted(unknown))}")
    return cls(**value)


def _relative_to(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _source_relative_to(base: Path, source: str) -> str:
    """Local paths in a config file are relative to the file; URLs pass through."""
    if "://" in source:
        return source
    return str(_relative_to(base, source))
