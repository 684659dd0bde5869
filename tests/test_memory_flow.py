"""Three simulated days of the seed stories through the real flow and one store: windows, new vs developing,
an article updated in place, idempotent re-runs, --rebuild, history, and bad settings as clear errors."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsbrief.cli import app
from newsbrief.store import open_store

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLES = REPO / "seeds" / "articles"
DAYS = ["2026-11-26", "2026-11-27", "2026-11-28"]
MUSEUM_URL = "https://brannockstar.example/arts/museum-reopens"
MUSEUM = """---
title: Brannock art museum to reopen its glass wing after a two-year restoration
source: Brannock Star
published: {published}
url: {url}
---
The Brannock Museum of Art will reopen its glass wing to visitors on Monday, director Ilse Varga said on {weekday},
after a two-year restoration of the wing's painted ceiling and its collection of medieval stained glass.

Varga said that the restoration had cost 3.2 million crowns, most of it raised from private donors, and that
tickets for the first week had sold out within an hour of going on sale.
{extra}"""


def published_on(path: Path) -> str:
    return next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("published:"))[11:21]


def museum(published: str, weekday: str, extra: str = "") -> str:
    return MUSEUM.format(published=published, url=MUSEUM_URL, weekday=weekday, extra=extra)


@pytest.fixture(scope="module")
def three_days(prefect_harness, tmp_path_factory) -> tuple[Path, list]:
    """Day by day, the inbox gains that day's seeds (earlier ones stay, as in a feed); a new story (the museum)
    starts on day 2 and its article is updated in place, under the same URL, on day 3."""
    from flows.daily_brief import daily_brief

    root = tmp_path_factory.mktemp("memory")
    inbox = root / "inbox"
    inbox.mkdir()
    config = root / "nb.toml"
    config.write_text('sources = ["inbox"]\nout = "out"\ntimezone = "UTC"\n')
    runs = []
    for day in DAYS:
        for path in SEED_ARTICLES.glob("*.md"):
            if published_on(path) == day:
                shutil.copy(path, inbox / path.name)
        if day == DAYS[1]:
            (inbox / "museum.md").write_text(museum("2026-11-27T10:00:00+00:00", "Friday"))
        if day == DAYS[2]:
            update = "\nThe museum said on Saturday that a second week of tickets would go on sale on Tuesday.\n"
            (inbox / "museum.md").write_text(museum("2026-11-28T08:00:00+00:00", "Friday", update))
        runs.append(daily_brief(config=str(config), day=day, now=f"{day}T23:30:00+00:00"))
    return root, runs


SEED_TOPICS = {
    line[5:]: path.stem.split("-")[0]
    for path in SEED_ARTICLES.glob("*.md")
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.startswith("url: ")
}


def stories_by_topic(run) -> dict[str, object]:
    """Each story keyed by its seed files' first name part (calderhaven, ostra, valdoria, tern1) or 'museum'."""
    topics = {}
    for story in run.brief.stories:
        urls = {d.article.url for d in story.articles}
        topics["museum" if MUSEUM_URL in urls else SEED_TOPICS[min(urls)]] = story
    return topics


def test_day_one_is_all_new_and_later_days_brief_only_their_window(three_days) -> None:
    _, runs = three_days
    first = stories_by_topic(runs[0])
    assert set(first) == {"calderhaven", "ostra", "valdoria", "tern1"}
    assert all(s.status == "new" and s.first_seen.isoformat() == DAYS[0] for s in first.values())
    for run, day in zip(runs, DAYS, strict=True):
        assert all(d.article.published.date().isoformat() == day for d in run.brief.articles)
    older = [s for s in runs[1].brief.skipped if s.reason.startswith("older than")]
    assert len(older) == 10  # every day-1 article still in the inbox, listed, not briefed
    assert runs[1].brief.window_start.isoformat() == "2026-11-27T00:00:00+00:00"  # the previous brief's cut-off


def test_continuing_stories_are_developing_a_new_one_starts_and_ended_ones_are_gone(three_days) -> None:
    _, runs = three_days
    second, third = stories_by_topic(runs[1]), stories_by_topic(runs[2])
    assert set(second) == {"calderhaven", "ostra", "valdoria", "tern1", "museum"}
    assert second["museum"].status == "new"
    for topic in ("calderhaven", "ostra", "valdoria", "tern1"):
        story = second[topic]
        assert story.status == "developing", topic
        assert story.previous.date.isoformat() == DAYS[0] and story.first_seen.isoformat() == DAYS[0]
        assert story.changes.articles == [d.article.id for d in story.articles]
    assert set(third) == {"calderhaven", "ostra", "museum"}  # the rate cut and the satellite ended
    strike = third["calderhaven"]
    assert strike.previous.date.isoformat() == DAYS[1] and strike.first_seen.isoformat() == DAYS[0]
    assert third["museum"].status == "developing"
    [museum_article] = third["museum"].articles
    assert third["museum"].changes.updated == [museum_article.article.id] and third["museum"].changes.articles == []


def test_brief_json_and_markdown_show_status_and_what_is_new(three_days) -> None:
    root, _ = three_days
    data = json.loads((root / "out" / DAYS[2] / "brief.json").read_text())
    for story in data["stories"]:
        assert story["status"] in {"new", "developing"} and story["first_seen"]
        if story["status"] == "developing":
            assert story["previous"]["date"] == DAYS[1] and story["previous"]["id"]
    md = (root / "out" / DAYS[2] / "brief.md").read_text()
    assert "_**Developing** · " in md and "**New since the brief of Fri 27 Nov 2026**" in md
    assert "1 updated in place" in md
    assert "covering 2026-11-28 00:00 UTC to 2026-11-29 00:00 UTC" in md
    html = (root / "out" / DAYS[2] / "brief.html").read_text()
    assert '<span class="flag">Developing</span>' in html and "New since the brief of" in html


def test_a_rerun_gives_the_same_brief_and_no_duplicate_rows_and_rebuild_recomputes_the_day(three_days) -> None:
    from flows.daily_brief import daily_brief

    root, _ = three_days
    folder = root / "out" / DAYS[2]
    before = json.loads((folder / "brief.json").read_text())
    store = open_store(root / "out" / "newsbrief.db")
    counts = store.counts()
    store.close()
    daily_brief(config=str(root / "nb.toml"), day=DAYS[2], now=f"{DAYS[2]}T23:45:00+00:00")
    after = json.loads((folder / "brief.json").read_text())
    before.pop("generated_at"), after.pop("generated_at")
    assert after == before
    store = open_store(root / "out" / "newsbrief.db")
    assert store.counts() == counts and store.check() == []
    store.close()
    rebuilt = CliRunner().invoke(app, ["run", "--config", str(root / "nb.toml"), "--date", DAYS[2], "--rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    again = json.loads((folder / "brief.json").read_text())
    again.pop("generated_at")
    assert [(s["id"], s["status"]) for s in again["stories"]] == [(s["id"], s["status"]) for s in before["stories"]]


def test_history_lists_the_briefs_that_told_a_story_newest_first(three_days) -> None:
    root, _ = three_days
    result = CliRunner().invoke(app, ["history", "River Ostra", "--config", str(root / "nb.toml")])
    assert result.exit_code == 0, result.output
    hits = [line.split("  ") for line in result.output.splitlines() if not line.startswith(" ")]
    days = [hit[0] for hit in hits]
    assert days == sorted(days, reverse=True) and set(days) == set(DAYS)
    flood = [day for day, _, headline in hits if "Ostra" in headline]  # other stories may name the river too
    assert flood == list(reversed(DAYS))
    assert f"{root / 'out' / DAYS[0] / 'brief.html'}#" in result.output
    checked = CliRunner().invoke(app, ["store", "check", "--config", str(root / "nb.toml")])
    assert checked.exit_code == 0 and ": ok · " in checked.output


def test_an_undated_file_takes_its_file_time_shown_in_brief_json_and_future_ones_skipped(
    prefect_harness, tmp_path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    undated = inbox / "undated.md"
    undated.write_text(museum("", "Friday").replace("published: \n", ""))
    modified = datetime(2026, 11, 27, 9, tzinfo=UTC).timestamp()
    os.utime(undated, (modified, modified))
    (inbox / "future.md").write_text(
        museum("2027-01-05T08:00:00+00:00", "Tuesday").replace(MUSEUM_URL, "https://brannockstar.example/next")
    )
    result = CliRunner().invoke(
        app, ["run", "--sources", str(inbox), "--out", str(tmp_path / "out"), "--date", DAYS[1]]
    )
    assert result.exit_code == 0, result.output
    assert "1 article in 1 story from 1 outlet, 1 skipped" in result.output
    md = (tmp_path / "out" / DAYS[1] / "brief.md").read_text()
    assert "dated after the brief's window" in md
    brief = json.loads((tmp_path / "out" / DAYS[1] / "brief.json").read_text())
    [article] = [d["article"] for story in brief["stories"] for d in story["articles"]]
    assert article["published"] == "2026-11-27T09:00:00+00:00" and article["flags"] == ["date_from_file_time"]


@pytest.mark.parametrize(
    ("setting", "message", "status"),
    [
        ('timezone = "Mars/Olympus"', "unknown time zone 'Mars/Olympus'", 2),  # a bad setting: a usage error
        ('window = "a while"', "cannot read the window 'a while'", 2),
        ('store = "/proc/newsbrief-test/nb.db"', "cannot create the folder of the store", 1),  # a failed run
        ('date = "28/11/2026"', "cannot read the date '28/11/2026'", 2),
    ],
)
def test_bad_settings_are_clear_errors_not_tracebacks(
    prefect_harness, tmp_path, setting: str, message: str, status: int
) -> None:
    shutil.copy(SEED_ARTICLES / "valdoria-rate-cut.md", tmp_path / "valdoria.md")
    config = tmp_path / "nb.toml"
    config.write_text(f'sources = ["valdoria.md"]\nout = "out"\n{setting}\n')
    result = CliRunner().invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == status
    assert message in result.output and "Traceback" not in result.output
