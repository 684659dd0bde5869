"""Progress of a long stage (summarise + extract facts: 1,000 articles take minutes): a rich bar on a terminal, a
log line every LOG_EVERY_S seconds elsewhere (cron, CI, a Prefect worker's log), e.g. "summarised 300/1000
articles, 4.1/s".

Counted in the flow's process as batches finish, wherever they ran (a thread here or a Dask worker), so it reads
the same on every task runner; it moves a batch at a time.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

# Often enough that whoever reads the log sees the run move, seldom enough that the count moves between lines:
# a batch of 32 articles takes about 20 s on one core here, so with two workers one finishes about every 10 s, and a
# 1,000-article run (about 7 minutes here) logs some 40 lines rather than hundreds.
LOG_EVERY_S = 10.0
log = logging.getLogger("newsbrief.progress")

_display: Progress | None = None  # the run's live display while `run_display` shows it


def counts(done: int, total: int, seconds: float, unit: str = "articles") -> str:
    """`300/1000 articles, 4.1/s`: the one wording of the log line and the bar."""
    rate = done / seconds if seconds > 0 else 0.0
    return f"{done}/{total} {unit}, {rate:.1f}/s"


class _Counts(ProgressColumn):
    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text()
        return Text(counts(int(task.completed), int(task.total), task.elapsed or 0.0, task.fields["unit"]))


class _Bar(BarColumn):
    """A bar for a counted stage; nothing on the run's own spinner line, which has no total."""

    def render(self, task: Task) -> Text | object:
        return super().render(task) if task.total is not None else Text()


def _new_display() -> Progress:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), _Bar(bar_width=20), _Counts(), TimeElapsedColumn())
    return Progress(*columns, console=Console(stderr=True), transient=True)


@contextmanager
def run_display(message: str) -> Iterator[None]:
    """On a terminal, one live display for the whole run: a spinner line with `message`, to which a long stage adds
    its bar (rich draws one live display per console, so a stage joins this one rather than opening its own).
    Elsewhere nothing: the log lines tell the story."""
    global _display
    if not sys.stderr.isatty():
        yield
        return
    display = _new_display()
    display.add_task(message, total=None, unit="")
    with display:
        _display = display
        try:
            yield
        finally:
            _display = None


class StageProgress:
    """`done / total` of one stage, advanced by the caller as work finishes: a bar in the run's display (or a display
    of its own on a terminal), else a log line every LOG_EVERY_S seconds from a timer thread, so a stage whose
    batches are slow still says it is alive."""

    def __init__(self, total: int, description: str, verb: str, unit: str = "articles") -> None:
        self.total, self.description, self.verb, self.unit = total, description, verb, unit
        self.done = 0
        self.started = time.monotonic()
        self._display: Progress | None = None
        self._own_display = False
        self._task_id = None
        self._stop = threading.Event()

    def __enter__(self) -> StageProgress:
        self.started = time.monotonic()
        self._display = _display
        if self._display is None and sys.stderr.isatty():
            self._display, self._own_display = _new_display(), True
            self._display.start()
        if self._display is not None:
            self._task_id = self._display.add_task(self.description, total=self.total, unit=self.unit)
        else:  # the thread logs in this run's context, so Prefect files the lines with the flow run's logs
            run_in_context = contextvars.copy_context().run
            threading.Thread(target=run_in_context, args=(self._log_lines,), daemon=True, name="progress").start()
        return self

    def advance(self, count: int) -> None:
        self.done += count
        if self._display is not None:
            self._display.update(self._task_id, advance=count)

    def line(self) -> str:
        return f"{self.verb} {counts(self.done, self.total, time.monotonic() - self.started, self.unit)}"

    def _log_lines(self) -> None:
        while not self._stop.wait(LOG_EVERY_S):
            log.info("%s", self.line())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._display is not None:
            self._display.remove_task(self._task_id)
            if self._own_display:
                self._display.stop()
