"""A killed run leaves no stray processes: `newsbrief run` killed with SIGKILL while Prefect's temporary server
runs takes that server and its own flow process with it (newsbrief.supervisor)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WAIT = 120  # seconds for the temporary server to appear (or the processes to go) on a busy 2-core machine


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.5)


def _start_run(tmp_path: Path) -> tuple[subprocess.Popen, list[psutil.Process]]:
    """`newsbrief run` on the seeds, once Prefect's temporary server is up; with the processes it started."""
    command = [str(BIN / "newsbrief"), "run", "--sources", str(REPO / "seeds" / "articles"), "--out", str(tmp_path)]
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(run.pid)
    family: list[psutil.Process] = []

    def server_started() -> bool:
        family[:] = parent.children(recursive=True)
        return any("uvicorn" in " ".join(p.cmdline()) for p in family if p.is_running())

    try:
        _wait_for(server_started, "Prefect's temporary server")
    except BaseException:
        run.kill()
        raise
    assert len(family) >= 2  # the run's own process and the server it started
    return run, family


def _all_gone(family: list[psutil.Process]) -> bool:
    return not [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_sigkill_of_a_run_leaves_no_process_behind(tmp_path: Path) -> None:
    run, family = _start_run(tmp_path)
    run.send_signal(signal.SIGKILL)
    run.wait()
    _wait_for(lambda: _all_gone(family), "the run's processes to exit")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the process group of the run's child is Linux's setup")
def test_ctrl_c_stops_a_run_at_once_in_one_line(tmp_path: Path) -> None:
    """Ctrl-C reaches the command's process (a terminal signals its foreground group); the run stops with status
    130 and one line, and Prefect's server, not interrupted under it, is stopped by the run's exit."""
    run, family = _start_run(tmp_path)
    run.send_signal(signal.SIGINT)
    try:
        status = run.wait(timeout=WAIT)
    finally:
        run.kill()
    assert status == 130
    said = run.stderr.read()
    assert "error: stopped by SIGINT" in said.splitlines() and "Traceback" not in said
    _wait_for(lambda: _all_gone(family), "the run's processes to exit")


def test_only_run_is_supervised(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsbrief.supervisor import SUPERVISED, needs_supervisor

    monkeypatch.delenv(SUPERVISED, raising=False)
    assert needs_supervisor(["run", "--date", "2026-11-28"]) == (sys.platform == "linux")
    assert not needs_supervisor(["facts", "in.jsonl", "-o", "out.jsonl"]) and not needs_supervisor(["serve"])
    monkeypatch.setenv(SUPERVISED, "1")
    assert not needs_supervisor(["run"])  # the child runs the command itself
