"""The hallucination guard on hand-written summaries, with the real MiniLM encoder."""

from __future__ import annotations

import pytest

from newsbrief.summarise.guard import Guard, capitalised_spans, summary_score

SOURCE = (
    "Flooding forced the evacuation of 1,200 homes in Carlisle on Tuesday, the Environment Agency said. "
    "Rescue teams from Cumbria Fire Service used boats to reach residents trapped by the water. "
    "The agency estimated the damage at $2.5bn and said river levels rose 30 per cent above normal. "
    "Five schools will stay closed until the weekend."
)


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


def test_invented_name_and_wrong_number_are_flagged_and_paraphrase_kept(guard: Guard) -> None:
    paraphrase = "About 1200 homes in Carlisle were evacuated because of flooding on Tuesday."
    invented = "Mayor Jane Holloway said firefighters used boats to reach trapped residents in Carlisle."
    wrong_number = "Flooding forced the evacuation of 2,100 homes in Carlisle on Tuesday."
    kept, name, number = guard.check(SOURCE, [paraphrase, invented, wrong_number])

    assert kept.ok, kept.flags
    assert kept.support.text.startswith("Flooding forced the evacuation")
    assert SOURCE[kept.support.start : kept.support.end] == kept.support.text
    assert kept.support_score >= guard.support_threshold

    assert not name.ok and name.unsupported_entities == ["Mayor Jane Holloway"]
    assert name.unsupported_numbers == []
    assert not number.ok and number.unsupported_numbers == ["2,100"]
    assert number.unsupported_entities == []
    assert summary_score([kept]) > summary_score([number])


def test_numbers_match_after_normalisation(guard: Guard) -> None:
    faithful = [
        "The damage was put at 2.5 billion dollars.",
        "Rivers rose 30% above normal.",
        "5 schools are closed until the weekend.",
        "Some 1200 homes in Carlisle were evacuated.",
    ]
    assert [c.unsupported_numbers for c in guard.check(SOURCE, faithful)] == [[], [], [], []]
    wrong = guard.check(SOURCE, ["The damage was put at 2.5 million dollars.", "Rivers rose 40 per cent above normal."])
    assert [c.unsupported_numbers for c in wrong] == [["2.5 million"], ["40"]]


def test_off_topic_sentence_has_low_support(guard: Guard) -> None:
    [check] = guard.check(SOURCE, ["The recipe needs two eggs, flour and a little sugar."])
    assert check.low_support and not check.ok
    assert any(f.startswith("low support") for f in check.flags)


def test_batch_checks_each_summary_against_its_own_source(guard: Guard) -> None:
    other = "Police in Leeds arrested two men after a robbery at a jeweller on Friday."
    sentence = "Two men were arrested in Leeds after a jewellery robbery."
    flood, leeds = guard.check_batch([SOURCE, other], [[sentence], [sentence]])
    assert leeds[0].ok and leeds[0].support.text == other
    assert not flood[0].ok and "Leeds" in flood[0].unsupported_entities


def test_numbers_are_read_as_the_facts_read_them(guard: Guard) -> None:
    """Spelled-out compounds are one number, and a unit letter scales only money (`newsbrief.numbers`)."""
    source = "Crews laid 5 m of cable and twenty-five new poles in Dunmore; the repairs cost $3m."
    summary = [
        "Crews in Dunmore laid 5 metres of cable.",
        "Crews in Dunmore put up 25 new poles.",
        "The repairs in Dunmore cost 3 million dollars.",
        "Crews in Dunmore laid 5 million metres of cable.",
    ]
    assert [c.unsupported_numbers for c in guard.check(source, summary)] == [[], [], [], ["5 million"]]


def test_capitalised_spans_skip_grammar_capitals() -> None:
    assert capitalised_spans("He met Mr Smith's lawyer from the Bank of England in the U.S. Senate.") == [
        "Mr Smith's",
        "Bank of England",
        "U.S. Senate",
    ]
    assert capitalised_spans("Officials said the plan works.") == []
