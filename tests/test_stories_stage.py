"""The stories stage end to end on real models: grouping, copies, one summary per story, stable ids, bad days."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from newsbrief.brief import digest_articles
from newsbrief.records import UNTITLED, Article, ArticleDigest, SummarySentence
from newsbrief.render import body_sentences, headline_sentence
from newsbrief.stories import _headlines, build_stories, story_id
from newsbrief.summarise import SummaryOptions

NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

FERRY_WIRE = (
    "A fire broke out on the passenger ferry Saint Brannoc off the port of Orrin on Thursday morning, forcing the "
    "crew to evacuate 212 passengers into lifeboats, the coastguard said. All passengers were picked up by two "
    "fishing boats and a lifeboat from Kessock within an hour. Eleven people were treated in hospital for smoke "
    "inhalation. The fire started in the engine room shortly after the ferry left Orrin for the island of Tavey. "
    "The operator, Isles Line, said it had suspended its Tavey service until further notice."
)
FERRY_POST = (
    "Passengers on the Saint Brannoc described thick smoke filling the lounge minutes after the ferry left Orrin "
    "on Thursday. The coastguard said 212 people were taken off the burning vessel in lifeboats and rescued by "
    "fishing crews. Isles Line said an engineer had raised the alarm after a fire started in the engine room. "
    "Eleven passengers were taken to hospital in Orrin with breathing problems, none of them seriously hurt. "
    "Investigators from the marine accident branch are due to board the ship on Friday."
)
FERRY_DAILY = (
    "The Tavey ferry service has been suspended after an engine-room fire on the Saint Brannoc, Isles Line said on "
    "Thursday evening. The company said the ship would be towed to a shipyard for inspection. Islanders on Tavey "
    "said the suspension left them without a car ferry for the first time in eleven years. The operator said "
    "it was looking for a replacement vessel and hoped to resume sailings next week. The coastguard said all "
    "212 passengers had been rescued."
)
LIBRARY = (
    "Orrin's public library will open on Sundays from January, the town council said on Thursday. The council "
    "voted to fund four extra staff after a petition signed by 3,100 residents. Opening hours on weekday evenings "
    "will also be extended until nine o'clock. The library's reading room was refurbished last year with a grant "
    "from the regional arts fund. Librarians said demand for study space had risen sharply since the summer."
)


def article(article_id: str, source: str, text: str, title: str, hours: float) -> Article:
    return Article(
        id=article_id,
        url=f"https://{source.lower().replace(' ', '')}.example/{article_id}",
        source=source,
        title=title,
        text=text,
        published=NOON + timedelta(hours=hours),
    )


@pytest.fixture(scope="module")
def digests() -> list[ArticleDigest]:
    articles = [
        article("wire", "Isles Wire", FERRY_WIRE, "Ferry fire off Orrin forces 212 passengers into lifeboats", 0),
        article("copy", "Bay Courier", FERRY_WIRE, "Ferry fire off Orrin forces 212 passengers into lifeboats", 1),
        article("post", "Harbour Post", FERRY_POST, "Smoke filled the lounge, say Saint Brannoc passengers", 2),
        article("daily", "Coast Daily", FERRY_DAILY, "Tavey ferry service suspended after engine-room fire", 5),
        article("library", "Orrin Times", LIBRARY, "Orrin library to open on Sundays from January", 3),
    ]
    return digest_articles(articles, "clean-lead", SummaryOptions(sentences=3, min_sentences=2))


def test_a_day_becomes_stories_told_once_from_all_outlets(digests: list[ArticleDigest]) -> None:
    stories = build_stories(digests, cutoff=NOON + timedelta(hours=12))
    by_size = sorted(stories, key=lambda s: -len(s.articles))
    ferry, library = by_size
    assert {d.article.id for d in ferry.articles} == {"wire", "copy", "post", "daily"}
    assert ferry.copies == {"copy": "wire"}  # the syndicated copy repeats the earlier original
    texts = {d.article.id: d.article.text for d in ferry.articles}
    assert ferry.summary and "copy" not in {s.article_id for s in ferry.summary}
    for sentence in ferry.summary:
        assert texts[sentence.article_id][sentence.start : sentence.end] == sentence.text
    assert sum(len(s.text.split()) for s in ferry.summary) <= 100
    assert len({s.text for s in ferry.summary}) == len(ferry.summary)
    assert ferry.headline in {d.article.title for d in ferry.articles}
    assert [s.text for s in library.summary] == [s.text for s in digests[-1].summary.sentences]
    assert library.sources == ["Orrin Times"]  # sharing "Orrin" alone does not join the ferry story
    assert ferry.significance > library.significance and stories[0] is ferry
    [passengers] = [n for n in ferry.facts.numbers if n.counts.endswith("passengers") and n.readings[0].value == 212]
    # "212 people were taken off" is the same crowd as "212 passengers": one figure, every outlet that gives it
    assert passengers.status == "agreed" and {r.article_id for r in passengers.readings} == {"wire", "post", "daily"}


def test_story_ids_do_not_depend_on_input_order(digests: list[ArticleDigest]) -> None:
    forward = {frozenset(d.article.id for d in s.articles): s.id for s in build_stories(digests)}
    backward = {frozenset(d.article.id for d in s.articles): s.id for s in build_stories(digests[::-1])}
    assert forward == backward
    assert story_id(digests[:1]) == story_id(digests[:2])  # keyed on the earliest article, which stays


def test_an_empty_day() -> None:
    assert build_stories([]) == []


def test_one_untitled_undated_article(digests: list[ArticleDigest]) -> None:
    bare = dataclasses.replace(digests[-1].article, title=LIBRARY.split(".")[0], published=None, flags=[UNTITLED])
    [story] = build_stories([dataclasses.replace(digests[-1], article=bare)])
    best = max(story.summary, key=lambda s: s.score)
    assert story.headline.rstrip("…") in best.text  # no outlet title: the summary sentence that covers most
    assert story.reasons["recency"] == 0.5
    body = [s.text for s in body_sentences(story)]
    assert best.text not in body and len(body) == len(story.summary) - 1  # not read twice
    assert headline_sentence(story).text == best.text  # over the story it is whole, though At a glance may shorten it


def test_thousands_of_syndicated_copies_are_one_story_with_one_summary(digests: list[ArticleDigest]) -> None:
    wire = digests[0]
    copies = [
        dataclasses.replace(
            wire,
            article=dataclasses.replace(
                wire.article, id=f"copy-{n}", source=f"Outlet {n}", published=NOON + timedelta(minutes=n)
            ),
        )
        for n in range(5000)
    ]
    [story] = build_stories([wire, *copies])
    assert len(story.articles) == 5001 and len(story.copies) == 5000
    assert {s.article_id for s in story.summary} == {"wire"}
    assert len(story.sources) == 5001


def test_an_untitled_story_is_not_headlined_by_who_spoke(digests: list[ArticleDigest]) -> None:
    """ "Ada Price, a port spokeswoman, said ..." names the source, not the news; the best other sentence heads it."""
    speaker = "Ada Price, a port spokeswoman, said the ferry would not sail again before the spring."
    report = "The Skarra ferry was towed off the reef on Friday."
    bare = dataclasses.replace(digests[-1].article, title="", flags=[UNTITLED])
    summary = [
        SummarySentence(speaker, 0, len(speaker), article_id=bare.id, score=0.9),
        SummarySentence(report, 0, len(report), article_id=bare.id, score=0.5),
    ]
    [(headline, _)] = _headlines([[dataclasses.replace(digests[-1], article=bare)]], [summary])
    assert headline == report


@pytest.mark.parametrize(
    "label",
    ["Ferry towed off the Skarra reef \u2013 video", "[Photos] Ferry towed off reef", "VIDEO: Ferry towed off reef",
     "Ferry towed off reef (Video)"],
)  # fmt: skip
def test_a_titled_report_heads_a_story_before_a_media_items_label(digests: list[ArticleDigest], label: str) -> None:
    titled = [
        dataclasses.replace(digests[-1], article=dataclasses.replace(digests[-1].article, id=f"x-{n}", title=title))
        for n, title in enumerate([label, "Skarra ferry towed off the reef"])
    ]
    [(headline, _)] = _headlines([titled], [[]])
    assert headline == "Skarra ferry towed off the reef"
