"""The daily brief end to end: real Prefect flow runs (test harness), real models, real HTTP and SMTP on 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsbrief.cli import app

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLES = REPO / "seeds" / "articles"
DAY = "2026-11-28"


def front_matter(path: Path) -> dict[str, str]:
    head = path.read_text(encoding="utf-8").split("---")[1]
    return dict(line.split(": ", 1) for line in head.strip().splitlines())


@pytest.fixture(scope="module")
def seed_run(prefect_harness, tmp_path_factory):
    from flows.daily_brief import daily_brief

    out = tmp_path_factory.mktemp("briefs")
    config = str(REPO / "newsbrief.toml")  # the documented example: seeds/articles, one watchlist
    return daily_brief(config=config, sources=[str(SEED_ARTICLES)], out=str(out), day=DAY), out


def spans_in(node, found):
    """Every {text, start, end} object anywhere below `node`."""
    if isinstance(node, dict):
        if {"text", "start", "end"} <= node.keys() and isinstance(node["start"], int):
            found.append(node)
        for value in node.values():
            spans_in(value, found)
    elif isinstance(node, list):
        for value in node:
            spans_in(value, found)
    return found


def test_seed_brief_files_are_written(seed_run) -> None:
    result, out = seed_run
    folder = out / DAY
    assert sorted(p.name for p in folder.iterdir()) == ["brief.html", "brief.json", "brief.md"]
    assert [p.name for p in result.files] == ["brief.md", "brief.html", "brief.json"]
    md = (folder / "brief.md").read_text()
    assert md.startswith(f"# Daily brief — {DAY}")
    english = [p for p in SEED_ARTICLES.glob("*.md") if not p.stem.endswith("-es")]
    assert f"{len(english)} articles · " in md


def test_non_english_seed_is_listed_as_skipped(seed_run) -> None:
    result, _ = seed_run
    spanish = front_matter(SEED_ARTICLES / "huelga-puerto-calderhaven-es.md")
    [skipped] = result.brief.skipped
    assert "English" in skipped.reason
    assert spanish["title"] in (skipped.title or "") or spanish["url"] == skipped.url


def test_stories_group_the_outlets_covering_the_same_event(seed_run) -> None:
    result, _ = seed_run
    by_topic: dict[str, set[str]] = {}
    for path in SEED_ARTICLES.glob("*.md"):
        if not path.stem.endswith("-es"):
            by_topic.setdefault(path.stem.split("-")[0], set()).add(front_matter(path)["title"])
    got = {frozenset(d.article.title for d in story.articles) for story in result.brief.stories}
    assert got == {frozenset(titles) for titles in by_topic.values()}


def test_every_summary_sentence_and_fact_is_verbatim_from_its_article(seed_run) -> None:
    _, out = seed_run
    data = json.loads((out / DAY / "brief.json").read_text())
    checked = 0
    for story in data["stories"]:
        for digest in story["articles"]:
            text = digest["article"]["text"]
            sentences = digest["summary"]["sentences"]
            assert 2 <= len(sentences) <= 4
            for sentence in sentences:
                assert sentence["text"] in text
            for span in spans_in(digest["summary"], []) + spans_in(digest["facts"], []):
                assert text[span["start"] : span["end"]] == span["text"]
                checked += 1
    assert checked > 200
    scores = [s["significance"] for s in data["stories"]]
    assert scores == sorted(scores, reverse=True)


def test_brief_tells_each_story_once_with_merged_facts(seed_run) -> None:
    result, out = seed_run
    people = [t.name for t in result.brief.top_people]
    assert "Marta Kellner" in people
    md = (out / DAY / "brief.md").read_text()
    html = (out / DAY / "brief.html").read_text()
    assert md.index("## At a glance") < md.index("## Watch: River Ostra flood") < md.index("## Stories")
    assert md.index("## Stories") < md.index("## Skipped")
    assert "**River Ostra**" in md.split("## Watch: River Ostra flood")[1].split("## Stories")[0]
    assert html.count('<article class="story"') == len(result.brief.stories) == 4
    assert "<details>" in html and "Marta Kellner" in html
    assert len(md.splitlines()) <= 100, "the seed brief should fit on two screens"
    for story in result.brief.stories:
        words = sum(len(s.text.split()) for s in story.summary)
        assert 40 <= words <= 130, (story.headline, words)
        assert story.headline in {d.article.title for d in story.articles}
    flood = next(s for s in result.brief.stories if any("Ostra" in d.article.title for d in s.articles))
    copy = next(d.article.id for d in flood.articles if d.article.source == "Valley Post")
    assert copy in flood.copies and copy not in {s.article_id for s in flood.summary}
    strike = next(s for s in result.brief.stories if any("Calderhaven" in d.article.title for d in s.articles))
    strikers = [n for n in strike.facts.numbers if {r.value for r in n.readings} >= {2900, 3400}]
    assert strikers and strikers[0].status == "conflict"


def test_story_summaries_are_verbatim_spans_of_named_articles(seed_run) -> None:
    _, out = seed_run
    data = json.loads((out / DAY / "brief.json").read_text())
    for story in data["stories"]:
        texts = {d["article"]["id"]: d["article"]["text"] for d in story["articles"]}
        sources = {d["article"]["id"]: d["article"]["source"] for d in story["articles"]}
        assert story["summary"] and story["significance"] > 0 and story["reasons"]
        for sentence in story["summary"]:
            text = texts[sentence["article_id"]]
            assert text[sentence["start"] : sentence["end"]] == sentence["text"]
            assert sentence["source"] == sources[sentence["article_id"]]
        for span in spans_in(story["facts"], []):
            assert texts[span["article_id"]][span["start"] : span["end"]] == span["text"]


def test_bad_inputs_are_skipped_with_reasons_and_the_brief_is_still_sent(
    prefect_harness, httpserver, smtp_server, tmp_path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    good = SEED_ARTICLES / "valdoria-rate-cut.md"
    (folder / "good.md").write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "no-sentences.md").write_text("---\ntitle: Nothing here\n---\n\n")
    httpserver.expect_request("/broken.xml").respond_with_data("<rss><channel><item>", content_type="text/xml")
    httpserver.expect_request("/down").respond_with_data("unavailable", status=503)
    httpserver.expect_request("/huge").respond_with_data("<html><body>" + "x" * 5_000_000, content_type="text/html")
    config = tmp_path / "nb.toml"
    config.write_text(
        f'sources = ["inbox", "{httpserver.url_for("/broken.xml")}", "{httpserver.url_for("/down")}",'
        f' "{httpserver.url_for("/huge")}"]\nout = "out"\nwindow = "72h"\n'
        f'[email]\nenabled = true\nhost = "{smtp_server.host}"\nport = {smtp_server.port}\n'
        'recipients = ["desk@newsbrief.test"]\n'
    )
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--date", DAY])
    assert result.exit_code == 0, result.output
    assert "1 article in 1 story from 1 outlet, 6 skipped" in result.output
    md = (tmp_path / "out" / DAY / "brief.md").read_text()
    skipped = md.split("## Skipped")[1]
    for name in ("empty.txt", "binary.txt", "no-sentences.md", "broken.xml", "/down", "/huge"):
        assert name in skipped or re.search(re.escape(name), skipped), f"{name} not listed:\n{skipped}"
    [(_, recipients, message)] = smtp_server.messages
    assert recipients == ["desk@newsbrief.test"] and message["Subject"] == f"Daily brief {DAY}"
    assert "Bank of Valdoria" in message.get_body(("html",)).get_content()


def test_no_readable_source_fails_with_a_clear_message(prefect_harness, tmp_path) -> None:
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "nothing").mkdir()
    sources = ["--sources", str(tmp_path / "empty.md"), "--sources", str(tmp_path / "nothing")]
    result = CliRunner().invoke(app, ["run", *sources, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no article could be read" in result.output
    assert f"{tmp_path / 'nothing'}: no article in it" in " ".join(result.output.split())  # the empty one is named
    assert not (tmp_path / "out").exists()


def test_cli_help_reads_well() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "summarize", "facts", "serve", "models"):
        assert command in result.output
    listed = CliRunner().invoke(app, ["models"])
    assert listed.exit_code == 0
    assert "summarisers: abstractive, centrality, clean-lead, lead" in listed.output
    assert "distilbart-cnn-12-6 [default]: hub id sshleifer/distilbart-cnn-12-6" in listed.output
