"""Reconciling a story's figures and quotes across outlets that word them differently: one crowd counted in other
nouns is one figure, and a syndicated copy does not make a quote look more widely carried. Invented reports of a
tannery strike; runs the real spaCy pipeline and MiniLM."""

from __future__ import annotations

from datetime import UTC, datetime

from newsbrief.facts import extract_facts
from newsbrief.records import Article, ArticleDigest, Summary
from newsbrief.stories.facts import CONFLICT, merge_story_facts

MONDAY = datetime(2026, 4, 6, 8, 0, tzinfo=UTC)


def digest(text: str, id: str, source: str, published: datetime) -> ArticleDigest:
    article = Article(id=id, url=None, source=source, title="Tannery strike", text=text, published=published)
    return ArticleDigest(article, Summary(id, "none", []), extract_facts([article])[0])


def test_one_value_counted_in_different_nouns_is_one_figure_with_every_outlet() -> None:
    digests = [
        digest("About 1,700 members of the Tannery Workers' Guild walked out at the Orrin works on Monday.",
               "a", "Orrin Gazette", MONDAY),
        digest("About 1,300 members of the Tannery Workers' Guild walked out at the Orrin works on Monday.",
               "b", "Valley Wire", MONDAY.replace(minute=30)),
        digest("Some 1,700 tanners belonging to the Tannery Workers' Guild stopped work at the Orrin works on Monday.",
               "c", "Harbour Post", MONDAY.replace(hour=12)),
    ]  # fmt: skip
    numbers = merge_story_facts(digests).numbers
    crowd = next(n for n in numbers if any(r.value == 1700 for r in n.readings))
    assert {(r.article_id, r.value) for r in crowd.readings} == {("a", 1700), ("b", 1300), ("c", 1700)}
    assert crowd.status == CONFLICT


def test_one_value_of_different_things_stays_two_figures() -> None:
    digests = [
        digest("The harbour master counted 40 boats on the flooded river on Monday.", "a", "Orrin Gazette", MONDAY),
        digest("Police arrested 40 protesters outside the town hall in Orrin.", "b", "Valley Wire", MONDAY),
    ]
    numbers = merge_story_facts(digests).numbers
    assert sorted([r.article_id for r in n.readings] for n in numbers) == [["a"], ["b"]]


def test_a_copy_adds_a_source_but_no_outlet_and_the_newest_statement_leads() -> None:
    early = 'Guild leader Mira Solberg said: "We will stay out until the owners make a serious offer to us."'
    later = 'Guild leader Mira Solberg said: "The owners have moved, and we will put their offer to a vote."'
    digests = [
        digest(early, "a", "Orrin Gazette", MONDAY),
        digest(early, "copy", "Syndicate Daily", MONDAY.replace(hour=9)),
        digest(later, "b", "Valley Wire", MONDAY.replace(hour=18)),
    ]
    quotes = merge_story_facts(digests, copies={"copy": "a"}).quotes
    assert quotes[0].text.startswith("The owners have moved")
    assert [s.article_id for s in quotes[1].sources] == ["a", "copy"]  # the copy is still listed as a carrier
    late_copy = digest(early, "late", "Syndicate Daily", MONDAY.replace(hour=20))  # after the newer statement
    quotes = merge_story_facts([*digests, late_copy], copies={"copy": "a", "late": "a"}).quotes
    assert quotes[0].text.startswith("The owners have moved")  # a late copy makes no statement new
