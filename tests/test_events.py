"""Who did what, on sentences written for these tests: each general rule of `facts.events` (negation, modality,
passive voice, conditions, questions, reported and hypothetical clauses, unnamed sides) on its own small article,
through the default entity tagger, with every span slicing its article."""

from __future__ import annotations

import logging

import pytest

from newsbrief.facts import check_spans, extract_facts
from newsbrief.facts.events import extract_events
from newsbrief.facts.parse import parse_articles
from newsbrief.records import Article, Entity, Event, Facts, Mention, Span

CASES = {
    # negation, modality, hedges: kept in the action's own words and flagged
    "negated": "Brazil never recognised Kosovo. Portugal didn't beat Spain in Lisbon.",
    "no_longer": "Nokia no longer sponsors Arsenal.",
    "modal": "Japan could overtake Germany by 2030. Sweden will host Finland next spring.",
    "modal_perfect": "Iceland may have hired Deloitte.",
    "modal_contracted": "Norway won't join NATO. Austria can't join Mercosur.",
    "hedged": "Vantor Mining allegedly bribed Peru's minister. Vantor Mining allegedly bribed Peru.",
    # passive: never flipped into an active assertion
    "issue_case": "The decision was not imposed by the United States.",
    "passive": "Dr. Ruth Calder was praised by Angela Merkel. Lena Hart was not invited by Tesla.",
    "passive_conj": "Hugo Baptiste was arrested and charged by Interpol.",
    # conditions and the clauses they govern, questions: no triple
    "conditional": (
        "If Chile defeats Peru, Argentina will face Uruguay. Unless Ghana pays Nigeria, Togo will sue Benin."
    ),
    "question": 'Did Russia attack Georgia? Why has Kenya paid Uganda? "Has Norway beaten Sweden?" asked Ana Ruiz.',
    # reported: kept, flagged; hypothetical or denied: none
    "reported": "Kenya paid Uganda, officials said. According to Reuters, Hydra Labs bought Fitbit.",
    "said_that": "Omar Farouk said that Egypt had attacked Sudan.",
    "quoted": 'Omar Farouk spoke on Monday. "Egypt attacked Sudan. We will respond," he said.',
    "hypothetical": (
        "Omar Farouk denied that Egypt attacked Sudan. Analysts believe Egypt attacked Sudan. "
        "Omar Farouk did not say that Egypt attacked Sudan. The claim that Amazon bribed Ecuador is false. "
        "Congress could pass a law that bans TikTok. Google plans to buy Fitbit. "
        "Officials want a summit where Russia meets Ukraine. Brussels proposed a rule under which Apple pays Ireland."
    ),
    # negation does not reach a verb joined by "but"; a verb joined to a negated one gives nothing
    "conjoined": "Russia will not invade Ukraine or attack Poland.",
    # a side that names no one: a pronoun, a bare number, a common noun
    "unnamed": "The ministry fined Meta. Meta fined the ministry. About 1,150 joined Greenpeace. Google bought it.",
    # an object that needs its complement ("asked X to ...", "called X a ...")
    "complement": "Yeltsin called Starovoitova a comrade. Norway asked Denmark to wait.",
    # a bare participle is no clause
    "participle": "Japan beating Germany, Spain faced Morocco.",
    # the object of the first preposition after the verb only: a later one may belong to a noun in between
    "linking": "Jane Smith met with Boris Johnson in London. Liu Wen was put on a plane to Canada.",
    # a wire dateline is not a subject; a phrase is whole words
    "dateline": (
        "LINDMOOR, Nov 26 (Northern Wire) - Kofi Annan arrived in Libya. Nadia Petrova steered the solar-winged Vostok."
    ),
    # a common direct object read verbatim as part of the action, up to the preposition of a named object
    "extended": "Russia imposed fresh sanctions on Iran.",
    # a relative pronoun stands for its noun only where that noun is a clause's own subject or object
    "relative": (
        "Gen. Moreno, who ruled Paraguay for decades, resigned. "
        "Soldiers from Chad, Mali and Niger, who are guarding Mopti, waited."
    ),
    # objects whose verb says what they are or become, names used as common nouns, half a list
    "predicative": "Angela Merkel described Netflix as a bank. Rwanda turned Goma into a base.",
    "indefinite": "Ohio elected a Republican. Texas backed a Democrat.",
    "list": "Germany mediated between Russia and Ukraine.",
    # a verb word that the parser put after the object
    "misparse": "Cyclone Odile had destroyed 2,310 homes in Fiji _ down from an earlier count.",
}


def triples(facts: Facts) -> list[tuple[str, str, str, bool, str, bool, bool]]:
    return [(e.subject, e.action, e.object, e.negated, e.modal, e.passive, e.reported) for e in facts.events]


@pytest.fixture(scope="module")
def found(nlp) -> dict[str, Facts]:
    """Every case as its own article, extracted in one batch as the flow does, with the default entity tagger (a
    model load: the tests that use it are marked slow)."""
    articles = [Article(id=name, url=None, source="test", title="", text=text) for name, text in CASES.items()]
    return {facts.article_id: facts for facts in extract_facts(articles, nlp)}


@pytest.mark.slow
def test_negation_is_kept_in_the_action_and_flagged(found: dict[str, Facts]) -> None:
    assert triples(found["negated"]) == [
        ("Brazil", "never recognised", "Kosovo", True, "", False, False),
        ("Portugal", "didn't beat", "Spain", True, "", False, False),
    ]
    assert triples(found["no_longer"]) == [("Nokia", "no longer sponsors", "Arsenal", True, "", False, False)]


@pytest.mark.slow
def test_modal_and_hedged_actions_say_so(found: dict[str, Facts]) -> None:
    assert triples(found["modal"]) == [
        ("Japan", "could overtake", "Germany", False, "could", False, False),
        ("Sweden", "will host", "Finland", False, "will", False, False),
    ]
    assert triples(found["modal_perfect"]) == [("Iceland", "may have hired", "Deloitte", False, "may", False, False)]
    assert triples(found["modal_contracted"]) == [  # the flag names the modal, not the "wo" of "won't"
        ("Norway", "won't join", "NATO", True, "will", False, False),
        ("Austria", "can't join", "Mercosur", True, "can", False, False),
    ]
    assert triples(found["hedged"]) == [("Vantor Mining", "allegedly bribed", "Peru", False, "allegedly", False, False)]


@pytest.mark.slow
def test_passive_keeps_its_order_and_never_becomes_an_assertion(found: dict[str, Facts]) -> None:
    assert found["issue_case"].events == []  # "decision" is a common noun; nothing says "United States imposed"
    assert triples(found["passive"]) == [
        ("Dr. Ruth Calder", "was praised by", "Angela Merkel", False, "", True, False),
        ("Lena Hart", "was not invited by", "Tesla", True, "", True, False),
    ]
    assert triples(found["passive_conj"]) == [("Hugo Baptiste", "was charged by", "Interpol", False, "", True, False)]


@pytest.mark.slow
def test_conditions_and_questions_give_nothing(found: dict[str, Facts]) -> None:
    assert found["conditional"].events == []
    assert found["question"].events == []


@pytest.mark.slow
def test_reported_events_are_flagged(found: dict[str, Facts]) -> None:
    assert triples(found["reported"]) == [
        ("Kenya", "paid", "Uganda", False, "", False, True),
        ("Hydra Labs", "bought", "Fitbit", False, "", False, True),
    ]
    assert triples(found["said_that"]) == [("Egypt", "had attacked", "Sudan", False, "", False, True)]
    assert triples(found["quoted"]) == [("Egypt", "attacked", "Sudan", False, "", False, True)]


@pytest.mark.slow
def test_denied_believed_planned_and_hypothetical_events_give_nothing(found: dict[str, Facts]) -> None:
    assert found["hypothetical"].events == []


@pytest.mark.slow
def test_negation_is_not_dropped_from_a_conjoined_verb(found: dict[str, Facts]) -> None:
    assert triples(found["conjoined"]) == [("Russia", "will not invade", "Ukraine", True, "will", False, False)]


@pytest.mark.slow
def test_pronouns_numbers_common_nouns_and_incomplete_objects_give_nothing(found: dict[str, Facts]) -> None:
    assert found["unnamed"].events == []
    assert found["complement"].events == []
    assert triples(found["participle"]) == [
        ("Spain", "faced", "Morocco", False, "", False, False)
    ]  # not "Japan beating"


@pytest.mark.slow
def test_links_datelines_relatives_and_whole_words(found: dict[str, Facts]) -> None:
    assert triples(found["linking"]) == [("Jane Smith", "met with", "Boris Johnson", False, "", False, False)]
    assert triples(found["dateline"]) == [("Nadia Petrova", "steered", "solar-winged Vostok", False, "", False, False)]
    assert triples(found["extended"]) == [("Russia", "imposed fresh sanctions on", "Iran", False, "", False, False)]
    assert triples(found["relative"]) == [("Gen. Moreno", "ruled", "Paraguay", False, "", False, False)]


@pytest.mark.slow
def test_objects_that_need_more_than_their_name_give_nothing(found: dict[str, Facts]) -> None:
    for name in ("predicative", "indefinite", "list", "misparse"):
        assert found[name].events == [], name


def events_with_names(nlp, text: str, names: list[str]) -> list[Event]:
    """`extract_events` with the given names as the only mentions and no quotes: what the parse alone decides,
    whatever the tagger or the quote finder would do."""
    parsed = next(parse_articles([Article(id="x", url=None, source="test", title="", text=text)], nlp))
    entities = [Entity(n, "ORG", [Mention(n, text.index(n), text.index(n) + len(n), "ORG")]) for n in names]
    return extract_events(parsed, entities, [])


def test_a_name_cut_short_is_no_side(nlp) -> None:
    """A tagger may end a mention on a function word ("Standard Steel of" for "... of Ohio"): no triple then."""
    text = "Halvard was once known as Standard Steel of Ohio."
    whole = events_with_names(nlp, text, ["Halvard", "Standard Steel of Ohio"])
    assert [(e.subject, e.action, e.object) for e in whole] == [("Halvard", "was known as", "Standard Steel of Ohio")]
    assert events_with_names(nlp, text, ["Halvard", "Standard Steel of"]) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("According to Reuters, Hydra Labs bought Fitbit.", ["Reuters", "Hydra Labs", "Fitbit"]),
        ("Kenya, the ministry said, has paid Uganda.", ["Kenya", "Uganda"]),
    ],
)
def test_a_source_named_in_the_clause_marks_it_reported(nlp, text: str, names: list[str]) -> None:
    (event,) = events_with_names(nlp, text, names)
    assert event.reported and not event.negated and event.object == names[-1]


@pytest.mark.slow
def test_every_span_slices_its_article(found: dict[str, Facts]) -> None:
    for name, facts in found.items():
        text = CASES[name]
        for event in facts.events:
            for span in (event, event.subject_span, event.object_span):
                assert span is not None and text[span.start : span.end] == span.text
            assert event.subject == event.subject_span.text and event.object == event.object_span.text  # type: ignore[union-attr]


@pytest.mark.parametrize("broken", ["subject_span", "object_span"])
def test_check_spans_drops_an_event_whose_side_does_not_slice(broken: str, caplog: pytest.LogCaptureFixture) -> None:
    text = "Brazil never recognised Kosovo."
    event = Event(
        text, 0, len(text), "Brazil", "never recognised", "Kosovo", Span("Brazil", 0, 6), Span("Kosovo", 24, 30)
    )
    assert check_spans(text, Facts("a", events=[event])).events == [event]
    setattr(event, broken, Span("Kosovo", 0, 6))
    with caplog.at_level(logging.WARNING, logger="newsbrief.facts"):
        assert check_spans(text, Facts("a", events=[event])).events == []
    assert "does not slice" in caplog.text
