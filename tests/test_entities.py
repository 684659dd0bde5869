"""Entity rules, each on its general case with invented sentences: country keys from ISO 3166, acronyms only where
the article defines them, shorter names joining one compatible longer name, per-name type votes, surnames typed as
their person, spaCy-only trimming, and merges across articles only between compatible names. The end-to-end tests
run the default tagger (the CoNLL model), as `newsbrief facts` does."""

from __future__ import annotations

import pytest

from newsbrief.facts import conll_tagger, extract_facts, merge_across_articles
from newsbrief.facts.entities import (
    _clean,
    acronym_definitions,
    conll_mentions,
    group_across_articles,
    group_mentions,
    name_key,
    spells,
)
from newsbrief.facts.parse import parse_articles
from newsbrief.records import Article, Entity, Facts, Mention


def article(text: str, id: str = "a", title: str = "") -> Article:
    return Article(id=id, url=None, source="test", title=title, text=text)


def grouped(text: str, found: list[tuple[str, str]]) -> dict[str, Entity]:
    """Entities from (form, label) mentions, each form located in `text` after the previous one."""
    mentions, at = [], 0
    for form, label in found:
        at = text.index(form, at)
        mentions.append(Mention(form, at, at + len(form), label))
        at += len(form)
    return {e.name: e for e in group_mentions(mentions, text, "", [len(text)])}


def entity(name: str, label: str, *forms: str) -> Entity:
    return Entity(name, label, [Mention(f, 0, len(f), label) for f in forms])


# --- keys and acronyms ----------------------------------------------------------------------------------------


def test_a_countrys_iso_names_and_capitalised_codes_share_one_key() -> None:
    united_states = name_key("United States of America")
    assert name_key("the United States") == name_key("U.S.") == name_key("USA") == name_key("US") == united_states
    assert name_key("us") == "us"  # a code counts only as written, in capitals
    assert name_key("North Korea") == name_key("Democratic People's Republic of Korea")  # pycountry's common name
    assert name_key("Kim Jong-un") == name_key("Kim Jong Un")
    assert name_key("NSC") == "nsc" and name_key("NATO") == "nato"  # no table of bodies' acronyms


def test_acronyms_defined_in_parentheses_with_or_without_their_minor_words() -> None:
    text = "The Bank of Valdoria (BoV) fined the Ferrane Port Authority (FPA), Tarsk Wire (Reuters) reported."
    assert acronym_definitions(text) == {"bov": "bank of valdoria", "fpa": "ferrane port authority"}
    assert spells("BoV", "Bank of Valdoria") and spells("BV", "Bank of Valdoria") and spells("U.N.", "United Nations")
    assert not spells("BoV", "Valdoria") and not spells("B", "Bank of Valdoria")


def test_an_acronym_joins_the_one_name_of_its_type_whose_initials_it_spells() -> None:
    text = "The Ferrane Port Authority raised fees. Dockers said the FPA was greedy. The FPA denied it."
    entities = grouped(text, [("Ferrane Port Authority", "ORG"), ("FPA", "ORG"), ("FPA", "ORG")])
    assert [m.text for m in entities["Ferrane Port Authority"].mentions] == ["Ferrane Port Authority", "FPA", "FPA"]
    two = "The Ferrane Port Authority and the Federal Pilots Association met. The FPA left."
    entities = grouped(two, [("Ferrane Port Authority", "ORG"), ("Federal Pilots Association", "ORG"), ("FPA", "ORG")])
    assert sorted(entities) == ["FPA", "Federal Pilots Association", "Ferrane Port Authority"]  # which FPA is unclear
    other_type = "Fort Pell Airfield reopened. The FPA said so."
    assert sorted(grouped(other_type, [("Fort Pell Airfield", "LOC"), ("FPA", "ORG")])) == ["FPA", "Fort Pell Airfield"]
    country = "Upper Silesia exports coal to the U.S. every year."
    assert sorted(grouped(country, [("Upper Silesia", "GPE"), ("U.S.", "GPE")])) == ["U.S.", "Upper Silesia"]


def test_a_parenthesised_definition_wins_over_other_names_with_the_same_initials() -> None:
    text = "The Federal Pilots Association met the Ferrane Port Authority (FPA). The FPA left."
    found = [("Federal Pilots Association", "ORG"), ("Ferrane Port Authority", "ORG"), ("FPA", "ORG"), ("FPA", "ORG")]
    entities = grouped(text, found)
    assert [m.text for m in entities["Ferrane Port Authority"].mentions] == ["Ferrane Port Authority", "FPA", "FPA"]


# --- names within an article ----------------------------------------------------------------------------------


def test_a_shorter_name_joins_the_one_longer_name_of_its_type_it_starts_or_ends() -> None:
    text = "Lake Mirren froze. Skaters crossed Mirren. Mirren Rovers lost. Ice on Mirren Lake cracked."
    found = [("Lake Mirren", "LOC"), ("Mirren", "LOC"), ("Mirren Rovers", "ORG"), ("Mirren Lake", "LOC")]
    entities = grouped(text, found)
    assert sorted(entities) == ["Lake Mirren", "Mirren", "Mirren Lake", "Mirren Rovers"]  # two lakes fit: apart
    text = "Lake Mirren froze. Skaters crossed Mirren. Mirren Rovers lost."
    entities = grouped(text, [("Lake Mirren", "LOC"), ("Mirren", "LOC"), ("Mirren Rovers", "ORG")])
    assert [m.text for m in entities["Lake Mirren"].mentions] == ["Lake Mirren", "Mirren"]  # the team is an ORG
    assert [m.text for m in entities["Mirren Rovers"].mentions] == ["Mirren Rovers"]


def test_one_country_never_joins_another_that_ends_with_its_name() -> None:
    text = "Sudan and South Sudan signed a border deal."
    assert sorted(grouped(text, [("Sudan", "GPE"), ("South Sudan", "GPE")])) == ["South Sudan", "Sudan"]


def test_mentions_keep_their_own_type_except_surnames_of_a_named_person() -> None:
    text = "Adrienne Watson flew to New York. New York beat Boston. Watson said New York won."
    found = [("Adrienne Watson", "PERSON"), ("New York", "GPE"), ("New York", "ORG"), ("Boston", "ORG")]
    found += [("Watson", "ORG"), ("New York", "ORG")]
    entities = grouped(text, found)
    assert entities["New York"].label == "ORG"  # the majority
    assert [m.label for m in entities["New York"].mentions] == ["GPE", "ORG", "ORG"]  # each as tagged in context
    assert [m.label for m in entities["Adrienne Watson"].mentions] == ["PERSON", "PERSON"]  # "Watson" joins her
    assert entities["Boston"].label == "ORG"  # a one-word ORG that fits no named person stays an ORG


def test_a_name_tagged_mostly_one_way_is_taken_that_way_everywhere() -> None:
    text = "Ashby Ferry was hit. Ashby Ferry took it. Ashby Ferry sank. Corin Vale spoke; Corin Vale left."
    found = [("Ashby Ferry", "GPE"), ("Ashby Ferry", "PERSON"), ("Ashby Ferry", "GPE")]
    found += [("Corin Vale", "PERSON"), ("Corin Vale", "GPE")]
    entities = grouped(text, found)
    assert (entities["Ashby Ferry"].label, len(entities["Ashby Ferry"].mentions)) == ("GPE", 3)
    mentions, at = [], text.index("Corin")
    for label in ("PERSON", "GPE"):
        at = text.index("Corin Vale", at)
        mentions.append(Mention("Corin Vale", at, at + 10, label))
        at += 10
    tie = group_mentions(mentions, text, "", [len(text)])
    assert sorted((e.label, e.count) for e in tie) == [("GPE", 1), ("PERSON", 1)]  # a tie: each keeps its own tag


def test_only_spacy_spans_are_trimmed_the_taggers_follow_conll_already(nlp) -> None:
    text = "Fans at The Oval cheered Lord's win, “the Tarsk Wire's” said."
    parsed = next(parse_articles([article(text)], nlp))
    oval, lord, wire = text.index("The Oval"), text.index("Lord's"), text.index("“the")
    wire_end = text.index("”") + 1
    spans = [[(oval, oval + 8, "LOC"), (lord, lord + 6, "LOC")]]
    assert [m.text for m in conll_mentions(parsed, spans)] == ["The Oval", "Lord's"]  # as the tagger found them
    comma = text.index(",")
    raw = [(oval, oval + 8, "GPE"), (wire, wire_end, "ORG"), (0, 4, "ORG"), (comma, comma + 1, "ORG")]
    assert [m.text for m in _clean(text, raw, trim=True)] == ["Oval", "Tarsk Wire", "Fans"]  # spaCy's: trimmed


# --- across articles ------------------------------------------------------------------------------------------


def test_merge_across_articles_joins_compatible_names_and_counts_articles() -> None:
    day = [
        Facts("a", entities=[entity("International Grain Council", "ORG", "International Grain Council", "IGC")]),
        Facts("b", entities=[entity("IGC", "ORG", "IGC", "IGC"), entity("Adrienne Watson", "PERSON", "Watson")]),
        Facts("c", entities=[entity("Watson", "PERSON", "Watson"), entity("US", "GPE", "US")]),
        Facts("d", entities=[entity("United States", "GPE", "United States", "U.S.")]),
    ]
    merged = {t.name: t for t in merge_across_articles(day)}
    assert (merged["International Grain Council"].mentions, merged["International Grain Council"].articles) == (4, 2)
    assert (merged["Adrienne Watson"].mentions, merged["Adrienne Watson"].articles) == (2, 2)
    assert (merged["United States"].mentions, merged["United States"].articles) == (3, 2)
    assert [t.name for t in merge_across_articles(day, labels={"PERSON"})] == ["Adrienne Watson"]


def test_an_acronym_two_articles_define_differently_merges_nothing() -> None:
    day = [
        Facts("a", entities=[entity("Northern Space Consortium", "ORG", "Northern Space Consortium", "NSC")]),
        Facts("b", entities=[entity("National Security Council", "ORG", "National Security Council", "NSC")]),
        Facts("c", entities=[entity("NSC", "ORG", "NSC")]),
    ]
    assert sorted(len(group) for group in group_across_articles(day)) == [1, 1, 1]
    day[1] = Facts("b", entities=[entity("Lund", "PERSON", "Lund")])
    merged = {t.name: t.articles for t in merge_across_articles(day)}
    assert merged == {"Northern Space Consortium": 2, "Lund": 1}  # one definition of the day: "NSC" joins it


def test_across_articles_names_join_only_within_one_type_and_one_fit() -> None:
    day = [
        Facts("a", entities=[entity("Mirren", "GPE", "Mirren"), entity("Watson", "PERSON", "Watson")]),
        Facts("b", entities=[entity("Mirren", "ORG", "Mirren"), entity("Adrienne Watson", "PERSON", "Watson")]),
        Facts("c", entities=[entity("Lee Watson", "PERSON", "Lee Watson"), entity("Lake Mirren", "LOC", "Mirren")]),
        Facts("d", entities=[entity("Sudan", "GPE", "Sudan"), entity("South Sudan", "GPE", "South Sudan")]),
    ]
    merged = {t.name: t.articles for t in merge_across_articles(day)}
    assert merged["Watson"] == 1  # Adrienne or Lee: left alone
    assert merged["Lake Mirren"] == 2  # the place "Mirren" (GPE and LOC are one type) joins the lake
    assert merged["Mirren"] == 1  # the club does not
    assert merged["Sudan"] == merged["South Sudan"] == 1


# --- with the default tagger ----------------------------------------------------------------------------------

needs_tagger = pytest.mark.skipif(conll_tagger() is None, reason="CoNLL tagger weights are not installed")

HARBOUR = """The Ferrane Port Authority raised berth fees by 8% on Monday, and dock workers in Tarsk walked out.

"We cannot keep ships waiting," said Imre Kovanen, the harbour master. Kovanen said the FPA would meet union leaders from the United States and Canada on Friday.

Talks with the U.S. delegation are due in Tarsk next week."""  # noqa: E501


@pytest.fixture(scope="module")
def harbour(nlp) -> Facts:
    return extract_facts([article(HARBOUR, "harbour", "Tarsk dock strike")], nlp)[0]


@pytest.mark.slow
@needs_tagger
def test_default_tagger_entities_merge_by_the_general_rules(harbour: Facts) -> None:
    by_name = {e.name: e for e in harbour.entities}
    assert [m.text for m in by_name["Ferrane Port Authority"].mentions] == ["Ferrane Port Authority", "FPA"]
    assert [(m.text, m.label) for m in by_name["Imre Kovanen"].mentions] == [
        ("Imre Kovanen", "PERSON"),
        ("Kovanen", "PERSON"),
    ]
    assert sorted(m.text for m in by_name["United States"].mentions) == ["U.S.", "United States"]
    assert len(by_name["Tarsk"].mentions) == 2
    assert by_name["Tarsk"].salience == 1.0  # in the title and the lead
    for e in harbour.entities:
        assert all(HARBOUR[m.start : m.end] == m.text for m in e.mentions)


@pytest.mark.slow
@needs_tagger
def test_default_tagger_feeds_merges_across_articles(nlp, harbour: Facts) -> None:
    later = extract_facts([article("Dockers in Tarsk voted to end the strike after the FPA cut its fees.", "b")], nlp)
    merged = {t.name: (t.mentions, t.articles) for t in merge_across_articles([harbour, *later])}
    assert merged["Ferrane Port Authority"] == (3, 2)
    assert merged["Tarsk"] == (3, 2)
