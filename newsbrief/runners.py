"""Where the flow's tasks run: Prefect's default thread pool in this process, or Dask workers (`task_runner =
"dask"`): a local cluster started for the run, or a real one at `dask_address` (`dask scheduler` + `dask worker`).

Only summarise + extract (the model work, in batches) gains from Dask; each Dask worker is a process that loads the
models once (about 1 GB each here), so a local cluster's size is a memory decision as much as a CPU one.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsbrief.errors import RunError, UsageError

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

TASK_RUNNERS = ("threads", "dask")
DEFAULT_DASK_WORKERS = 2  # the development machine's 2 cores, one single-threaded worker each
# A scheduler on the same network answers in milliseconds; 5 s covers a slow link or a TLS handshake and keeps a
# wrong address a quick error (distributed's own default waits 30 s, retrying).
CONNECT_TIMEOUT_S = 5.0
# What a local cluster's worker processes see unless this environment says otherwise: the models are installed,
# never fetched, and the tokenizers' own thread pool would fight the single-threaded workers.
WORKER_ENV = {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
log = logging.getLogger("newsbrief.runners")


@dataclass
class RunnerOptions:
    """The `[runner]` table; the `newsbrief run` flags of the same names override it."""

    task_runner: str = "threads"  # "threads" (Prefect's ThreadPoolTaskRunner) or "dask"
    dask_address: str | None = None  # a running scheduler, e.g. "tcp://10.0.0.5:8786" (default: a local cluster)
    dask_workers: int | None = None  # a local cluster's worker processes (default DEFAULT_DASK_WORKERS)


def runner_problem(options: RunnerOptions) -> tuple[str, str] | None:
    """The first setting that cannot be used, as (key, what is wrong with it), or None: an unknown runner, Dask
    settings with the thread runner (they would be silently ignored), a local cluster's size given with a real
    cluster's address, fewer than one worker."""
    if options.task_runner not in TASK_RUNNERS:
        return "task_runner", f"unknown task runner {options.task_runner!r}; expected one of: {', '.join(TASK_RUNNERS)}"
    for key in ("dask_address", "dask_workers"):
        if getattr(options, key) is not None and options.task_runner != "dask":
            return key, f"applies to the dask task runner only (the task runner is {options.task_runner!r})"
    if options.dask_address is not None and options.dask_workers is not None:
        return "dask_workers", "sizes a local cluster; the cluster at the Dask address has its own workers"
    if options.dask_workers is not None and options.dask_workers < 1:
        return "dask_workers", f"{options.dask_workers} workers: expected 1 or more"
    return None


def with_flags(
    options: RunnerOptions, task_runner: str | None, dask_address: str | None, dask_workers: int | None
) -> RunnerOptions:
    """The config's `options` overridden by the `newsbrief run` flags that were given. A flag that picks the thread
    runner, or a real cluster, drops the config's settings that only apply to the other, so a flag always wins;
    flags that contradict each other are a UsageError naming them."""
    merged = options
    if task_runner is not None and task_runner != options.task_runner:
        merged = RunnerOptions(task_runner=task_runner)
    if dask_address is not None:
        merged = RunnerOptions(merged.task_runner, dask_address=dask_address)
    if dask_workers is not None:
        merged = RunnerOptions(merged.task_runner, merged.dask_address, dask_workers)
    problem = runner_problem(merged)
    if problem:
        raise UsageError(f"--{problem[0].replace('_', '-')}: {problem[1]}")
    return merged


def task_runner_for(options: RunnerOptions) -> TaskRunner | None:
    """The flow's task runner for `options` (None: the flow's own default, Prefect's thread pool). A Dask address
    is checked first, so one that nobody answers at is a one-line error within CONNECT_TIMEOUT_S."""
    if options.task_runner == "threads":
        return None
    from prefect_dask import DaskTaskRunner

    # Dask's own INFO lines (every connection, worker and client registered and closed: some 40 a run) would drown
    # the brief's; its warnings and errors still show.
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if options.dask_address:
        check_scheduler(options.dask_address)
        return DaskTaskRunner(address=options.dask_address, client_kwargs={"timeout": CONNECT_TIMEOUT_S})
    workers = options.dask_workers or DEFAULT_DASK_WORKERS
    # One thread per worker: a batch's model work is single-threaded there (Dask's nanny sets OMP_NUM_THREADS=1),
    # so workers x 1 thread fills that many cores without oversubscribing them.
    cluster = {"n_workers": workers, "threads_per_worker": 1, "processes": True, "env": _worker_env()}
    return DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs=cluster)


@contextmanager
def prefect_api_for_workers(options: RunnerOptions) -> Iterator[None]:
    """A Prefect API the Dask workers share with the flow. Workers are other processes: with no PREFECT_API_URL
    each would start a temporary Prefect server of its own (seconds and a server process each, and the batches'
    task runs filed in a throwaway database). For a local cluster, Prefect's temporary server is started here and
    its URL set for the run (settings travel with each task to the workers). Workers on other machines cannot reach
    a server on this one's loopback: they need PREFECT_API_URL set to one they can (see the README)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if options.task_runner != "dask" or PREFECT_API_URL.value():
        yield
        return
    if options.dask_address:
        log.warning(
            "PREFECT_API_URL is not set: each Dask worker at %s files its task runs with a temporary Prefect server of "
            "its own; set PREFECT_API_URL to a server the workers can reach to see them in this run",
            options.dask_address,
        )
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # Prefect's own temporary server: the one the flow would have started
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


def check_scheduler(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Raise UsageError for an address Dask cannot parse, RunError when nothing answers there as a Dask scheduler
    within `timeout`. A bare connection and handshake: a full Client would retry for its own timeout and print
    tracebacks from its finaliser when the connection never came up."""
    from distributed.comm import connect

    async def handshake() -> None:
        comm = await connect(address, timeout=timeout)
        await comm.close()

    try:
        asyncio.run(handshake())
    except ValueError as error:  # an unknown scheme, no port
        raise UsageError(f"cannot use the Dask address {address!r}: {error}") from error
    except OSError as error:
        raise RunError(
            f"no Dask scheduler answers at {address} within {timeout:g} s; start one with `dask scheduler` "
            "or leave dask_address unset for a local cluster"
        ) from error
    except Exception as error:  # something answered, but not in Dask's protocol (e.g. an HTTP server)
        raise RunError(f"{address} answered, but not as a Dask scheduler ({type(error).__name__})") from error


def _worker_env() -> dict[str, str]:
    return {name: os.environ.get(name, value) for name, value in WORKER_ENV.items()}
