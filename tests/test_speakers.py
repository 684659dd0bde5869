"""Speakers with the shipped tagger: inverted and misparsed attributions, pronouns, "it said", bodies as sources.

The article is invented; every expected speaker was checked by hand against it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsbrief.facts import extract_facts, load_nlp
from newsbrief.facts.coref import PronounResolver
from newsbrief.records import Article, Entity, Mention

QUAYSIDE = (
    '"The water is bad. Diesel, mud, all of it," said Odile Marchetti, who runs a cafe by the quay and lost her '
    "stock in the flood. She said she would reopen next month.\n\n"
    "The Harbour Safety Board said on Monday that two cranes at the container terminal had failed inspections. "
    "The cracks were found in the boom welds, it said.\n\n"
    "Tomasz Wrona, the terminal's operations manager, said repairs would take a week. "
    '"We will not load a single ship until both cranes are certified," he said.\n\n'
    "Output losses could reach 4,000 containers a day, according to an estimate from the Port Users Council.\n\n"
    "Bram Osei, chairman of the dockers' union, said members backed the stoppage. Kasia Lund, a union steward, "
    'agreed. "Nobody goes back until it is safe," he said.'
)


@pytest.fixture(scope="module")
def speakers() -> dict[str, str | None]:
    published = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    article = Article(id="q", url=None, source="test", title="Cranes fail checks", text=QUAYSIDE, published=published)
    facts = extract_facts([article], load_nlp())[0]
    assert all(QUAYSIDE[q.start : q.end] == q.text for q in facts.quotes)
    return {q.text.split()[0] + " " + q.text.split()[1]: q.speaker for q in facts.quotes}


def test_said_name_after_a_quote_even_when_the_parser_takes_a_quoted_word_as_subject(speakers) -> None:
    assert speakers["The water"] == "Odile Marchetti"


def test_she_said_resolves_to_the_person_just_named(speakers) -> None:
    assert speakers["she would"] == "Odile Marchetti"


def test_it_said_resolves_to_the_one_organisation_nearby(speakers) -> None:
    assert speakers["The cracks"] == "Harbour Safety Board"


def test_he_said_after_an_introduced_speaker_of_unknown_gender(speakers) -> None:
    assert speakers["We will"] == "Tomasz Wrona"  # Odile Marchetti was named before, but not nearby


def test_according_to_a_document_of_an_organisation(speakers) -> None:
    assert speakers["Output losses"] == "Port Users Council"


def test_ambiguous_pronoun_stays_unresolved(speakers) -> None:
    assert speakers["Nobody goes"] is None  # Kasia Lund (gender unknown) or Bram Osei (a chairman)?


def test_it_needs_exactly_one_organisation_nearby() -> None:
    text = "The Port Authority and the Dock Union met. It said talks would resume."
    authority = Entity("Port Authority", "ORG", [Mention("Port Authority", 4, 18, "ORG")])
    union = Entity("Dock Union", "ORG", [Mention("Dock Union", 27, 37, "ORG")])
    assert PronounResolver([authority, union], text).resolve("it", 43) is None
    assert PronounResolver([authority], text).resolve("it", 43) == "Port Authority"
