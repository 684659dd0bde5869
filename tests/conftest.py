"""Shared fixtures: offline model loading, one Prefect test harness per session, a real local SMTP server."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")  # slow, busy machines
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Prefect's profile, task cache and result storage in a folder of this test session's own, apart from the user's
# (whose profile may point at a real server, and whose cache would otherwise serve one session's fetches to another).
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="newsbrief-tests-prefect-")
atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect server and database for the whole session (starting one takes seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def nlp():
    """The spaCy pipeline, loaded once for every test that parses."""
    from newsbrief.facts import load_nlp

    return load_nlp()


@pytest.fixture(scope="module")
def spacy_only() -> Iterator[None]:
    """Entities from spaCy alone (`NEWSBRIEF_FACTS_NER=spacy`) for a module: quick, and some expectations were
    checked against spaCy's entities; the CoNLL tagger has tests of its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSBRIEF_FACTS_NER", "spacy")
        yield


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls this hook by name
        from email import message_from_bytes, policy

        self.messages.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message_from_bytes(envelope.original_content, policy=policy.default),
            )
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd); its `messages` hold what it received."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox(host="127.0.0.1", port=free_port())
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
