"""Quotes and their sources, one test per attribution rule of `facts.quotes`, on an invented harbour story.

Every expected speaker was checked by hand against the text; the bad-input tests only require that nothing crashes
and that every span slices its text.
"""

from __future__ import annotations

import pytest

from newsbrief.facts import extract_facts, load_nlp
from newsbrief.facts.quotes import find_marked_quotes
from newsbrief.records import Article, Facts, Quote

PIER = (
    "Ana Ruiz: 'We will rebuild the pier by spring.'\n\n"
    '"Terrible," Bram Osei said. "The whole east pier went in one night."\n\n'
    '"Repairs will begin at once," Halvard Lindqvist (Ind.), the chairman of the Quayside Pier Trust and a former '
    "harbour pilot, said on Monday.\n\n"
    "Osei continued:\n\n"
    '"Nobody could have saved the cranes in that wind."\n\n'
    'Kasia Lund boasted, "Our divers found the anchor chain within an hour."\n\n'
    '"The insurance will cover most of the cost," the union wrote in a letter to members.\n\n'
    "Harbour pilots believe that the channel will need dredging before summer.\n\n"
    "A Quayside Pier Trust survey found that half the moorings were damaged.\n\n"
    "The trust plans to reopen the ferry berth within a month.\n\n"
    'Lund said the old timbers had been "rotten for a decade" and should have gone years ago.\n\n'
    "The new pier, Lindqvist said, will be built of concrete.\n\n"
    "Osei's aides said the mayor had not answered their letters.\n\n"
    "``The ferries will run again next week,'' said Mira Janssen, a port engineer.\n\n"
    "\u201cWe lost everything in the storm that night.\u201d \u2015 Tomas Berg\n"
)


def _facts(text: str) -> Facts:
    return extract_facts([Article(id="t", url=None, source="test", title="", text=text)], load_nlp())[0]


@pytest.fixture(scope="module")
def quotes() -> list[Quote]:
    found = _facts(PIER).quotes
    assert all(PIER[q.start : q.end] == q.text for q in found)
    assert all(PIER[q.speaker_span.start : q.speaker_span.end] == q.speaker_span.text for q in found if q.speaker_span)
    return found


def quote(quotes: list[Quote], beginning: str) -> Quote:
    return next(q for q in quotes if q.text.startswith(beginning))


def test_headline_colon_names_the_speaker(quotes) -> None:
    assert quote(quotes, "We will rebuild").speaker == "Ana Ruiz"


def test_second_part_of_a_split_quote_takes_the_speaker_of_a_short_first_part(quotes) -> None:
    assert quote(quotes, "The whole east pier").speaker == "Bram Osei"
    assert not any(q.text == "Terrible" for q in quotes)  # too short to show, but it carried the attribution


def test_long_subject_after_the_quote(quotes) -> None:
    repairs = quote(quotes, "Repairs will begin")
    assert repairs.speaker == "Halvard Lindqvist"


def test_colon_at_the_end_of_the_previous_paragraph(quotes) -> None:
    assert quote(quotes, "Nobody could have saved").speaker in ("Bram Osei", "Osei")  # naming is the tagger's


def test_any_verb_right_before_the_quote_introduces_it(quotes) -> None:
    assert quote(quotes, "Our divers found").speaker == "Kasia Lund"


def test_common_noun_source_is_a_role_with_its_span(quotes) -> None:
    insurance = quote(quotes, "The insurance will cover")
    assert (insurance.speaker, insurance.speaker_role) == (None, "union")
    assert insurance.speaker_span is not None and insurance.speaker_span.text == "union"


def test_beliefs_findings_and_plans_are_reported(quotes) -> None:
    belief = quote(quotes, "the channel will need")
    assert belief.kind == "reported" and belief.speaker_role == "Harbour pilots"
    finding = quote(quotes, "half the moorings")
    assert finding.kind == "reported" and finding.speaker == "Quayside Pier Trust"  # the body's survey speaks
    assert finding.speaker_span is not None and finding.speaker_span.text.endswith("survey")
    plan = quote(quotes, "to reopen the ferry berth")
    assert plan.kind == "reported"


def test_quoted_phrase_inside_reported_speech_is_part_of_the_statement(quotes) -> None:
    statement = quote(quotes, "the old timbers")
    assert statement.kind == "reported" and statement.speaker == "Kasia Lund"
    assert "rotten for a decade" in statement.text
    assert not any(q.kind == "direct" and q.text == "rotten for a decade" for q in quotes)


def test_parenthetical_said_inside_the_statement(quotes) -> None:
    concrete = next(q for q in quotes if "built of concrete" in q.text)
    assert concrete.kind == "reported" and concrete.speaker == "Halvard Lindqvist"


def test_a_persons_aides_are_not_the_person(quotes) -> None:
    aides = quote(quotes, "the mayor had not")
    assert aides.speaker is None and aides.speaker_role == "Osei's aides"


def test_ap_style_double_backtick_quotes(quotes) -> None:
    ferries = quote(quotes, "The ferries will run")
    assert ferries.kind == "direct" and ferries.speaker == "Mira Janssen"


def test_dash_caption_names_the_speaker(quotes) -> None:
    assert quote(quotes, "We lost everything").speaker == "Tomas Berg"


def test_unresolved_pronoun_keeps_its_span_but_names_no_one() -> None:
    text = 'Sven Aalto and Ilse Varga met the council.\n\n"The plan is sound and fair," they wrote.'
    [written] = [q for q in _facts(text).quotes if q.kind == "direct"]
    assert written.speaker is None and written.speaker_span is not None and written.speaker_span.text == "they"


def test_quote_running_over_paragraphs() -> None:
    text = '"The first paragraph of the statement.\n\n"The second paragraph of it," Ilse Varga said.'
    found = find_marked_quotes(text)
    assert found[0].continued and not found[1].continued


@pytest.mark.parametrize(
    "text",
    [
        'Ilse Varga said: "This quote never closes and runs on to the end of the text',
        '"One \'two "three levels" deep\' quote," Ilse Varga said. "Then more."',
        '"' + "word " * 20_000 + '," Ilse Varga said.',
        "`` '' `` ''\n\n\u2015\n\n\u201c\u201d \u2015 Ana",
    ],
    ids=["never-closes", "three-levels", "100k-quote", "marks-only"],
)
def test_bad_input_never_crashes_and_every_span_slices(text: str) -> None:
    facts = _facts(text)
    for q in facts.quotes:
        assert text[q.start : q.end] == q.text
        assert q.speaker_span is None or text[q.speaker_span.start : q.speaker_span.end] == q.speaker_span.text
