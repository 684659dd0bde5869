"""The store: digests cached by content, briefs replaced not duplicated, versions, bad files and two runs at once."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from newsbrief.brief import digest_articles
from newsbrief.cli import app
from newsbrief.records import Article, ArticleDigest, Story
from newsbrief.store import _MIGRATIONS, SCHEMA_VERSION, StoreError, digest_with_cache, open_store, stories_with_cache
from newsbrief.stories import StoryOptions, build_stories
from newsbrief.summarise import SummaryOptions
from newsbrief.window import brief_window

DAY = date(2026, 12, 2)
WINDOW = brief_window(DAY, ZoneInfo("UTC"))
OPTIONS = SummaryOptions(sentences=2, min_sentences=1)
FERRY = (
    "The Marrowby ferry will run every hour from Monday, the Marrowby Harbour Board said on Tuesday. "
    "Board chair Ilse Varga said 1,400 passengers a day now use the crossing, up from 900 last year. "
    '"We are adding a second boat because the queues have become unbearable," Varga said.'
)
BRIDGE = (
    "Engineers closed the Oldmere bridge on Tuesday after finding cracks in two of its piers, the Oldmere county "
    "council said. About 6,000 vehicles cross the bridge each day and drivers face a detour of 12 kilometres. "
    "Repairs are expected to take three weeks, council engineer Tomas Brandt said."
)


def article(article_id: str, text: str, title: str) -> Article:
    return Article(
        id=article_id,
        url=f"https://marrowbyledger.example/{article_id}",
        source="Marrowby Ledger",
        title=title,
        text=text,
        published=datetime(2026, 12, 2, 9, tzinfo=UTC),
        fetched_at=datetime(2026, 12, 2, 10, tzinfo=UTC),
    )


class CountingDigests:
    """The real digest stage, counting the articles it is asked to digest."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, articles: list[Article]) -> list[ArticleDigest]:
        self.seen += [a.id for a in articles]
        return digest_articles(articles, "clean-lead", OPTIONS)


def story_of(digests: list[ArticleDigest], story_id: str) -> Story:
    return Story(id=story_id, headline=digests[0].article.title, articles=digests)


def test_a_second_run_digests_only_new_or_changed_articles(tmp_path: Path) -> None:
    store = open_store(tmp_path / "nb.db")
    ferry, bridge = article("ferry", FERRY, "Ferry to run hourly"), article("bridge", BRIDGE, "Bridge closed")
    compute = CountingDigests()
    first, computed = digest_with_cache([ferry, bridge], "clean-lead", OPTIONS, store, compute)
    assert computed == 2 and compute.seen == ["ferry", "bridge"]
    later = replace(ferry, fetched_at=datetime(2026, 12, 3, tzinfo=UTC), flags=["undated"])
    again, computed = digest_with_cache([bridge, later], "clean-lead", OPTIONS, store, compute)
    assert computed == 0 and compute.seen == ["ferry", "bridge"]
    assert again[1] == first[0]  # the digest as first made, article record (and its fetched_at) included
    assert again[0].summary == first[1].summary and again[0].facts == first[1].facts
    updated = replace(ferry, text=FERRY + " The first boat leaves at six.")  # updated in place: same id and URL
    _, computed = digest_with_cache([updated], "clean-lead", OPTIONS, store, compute)
    assert computed == 1 and compute.seen[-1] == "ferry"
    _, computed = digest_with_cache([bridge], "centrality", OPTIONS, store, compute)  # other settings: recomputed
    assert computed == 1
    _, computed = digest_with_cache([bridge], "clean-lead", OPTIONS, store, compute, refresh=True)
    assert computed == 1
    store.close()


def test_saving_a_day_twice_replaces_it_and_history_finds_its_stories(tmp_path: Path) -> None:
    store = open_store(tmp_path / "nb.db")
    digests = digest_articles([article("bridge", BRIDGE, "Oldmere bridge closed after cracks found")], "lead", OPTIONS)
    stories = [story_of(digests, "s-bridge")]
    generated = datetime(2026, 12, 2, 23, tzinfo=UTC)
    for _ in range(2):
        store.save_brief(DAY, WINDOW, tmp_path / "2026-12-02", stories, generated, generated)
    counts = store.counts()
    assert counts["briefs"] == 1 and counts["stories"] == 1 and counts["articles"] == 1
    assert counts["brief_articles"] == 1
    assert store.previous_cutoff(DAY + timedelta(days=1)) == WINDOW.end
    assert store.previous_cutoff(DAY) is None
    assert [a.text for a in store.brief_articles(DAY)] == [BRIDGE]
    [hit] = store.history("oldmere BRIDGE")
    assert (hit.day, hit.id, hit.status) == (DAY, "s-bridge", "new")
    assert store.history("100%_") == []  # LIKE wildcards in the term are taken literally
    [earlier] = store.earlier_stories(DAY + timedelta(days=1), DAY)
    assert earlier.articles.keys() == {"bridge"} and earlier.first_seen == DAY
    assert store.check() == []
    store.close()


def test_two_runs_writing_at_once_both_finish_and_leave_a_sound_store(tmp_path: Path) -> None:
    path = tmp_path / "nb.db"
    digests = digest_articles([article("ferry", FERRY, "Ferry to run hourly")], "lead", OPTIONS)
    errors: list[BaseException] = []

    def run(day: date) -> None:
        try:
            store = open_store(path)
            for _ in range(20):
                window = brief_window(day, ZoneInfo("UTC"))
                store.save_brief(day, window, tmp_path, [story_of(digests, "s-ferry")], window.end, window.end)
            store.close()
        except BaseException as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(DAY + timedelta(days=n),)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = open_store(path)
    assert store.check() == [] and store.counts()["briefs"] == 3 and store.counts()["stories"] == 3
    store.close()


def test_a_store_from_a_newer_newsbrief_is_refused_not_reset(tmp_path: Path) -> None:
    path = tmp_path / "nb.db"
    open_store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer newsbrief"):
        open_store(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_an_empty_file_is_upgraded_and_a_foreign_database_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")  # schema version 0: upgraded through every migration
    store = open_store(empty)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION and store.check() == []
    store.close()
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="not a newsbrief store"):
        open_store(foreign)


def test_a_corrupt_store_is_a_clear_error_and_store_check_says_so(tmp_path: Path) -> None:
    path = tmp_path / "nb.db"
    path.write_bytes(b"these bytes are not an SQLite database at all" * 200)
    with pytest.raises(StoreError, match=r"cannot be read .*file is not a database"):
        open_store(path)
    result = CliRunner().invoke(app, ["store", "check", "--store", str(path)])
    assert result.exit_code == 1 and "file is not a database" in result.output
    assert "Traceback" not in result.output


def test_store_check_and_history_on_a_sound_store(tmp_path: Path) -> None:
    path = tmp_path / "nb.db"
    store = open_store(path)
    digests = digest_articles([article("bridge", BRIDGE, "Oldmere bridge closed after cracks found")], "lead", OPTIONS)
    store.save_brief(DAY, WINDOW, tmp_path / "2026-12-02", [story_of(digests, "s-bridge")], WINDOW.end, WINDOW.end)
    store.close()
    checked = CliRunner().invoke(app, ["store", "check", "--store", str(path)])
    assert checked.exit_code == 0 and ": ok · 1 articles · 1 brief_articles · 1 briefs" in checked.output
    found = CliRunner().invoke(app, ["history", "Oldmere bridge", "--store", str(path)])
    assert found.exit_code == 0
    assert "2026-12-02  [new]  Oldmere bridge closed after cracks found" in found.output
    assert f"{tmp_path / '2026-12-02' / 'brief.html'}#s-bridge" in found.output
    missing = CliRunner().invoke(app, ["history", "Oldmere", "--store", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no store at" in missing.output


def test_a_store_in_a_folder_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot create the folder of the store"):
        open_store(Path("/proc/newsbrief-store/nb.db"))  # /proc takes no new folders, even for root
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot create the folder of the store"):
        open_store(blocker / "nb.db")


def test_a_write_interrupted_midway_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = open_store(tmp_path / "nb.db")
    digests = digest_articles([article("ferry", FERRY, "Ferry to run hourly")], "lead", OPTIONS)
    with pytest.raises(KeyboardInterrupt), store.transaction() as db:
        db.execute("INSERT INTO briefs VALUES ('2026-12-02', 'a', 'b', 'c', 'd')")
        raise KeyboardInterrupt  # a run stopped between two statements of one write
    assert store.counts()["briefs"] == 0
    store.save_brief(DAY, WINDOW, tmp_path, [story_of(digests, "s-ferry")], WINDOW.end, WINDOW.end)
    assert store.counts()["briefs"] == 1 and store.check() == []
    store.close()


def test_stories_of_the_same_digests_are_grouped_once_and_come_back_equal(tmp_path: Path) -> None:
    store = open_store(tmp_path / "nb.db")
    ferry, bridge = article("ferry", FERRY, "Ferry to run hourly"), article("bridge", BRIDGE, "Bridge closed")
    compute = CountingDigests()
    grouped: list[int] = []

    def digests() -> list[ArticleDigest]:
        """The digests as each run reads them from the store (grouping fills in fields of the ones it is given)."""
        return digest_with_cache([ferry, bridge], "clean-lead", OPTIONS, store, compute)[0]

    def group(batch: list[ArticleDigest]) -> list[Story]:
        grouped.append(len(batch))
        return build_stories(batch, StoryOptions(), WINDOW.end)

    def cached(batch: list[ArticleDigest], *, refresh: bool = False) -> list[Story]:
        return stories_with_cache(batch, StoryOptions(), WINDOW.end, store, lambda: group(batch), refresh=refresh)

    first = cached(digests())
    again = cached(digests())
    assert again == first and len(first) == 2 and grouped == [2] and compute.seen == ["ferry", "bridge"]
    assert cached(digests()[:1]) != first and grouped == [2, 1]  # other digests: grouped anew
    cached(digests(), refresh=True)  # --rebuild recomputes
    assert grouped == [2, 1, 2]
    store.close()


def test_a_store_of_the_first_schema_is_upgraded_keeping_its_briefs(tmp_path: Path) -> None:
    path = tmp_path / "nb.db"
    with sqlite3.connect(path) as db:
        db.executescript(_MIGRATIONS[0])
        db.execute("INSERT INTO briefs VALUES ('2026-12-01', 'a', 'b', 'out/2026-12-01', 'c')")
        db.execute("PRAGMA user_version = 1")
    store = open_store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION > 1
    assert store.counts()["briefs"] == 1 and store.counts()["responses"] == 0 and store.check() == []
    store.close()
