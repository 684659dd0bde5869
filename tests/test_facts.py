"""Key facts on articles written for these tests, with hand-checked quotes, speakers, roles, dates, numbers and
events; bad inputs; and the slicing invariant (`text[start:end] == fact.text`) on every span produced."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from newsbrief.facts import check_spans, conll_tagger, extract_facts
from newsbrief.facts.coref import PronounResolver, gender_of
from newsbrief.facts.entities import conll_mentions
from newsbrief.facts.parse import chunk_bounds, parse_articles
from newsbrief.facts.quotes import find_marked_quotes
from newsbrief.records import Article, DateFact, Entity, Event, Facts, Mention, NumberFact, Quote, Span

SANCTIONS = """The US Treasury sanctioned three entities on Monday over North Korea's arms deals with Russia, officials said.

"These entities helped the DPRK move 400 artillery shells across the border," National Security Council spokeswoman Adrienne Watson said. "We will not stop," she added.

The International Grain Council (IGC) said last month that wheat prices rose 12% to $2.5 billion in value.

Kim Jong-un visited a factory in Pyongyang last week, state media reported. Kim said the country would "never bow to pressure from 'hostile forces' abroad."

Watson told reporters that the sanctions would take effect on November 3. "It is a clear message to Pyongyang and to Moscow," said John Kirby, the White House national security spokesman."""  # noqa: E501

GRAIN = """“The harvest was the worst in a decade,” said Maria Gonzalez, the chief economist at the International Grain Council (IGC). “Farmers lost ‘everything’ in some regions.

“We expect prices to stay high until March.”

The IGC cut its forecast by 4.5 million tonnes yesterday. Its members will meet next Tuesday in London, and a final report is due on 3 Nov 2027.

Mr. Okafor, who runs a mill in Lagos, said he had laid off 40 workers in 2025. “I have never seen anything like it,” he said.

According to Gonzalez, wheat exports from Ukraine fell by a third in March.

"This is 'unprecedented' for our members," she said."""  # noqa: E501

WEDNESDAY = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def article(text: str, id: str = "a", title: str = "", published: datetime | None = WEDNESDAY) -> Article:
    return Article(id=id, url=None, source="test", title=title, text=text, published=published)


def all_spans(facts: Facts) -> list[Span]:
    spans: list[Span] = [m for e in facts.entities for m in e.mentions]
    spans += facts.quotes + [q.speaker_span for q in facts.quotes if q.speaker_span]
    for fact in [*facts.dates, *facts.numbers]:
        spans += [fact] + ([fact.sentence] if fact.sentence else [])
    return spans + facts.events + [s for e in facts.events for s in (e.subject_span, e.object_span) if s]


def assert_slices(text: str, facts: Facts) -> None:
    for span in all_spans(facts):
        assert text[span.start : span.end] == span.text, span


@pytest.fixture(scope="module")
def sanctions(nlp) -> Facts:
    return extract_facts([article(SANCTIONS, "sanctions", "US sanctions North Korean arms network")], nlp)[0]


@pytest.fixture(scope="module")
def grain(nlp) -> Facts:
    return extract_facts([article(GRAIN, "grain", "Grain council cuts forecast", SATURDAY)], nlp)[0]


def quote(facts: Facts, starts: str) -> Quote:
    return next(q for q in facts.quotes if q.text.startswith(starts))


# --- pure functions -------------------------------------------------------------------------------------------


def test_chunk_bounds_cut_long_text_at_breaks_and_keep_every_character() -> None:
    paragraphs = [f"Sentence number {i} is here. " * 30 for i in range(40)]
    text = "\n\n".join(paragraphs)
    bounds = chunk_bounds(text, limit=2_000)
    assert len(bounds) > 1 and all(b - a <= 2_000 for a, b in bounds)
    covered = "".join(text[a:b] for a, b in bounds)
    assert "".join(covered.split()) == "".join(text.split())
    no_spaces = "x" * 5_000
    assert chunk_bounds(no_spaces, limit=2_000) == [(0, 4_000), (4_000, 5_000)]


def test_marked_quotes_pair_marks_and_skip_unbalanced_ones() -> None:
    text = 'He said "one two three" and "four\nNo close here. “Curly ‘nested’ one,” she said.'
    found = [(text[m.open_at], text[m.close_at]) for m in find_marked_quotes(text)]
    assert found == [('"', '"'), ("“", "”")]
    continued = "“First paragraph of a long quote.\n“Second paragraph,” he said."
    marks = find_marked_quotes(continued)
    assert [m.continued for m in marks] == [True, False]


def test_single_marks_quote_where_a_paragraph_has_no_double_ones() -> None:
    text = "'We will pay on time,' he said. The players' union didn't agree with O'Brien's 'plan for it all.'"
    assert [text[m.open_at + 1 : m.close_at] for m in find_marked_quotes(text)] == [
        "We will pay on time,",
        "plan for it all.",
    ]
    curly = "A ‘curly one, here,’ she said."
    assert [curly[m.open_at + 1 : m.close_at] for m in find_marked_quotes(curly)] == ["curly one, here,"]


def test_british_style_quote_with_title(nlp) -> None:
    text = "Abase Hussen flew home on Friday.\n\n'We both lost so much back home,' Mr Hussen, 47, said."
    facts = extract_facts([article(text)], nlp)[0]
    assert [(q.text, q.speaker, q.speaker_role) for q in facts.quotes] == [
        ("We both lost so much back home", "Abase Hussen", None)
    ]


def test_pronoun_resolution_is_cautious() -> None:
    text = "Mr. Brown met Lee Park and Jane Smith. Then he left."
    brown = Entity("Brown", "PERSON", [Mention("Brown", 4, 9, "PERSON")])
    park = Entity("Lee Park", "PERSON", [Mention("Lee Park", 14, 22, "PERSON")])
    smith = Entity("Jane Smith", "PERSON", [Mention("Jane Smith", 27, 37, "PERSON")])
    resolver = PronounResolver([brown, park, smith], text)
    assert resolver.resolve("she", 44) is None  # nothing in the text says who is a woman; first names are no evidence
    assert resolver.resolve("he", 44) is None  # Lee Park (gender unknown) is nearer than Mr. Brown
    assert resolver.resolve("he", 12) == "Brown"
    alone = PronounResolver([park], text)
    assert alone.resolve("he", 44) == "Lee Park"  # the only person named so far
    assert alone.resolve("it", 44) is None
    text = "Lee Park, a White House spokeswoman, spoke. Then she left."
    park = Entity("Lee Park", "PERSON", [Mention("Lee Park", 0, 8, "PERSON")])
    assert gender_of(park, text) == "F"  # from the apposition


def test_check_spans_drops_and_logs_what_does_not_slice(caplog: pytest.LogCaptureFixture) -> None:
    text = "Alpha said hello on Monday."
    good = Span("Monday", 20, 26)
    facts = Facts(
        "x",
        entities=[Entity("Alpha", "PERSON", [Mention("Alpha", 0, 5, "PERSON"), Mention("Alpha", 1, 6, "PERSON")])],
        quotes=[Quote("hello", 11, 16, speaker="Alpha", speaker_span=Span("Alpha", 3, 8))],
        dates=[DateFact("Monday", 20, 26, sentence=Span(text, 0, len(text))), DateFact("Monday", 0, 6)],
        numbers=[NumberFact("one", 0, 3)],
        events=[Event(text, 0, len(text), "Alpha", "said", "hello")],
    )
    with caplog.at_level(logging.WARNING, logger="newsbrief.facts"):
        checked = check_spans(text, facts)
    assert [len(e.mentions) for e in checked.entities] == [1]
    assert checked.quotes == [] and checked.numbers == []
    assert [(d.start, d.end) for d in checked.dates] == [(good.start, good.end)]
    assert len(checked.events) == 1
    assert sum("does not slice" in r.message for r in caplog.records) == 4


def test_ner_model_guard_and_spacy_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBRIEF_FACTS_NER", "spacy")
    assert conll_tagger() is None


# --- with the spaCy model -------------------------------------------------------------------------------------


def test_entities_merge_names_the_article_relates_under_the_longest_name(sanctions: Facts) -> None:
    by_name = {e.name: e for e in sanctions.entities}
    assert [m.text for m in by_name["North Korea"].mentions] == ["North Korea"]
    assert [m.text for m in by_name["DPRK"].mentions] == ["DPRK"]  # the article never says what "DPRK" stands for
    assert [m.text for m in by_name["Adrienne Watson"].mentions] == ["Adrienne Watson", "Watson"]
    assert [m.text for m in by_name["Kim Jong-un"].mentions] == ["Kim Jong-un", "Kim"]
    assert by_name["International Grain Council"].count == 2
    assert by_name["Adrienne Watson"].label == "PERSON" and by_name["Moscow"].label == "GPE"
    assert sanctions.entities[0].salience == 1.0
    assert by_name["North Korea"].salience > by_name["Moscow"].salience


def test_direct_quotes_with_speaker_and_role(sanctions: Facts) -> None:
    first = quote(sanctions, "These entities helped")
    assert first.kind == "direct"
    assert first.text.endswith("across the border")
    assert (first.speaker, first.speaker_role) == ("Adrienne Watson", "National Security Council spokeswoman")
    assert first.speaker_span is not None and first.speaker_span.text == "Adrienne Watson"
    added = quote(sanctions, "We will not stop")
    assert added.speaker == "Adrienne Watson" and added.speaker_span.text == "she"  # type: ignore[union-attr]
    inverted = quote(sanctions, "It is a clear message")
    assert inverted.speaker == "John Kirby"
    assert inverted.speaker_role == "White House national security spokesman"
    partial = quote(sanctions, "never bow to pressure")
    assert "'hostile forces'" in partial.text
    assert partial.speaker == "Kim Jong-un"  # "Kim said ...", last name of a full name mentioned earlier


def test_reported_speech(sanctions: Facts) -> None:
    told = quote(sanctions, "the sanctions would take effect")
    assert (told.kind, told.speaker, told.speaker_span.text) == ("reported", "Adrienne Watson", "Watson")  # type: ignore[union-attr]
    igc = quote(sanctions, "wheat prices rose 12%")
    assert igc.kind == "reported" and igc.speaker == "International Grain Council"
    officials = quote(sanctions, "The US Treasury sanctioned")
    assert (officials.speaker, officials.speaker_role) == (None, "officials")


def test_dates_numbers_and_events(sanctions: Facts) -> None:
    assert [(d.text, d.iso) for d in sanctions.dates] == [
        ("Monday", "2026-11-23"),
        ("last month", "2026-10"),
        ("last week", "2026-W47"),
        ("November 3", "2026-11-03"),
    ]
    numbers = {n.text: n for n in sanctions.numbers}
    assert (numbers["three"].kind, numbers["three"].value, numbers["three"].counts) == ("CARDINAL", 3.0, "entities")
    assert (numbers["400"].value, numbers["400"].counts) == (400.0, "artillery shells")
    assert (numbers["$2.5 billion"].kind, numbers["$2.5 billion"].value) == ("MONEY", 2.5e9)
    assert (numbers["12%"].kind, numbers["12%"].value) == ("PERCENT", 12.0)
    assert numbers["400"].sentence is not None and "artillery shells across the border" in numbers["400"].sentence.text
    # "The US Treasury sanctioned three entities": a common-noun object, not shown; "state media reported": reported
    assert [(e.subject, e.action, e.object, e.reported) for e in sanctions.events] == [
        ("Kim Jong-un", "visited a factory in", "Pyongyang", True)
    ]


def test_curly_quotes_multi_paragraph_and_pronouns(grain: Facts) -> None:
    first = quote(grain, "The harvest was")
    assert first.speaker == "Maria Gonzalez"
    assert first.speaker_role == "chief economist at the International Grain Council"
    nested = quote(grain, "Farmers lost")
    assert "‘everything’" in nested.text and nested.speaker == "Maria Gonzalez"  # same paragraph as her quote
    continued = quote(grain, "We expect prices")
    assert continued.speaker == "Maria Gonzalez"  # continues the quote left open in the paragraph before
    he = quote(grain, "I have never seen")
    assert he.speaker == "Okafor" and he.speaker_span.text == "he"  # type: ignore[union-attr]  # "Mr." marks him
    she = quote(grain, "This is 'unprecedented'")
    assert she.speaker == "Maria Gonzalez"  # "Maria" is a female first name; Okafor in between is a man
    according = quote(grain, "wheat exports from Ukraine")
    assert (according.kind, according.speaker) == ("reported", "Maria Gonzalez")
    assert according.text == "wheat exports from Ukraine fell by a third in March"


def test_dates_against_a_saturday(grain: Facts) -> None:
    isos = {(d.text, d.iso) for d in grain.dates}
    assert {
        ("yesterday", "2026-11-27"),
        ("next Tuesday", "2026-12-01"),
        ("3 Nov 2027", "2027-11-03"),
        ("2025", "2025"),
        ("March", "2026-03"),  # "fell ... in March": past
        ("March", "2027-03"),  # "expect prices to stay high until March": future
    } <= isos


def test_unresolved_pronoun_stays_none(nlp) -> None:
    text = 'The minister arrived late and left early. "We are ready for anything now," she said.'
    facts = extract_facts([article(text)], nlp)[0]
    assert [(q.text, q.speaker) for q in facts.quotes] == [("We are ready for anything now", None)]


def test_conll_spans_are_typed_with_spacy_labels(nlp) -> None:
    text = "Angela Merkel met French officials in Paris."
    parsed = next(parse_articles([article(text)], nlp))
    spans = [[(0, 13, "PER"), (18, 24, "MISC"), (38, 43, "LOC")]]
    mentions = conll_mentions(parsed, spans)
    assert [(m.text, m.label) for m in mentions] == [("Angela Merkel", "PERSON"), ("French", "NORP"), ("Paris", "GPE")]


def test_batch_keeps_order_and_every_span_slices(nlp) -> None:
    articles = [article(SANCTIONS, "one"), article(GRAIN, "two", published=None), article("", "empty")]
    results = extract_facts(articles, nlp)
    assert [f.article_id for f in results] == ["one", "two", "empty"]
    for a, facts in zip(articles, results, strict=True):
        assert_slices(a.text, facts)
    assert results[2] == Facts("empty")
    assert all(d.iso is None for d in results[1].dates if d.text in ("yesterday", "next Tuesday"))


BAD_INPUTS = {
    "unbalanced": 'He said "this never ends. And “neither does this. Then "a" b " c ” d “ e.',
    "nested": '"She told me \'he said "no" twice\' and left," Ann Lee said. “Outer “inner” outer,” he said.',
    "no_entities": "it rained and then it stopped. nobody said anything about it at all, not even once.",
    "all_caps": 'PRESIDENT JOE BIDEN SAID ON MONDAY THAT "WE WILL WIN THIS FIGHT," ADDING 3 MILLION JOBS BY 2027.',
    "symbols": "$$$ %%% 12/34/5678 ““”” '' \"\" \n\n\n --- (((",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_does_not_crash_and_slices(nlp, name: str) -> None:
    text = BAD_INPUTS[name]
    facts = extract_facts([article(text, name)], nlp)[0]
    assert_slices(text, facts)


@pytest.mark.slow  # 220 KB through the parser and the tagger
def test_very_long_article_is_chunked_with_absolute_offsets(nlp) -> None:
    paragraph = SANCTIONS.replace("\n\n", " ")
    text = "\n\n".join([paragraph] * 120)  # about 120 KB
    text += "\n\n" + "WORD " * 20_000  # and a 100 KB paragraph without any sentence break
    facts = extract_facts([article(text, "long")], nlp)[0]
    assert_slices(text, facts)
    watson = next(e for e in facts.entities if e.name == "Adrienne Watson")
    assert watson.mentions[-1].start > len(text) - len(paragraph) - 100_000 - 10
    assert len([q for q in facts.quotes if q.text.startswith("These entities")]) == 120


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Barriers had been due to arrive on Thursday.", "2026-11-26"),  # a plan that lay in the past
        ("The first images are expected in mid-January.", "2027-01"),
        ("Ships waited, with no talks scheduled before Friday.", "2026-11-27"),
        ("Both sides have agreed to meet a mediator on Friday.", "2026-11-27"),
        ("Lenders said they would pass on the cut from December 1.", "2026-12-01"),
        ("He said the bridge would reopen on Monday.", "2026-11-30"),
        ("Watson said the sanctions would take effect on November 3.", "2026-11-03"),  # reported: either side
        ("Savings accounts could offer closer to 2.8% by the spring.", "2027-SP"),
        ("Rain started falling on Monday and did not stop.", "2026-11-23"),
    ],
)
def test_planned_expected_and_reported_future_dates(nlp, text: str, expected: str) -> None:
    thursday = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    assert extract_facts([article(text, published=thursday)], nlp)[0].dates[0].iso == expected


def test_an_infinitive_takes_its_governors_tense_unless_planned_and_forecasts_look_ahead(nlp) -> None:
    texts = {
        "The order brings the number of people told to leave their homes since Wednesday night to 4,800.": "2026-11-25",
        "The council plans to reopen the bridge on Monday.": "2026-11-30",
        "The weather office forecast a peak of 6.9 metres early on Friday.": "2026-11-27",  # what is predicted
        "The weather office on Monday forecast a peak of 6.9 metres.": "2026-11-23",  # when it was predicted
    }
    found = extract_facts([article(text, f"t{i}") for i, text in enumerate(texts)], nlp)
    assert [f.dates[0].iso for f in found] == list(texts.values())
