"""Bounded cost: run-on sentences are cut, long articles are truncated with a note, feeds are capped, and a
`newsbrief run` stops on SIGTERM without leaving its Prefect server behind. Small limits keep each test fast."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsbrief import text as text_module
from newsbrief.ingest import IngestOptions, ingest_source
from newsbrief.ingest.build import TRUNCATED
from newsbrief.ingest.feeds import feed_articles
from newsbrief.text import split_sentences

REPO = Path(__file__).parents[1]
STRIKE = (
    "Dockworkers in Calderhaven extended their strike into a third week on Thursday. "
    "Forty container ships waited at anchor off the Tollund breakwater. "
    "The harbour board said talks with the union would resume on Monday. "
)


def test_a_run_on_sentence_is_cut_at_spaces_with_exact_offsets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "MAX_SENTENCE_CHARS", 40)
    run_on = "Intro sentence ends here. " + " ".join(f"Ledger{i} entry" for i in range(30)) + " and closes."
    spans = split_sentences(run_on)
    assert spans[0].text == "Intro sentence ends here."
    assert all(len(s.text) <= 40 for s in spans)
    assert all(run_on[s.start : s.end] == s.text and s.text == s.text.strip() for s in spans)
    assert " ".join(s.text for s in spans) == run_on  # cut only at single spaces, nothing lost
    assert {word for s in spans for word in s.text.split()} == set(run_on.split())  # no word cut in two


def test_a_run_on_without_spaces_is_cut_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "MAX_SENTENCE_CHARS", 10)
    blob = "x" * 35
    assert [(s.start, s.end) for s in split_sentences(blob)] == [(0, 10), (10, 20), (20, 30), (30, 35)]


def test_run_on_pieces_carry_no_whitespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "MAX_SENTENCE_CHARS", 12)
    run_on = "ledger  entry\tledger entry  ledger\t entry"
    spans = split_sentences(run_on)
    assert all(run_on[s.start : s.end] == s.text == s.text.strip() and 0 < len(s.text) <= 12 for s in spans)
    assert "".join(s.text for s in spans).replace("\t", "") == run_on.replace(" ", "").replace("\t", "")


def test_sentences_within_the_limit_are_untouched() -> None:
    assert [s.text for s in split_sentences(STRIKE)] == [sentence.strip() + "." for sentence in STRIKE.split(". ")][:3]


def test_splitting_stays_linear_when_a_title_repeats() -> None:
    # Every "Sen." asks whether "Marrow Sen" occurs without its period; the answer is looked up once per text.
    text = "Marrow Sen. Ada Price voted. " * 15_000  # 435 KB; 160 KB took 15 s when each repeat searched it all
    started = time.perf_counter()
    spans = split_sentences(text)
    assert time.perf_counter() - started < 5
    assert len(spans) == 15_000 and spans[0].text == "Marrow Sen. Ada Price voted."


def test_a_long_article_is_cut_at_a_sentence_end_flagged_and_noted(tmp_path: Path) -> None:
    (tmp_path / "strike.txt").write_text("Calderhaven strike enters third week\n\n" + STRIKE * 20)
    articles, skipped = ingest_source(str(tmp_path), IngestOptions(max_article_chars=500))
    [article] = articles
    assert len(article.text) <= 500 and article.text.endswith(".")
    assert (STRIKE * 20).startswith(article.text)
    assert TRUNCATED in article.flags
    [note] = skipped
    assert note.title == article.title
    assert f"only the first {len(article.text):,} of {len((STRIKE * 20).strip()):,} characters" in note.reason
    assert "max_article_chars" in note.reason


def test_an_article_within_the_limit_is_not_flagged(tmp_path: Path) -> None:
    (tmp_path / "strike.txt").write_text("Calderhaven strike enters third week\n\n" + STRIKE)
    articles, skipped = ingest_source(str(tmp_path), IngestOptions(max_article_chars=500))
    assert [TRUNCATED in a.flags for a in articles] == [False] and skipped == []


def _feed(items: int) -> bytes:
    entries = "".join(
        f"<item><title>Harbour update {i}</title><link>https://news.example.org/harbour/{i}</link>"
        f"<description>{STRIKE}Update number {i}.</description></item>"
        for i in range(items)
    )
    channel = f"<channel><title>Tollund Post</title>{entries}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def test_feed_items_past_the_cap_are_listed_as_skipped() -> None:
    options = IngestOptions(max_items_per_feed=3, fetch_linked_pages=False)
    articles, skipped = feed_articles(_feed(5), "tollund.xml", options, web=None)
    assert [a.title for a in articles] == ["Harbour update 0", "Harbour update 1", "Harbour update 2"]
    assert [(s.title, s.url) for s in skipped] == [
        ("Harbour update 3", "https://news.example.org/harbour/3"),
        ("Harbour update 4", "https://news.example.org/harbour/4"),
    ]
    assert all("max_items_per_feed" in s.reason for s in skipped)


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (read from /proc, so no extra dependency)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, IndexError):
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the run's child processes")
def test_a_run_stops_on_sigterm_and_takes_its_prefect_server_with_it(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_API")}
    command = [sys.executable, "-m", "newsbrief.cli", "run", "--sources", str(REPO / "seeds" / "articles")]
    run = subprocess.Popen([*command, "--out", str(tmp_path / "out")], cwd=REPO, env=env, stderr=subprocess.DEVNULL)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not (children := _children(run.pid)) and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert children, "the run started no Prefect server"
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=5) == 128 + signal.SIGTERM
        time.sleep(0.5)
        assert not [child for child in children if _alive(child)]
    finally:
        if run.poll() is None:
            run.kill()
        for child in children:  # only if the run failed to stop them
            if _alive(child):
                os.kill(child, signal.SIGKILL)
