"""Story summaries with the real packaged MiniLM, on a story invented for these tests: three outlets reporting one
dam failure in their own words, a word-for-word syndicated copy, and articles without titles or dates."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from typer.testing import CliRunner

from newsbrief.cli import app
from newsbrief.records import OPINION, Article
from newsbrief.summarise import centrality
from newsbrief.summarise.multidoc import StorySummaryOptions, summarise_stories, summarise_story

pytestmark = pytest.mark.slow

SHARED_FACT = "The Harnel dam above the village of Oskby burst on Thursday night and flooded 40 homes."
VALLEY = (
    f"{SHARED_FACT} "
    "Firefighters from three towns pumped water out of the lower streets until dawn on Friday. "
    "The dam had been built in 1931 to power a sawmill that closed long ago. "
    "Residents said the reservoir had been rising for a week after heavy rain in the hills. "
    "The county council has opened the school gym to families whose homes were flooded."
)
POST = (
    "Forty homes in Oskby were flooded on Thursday night when the Harnel dam above the village burst. "
    "Engineers will inspect two other old dams on the same river next week, the county council said. "
    "The council has opened the school gym to families whose homes were flooded by the water. "
    "A sawmill built the dam in 1931 and nobody has maintained it since the mill closed."
)
COURIER = (
    "Flood water from the burst Harnel dam filled 40 homes in the village of Oskby on Thursday night. "
    "Insurers said claims from the village could reach two million crowns by the end of the month. "
    "Rain had fallen in the hills above the reservoir for a week before the dam gave way."
)


def _article(article_id: str, text: str, source: str, published: datetime | None = None) -> Article:
    return Article(id=article_id, url=None, source=source, title="", text=text, published=published)


STORY = [
    _article("valley", VALLEY, "Valley Post", datetime(2025, 3, 7, 9)),
    _article("post", POST, "Oskby Post", datetime(2025, 3, 7, 8)),
    _article("courier", COURIER, "Courier"),
    _article("wire-copy", VALLEY, "Wire Syndicate"),
]


def test_sentences_are_verbatim_spans_with_article_and_outlet() -> None:
    summary = summarise_story(STORY)
    articles = {a.id: a for a in STORY}
    assert summary
    for sentence in summary:
        article = articles[sentence.article_id]
        assert article.text[sentence.start : sentence.end] == sentence.text
        assert sentence.source == article.source


def test_the_fact_every_outlet_reports_appears_once_and_the_syndicated_copy_adds_nothing() -> None:
    summary = summarise_story(STORY)
    texts = [s.text for s in summary]
    assert len(texts) == len(set(texts))
    assert sum("40 homes" in t or "Forty homes" in t for t in texts) == 1


def test_the_word_budget_holds() -> None:
    for words in (20, 40, 100):
        summary = summarise_story(STORY, StorySummaryOptions(words=words))
        assert summary
        assert sum(len(s.text.split()) for s in summary) <= words


def test_news_order_puts_leads_first_then_earlier_publication() -> None:
    summary = summarise_story(STORY, StorySummaryOptions(words=60))
    positions = [STORY_POSITION[s.text] for s in summary]
    assert positions == sorted(positions)
    leads = [s for s in summary if STORY_POSITION[s.text] == 0]
    stamps = [next(a.published for a in STORY if a.id == s.article_id) for s in leads]
    known = [t for t in stamps if t is not None]
    assert known == sorted(known) and stamps[: len(known)] == known


STORY_POSITION = {
    sentence.strip() + ("" if sentence.strip().endswith(".") else "."): position
    for article in STORY
    for position, sentence in enumerate(article.text.split(". "))
}


def test_a_story_of_one_article_and_a_batch_of_stories() -> None:
    lone, story = summarise_stories([[STORY[2]], STORY])
    assert lone and all(s.article_id == "courier" for s in lone)
    assert sum(len(s.text.split()) for s in lone) <= 100
    assert [s.text for s in story] == [s.text for s in summarise_story(STORY)]


def test_cli_summarises_docs_rows_as_stories(tmp_path) -> None:
    rows = [
        {
            "id": "oskby",
            "docs": [
                {"doc_id": "valley", "text": VALLEY, "source": "Valley Post", "published": "2025-03-07T09:00:00"},
                {"doc_id": "post", "text": POST},
                {"doc_id": "courier", "text": COURIER, "title": "Dam bursts"},
            ],
        },
        {"id": "single", "text": COURIER},
    ]
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["summarize", str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    story = written["oskby"]
    assert story["method"] == "multidoc" and story["summary"]
    texts = {d["doc_id"]: d["text"] for d in rows[0]["docs"]}
    for sentence, (doc_id, start, end) in zip(story["summary"], story["spans"], strict=True):
        assert texts[doc_id][start:end] == sentence
    assert written["single"]["method"] == "centrality"


RESCUE = (
    "Rescue boats reached the flooded streets of Oskby early on Friday and carried 60 people to dry ground. "
    "The rescue teams came from three towns along the river."
)
REBUILD = (
    "The county council voted on Friday to rebuild the Harnel dam within two years at a cost of 9 million crowns. "
    "The council will pay for the work from its road budget."
)


@pytest.mark.parametrize("carried", ["rescue", "rebuild"])
def test_a_report_carried_by_more_outlets_weighs_more_but_is_shown_once(carried: str) -> None:
    texts = {"rescue": RESCUE, "rebuild": REBUILD}
    story = [_article(name, text, name.title()) for name, text in texts.items()]
    story.append(_article(f"{carried}-copy", texts[carried], "Wire Syndicate"))
    summary = summarise_story(story, StorySummaryOptions(words=25))
    assert len(summary) == 1
    assert summary[0].text == texts[carried].split(". ")[0] + "."
    assert summary[0].article_id == carried


# Two outlets state one fact with few words in common; each adds a fact of its own.
RAIN_LEAD = "Heavy rain broke the old Harnel dam late on Thursday and sent water into 40 houses in Oskby."
RAIN = f"{RAIN_LEAD} The county council has opened the school gym to families."
GAVE_WAY_LEAD = "Forty Oskby homes flooded on Thursday night after the Harnel dam gave way under heavy rain."
GAVE_WAY = f"{GAVE_WAY_LEAD} Insurers expect claims of two million crowns."


def test_two_outlets_paraphrasing_one_fact_show_it_once() -> None:
    story = [_article("rain", RAIN, "Rain Herald"), _article("gave-way", GAVE_WAY, "Oskby Daily")]
    leads = {RAIN_LEAD, GAVE_WAY_LEAD}
    unbarred = summarise_story(story, StorySummaryOptions(words=40, paraphrases=False))
    assert leads <= {s.text for s in unbarred}  # word overlap alone keeps both wordings
    barred = summarise_story(story, StorySummaryOptions(words=40))
    assert len(leads & {s.text for s in barred}) == 1
    assert sum(len(s.text.split()) for s in barred) <= 40
    lenient = summarise_story(story, StorySummaryOptions(words=40, paraphrase_cosine=0.95))
    assert leads <= {s.text for s in lenient}  # the bar is the story summariser's own constant


@pytest.mark.parametrize(
    ("dateline", "dash"),
    [("OSKBY, Norway (AP)", "_"), ("OSKBY, March 7 (Northern Wire)", "--"), ("OSKBY (Reuters)", "-")],
)
def test_a_wire_dateline_is_trimmed_off_the_span_not_shown(dateline: str, dash: str) -> None:
    wire = f"{dateline} {dash} {RAIN_LEAD} The county council has opened the school gym to families."
    [lead] = summarise_story([_article("wire", wire, "Wire")], StorySummaryOptions(words=20))
    assert lead.text == RAIN_LEAD
    assert wire[lead.start : lead.end] == lead.text and lead.start == len(f"{dateline} {dash} ")


def test_a_short_articles_pointing_sentence_is_not_shown_without_the_one_before() -> None:
    """Alone, a brief article is shown whole; in a story its pointing sentence needs its predecessor like any other."""
    pointing = "That is in addition to 60 people carried from the streets."
    short = _article("short", f"{RAIN_LEAD} {pointing}", "Short Wire")
    story = [short, _article("post", POST, "Oskby Post")]
    assert centrality.article_units(short.text)[1].eligible  # alone, the brief article is all content
    assert pointing not in [s.text for s in summarise_story(story, StorySummaryOptions(words=12))]
    texts = [s.text for s in summarise_story(story, StorySummaryOptions(words=40))]
    assert texts and (pointing not in texts or texts[texts.index(pointing) - 1] == RAIN_LEAD)


def test_a_story_of_only_pointing_sentences_still_gets_a_summary() -> None:
    story = [_article("a", "It was the third flood this year in Oskby and the river is still rising.", "A")]
    story.append(_article("b", "They said the Harnel dam had not been inspected since the sawmill closed.", "B"))
    assert summarise_story(story)


def test_an_opinion_piece_colours_the_story_but_is_not_told_as_its_facts() -> None:
    column = "It was the worst-run flood response this valley has seen. The council should resign over the Harnel dam."
    story = [*STORY[:3], _article("column", column, "Valley Post Opinion")]
    story[3].flags.append(OPINION)
    summary = summarise_story(story)
    assert summary and all(s.article_id != "column" for s in summary)
    [alone] = [summarise_story([story[3]])]
    assert alone  # a story told only by columns still has a summary
