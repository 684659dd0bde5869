"""A killed `newsbrief run` leaves no stray processes.

A run without a Prefect server starts Prefect's temporary API server as a child process. On SIGTERM or Ctrl-C the
run exits normally and Prefect stops that server; on SIGKILL (`kill -9`, an OOM kill, a cron timeout's last
resort) nothing in the process runs, and the server outlived it. So on Linux the command runs the flow in a child
process that the kernel sends SIGTERM when the command's own process dies (`prctl(PR_SET_PDEATHSIG)`); the child
then exits as on any SIGTERM, stopping its server. The child and the server run in a process group of their own:
Ctrl-C on a terminal reaches only the command's process, which passes it on to the child alone, so the server is
not interrupted under a run that is still stopping. The command's process only waits, forwards SIGINT, SIGTERM
and SIGHUP, and exits with the child's status.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Sequence

SUPERVISED = "NEWSBRIEF_SUPERVISED"  # set in the child, so that it runs the command itself
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def needs_supervisor(arguments: Sequence[str]) -> bool:
    """Only `run` starts a temporary server; the kernel feature is Linux's."""
    return sys.platform == "linux" and not os.environ.get(SUPERVISED) and arguments[:1] == ["run"]


def run_supervised(arguments: Sequence[str]) -> int:
    """Run `newsbrief ARGUMENTS` in a child that dies with this process; returns its exit status (128 + the signal
    number when a signal ended it, as a shell reports it)."""
    parent = os.getpid()
    libc = ctypes.CDLL(None, use_errno=True)

    def die_with_parent() -> None:  # runs in the child between fork and exec
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(128 + signal.SIGTERM)

    child = subprocess.Popen(
        [sys.executable, "-m", "newsbrief.cli", *arguments],
        env={**os.environ, SUPERVISED: "1"},
        preexec_fn=die_with_parent,  # safe: this process has no other thread yet
        process_group=0,
    )
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda received, frame: child.send_signal(received))
    status = child.wait()
    return 128 - status if status < 0 else status
