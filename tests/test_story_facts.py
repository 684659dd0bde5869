"""Story facts merged across outlets, on an invented flood of the River Merrow told by three outlets and a
syndicated copy: quotes deduplicated, numbers reconciled (a same-time disagreement, a later rise), a timeline, and
every merged span slicing its article. Runs the real spaCy pipeline and MiniLM once for the module."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsbrief.facts import extract_facts
from newsbrief.records import (
    DATE_FROM_FILE_TIME,
    DATE_ONLY,
    Article,
    ArticleDigest,
    NumberFact,
    SourceRef,
    StoryFacts,
    StoryNumber,
    Summary,
)
from newsbrief.stories.facts import (
    AGREED,
    CHANGED,
    CONFLICT,
    DIFFER,
    is_informative,
    is_rate,
    iso_start,
    merge_story_facts,
    normalise_quote,
    same_quote,
)

MORNING = datetime(2026, 3, 11, 8, 0, tzinfo=UTC)  # a Wednesday

BULLETIN = """Authorities evacuated 2,100 residents from Harlow Mead on Tuesday night after the River Merrow burst its banks.

"We will not let anyone sleep in a flooded house," said Ilse Brannock, director of the Merrow Flood Service. "Every street will be checked by morning."

Water covered 340 homes in the lower town, the council said. About 1,900 evacuated residents stayed in 12 shelters."""  # noqa: E501

COURIER = """The River Merrow flooded Harlow Mead on Tuesday night, and authorities evacuated 2,600 residents from the town.

‘We will not let anyone sleep in a flooded house,’ Brannock told reporters.

Water covered 340 homes in the lower town."""  # noqa: E501

LATER = """Authorities have now evacuated 3,400 residents from Harlow Mead as the River Merrow keeps rising.

"We will not let anyone sleep in a flooded house," a spokesperson said.

Water covered 520 homes in the lower town by Wednesday evening, the council said."""


def digest(text: str, id: str, source: str, published: datetime) -> ArticleDigest:
    article = Article(id=id, url=None, source=source, title="River Merrow floods Harlow Mead", text=text,
                      published=published)  # fmt: skip
    return ArticleDigest(article, Summary(id, "none", []), extract_facts([article])[0])


@pytest.fixture(scope="module")
def digests() -> list[ArticleDigest]:
    return [
        digest(BULLETIN, "bulletin", "Merrow Bulletin", MORNING),
        digest(COURIER, "courier", "Harlow Courier", MORNING.replace(hour=9)),  # within the hour: same time
        digest(LATER, "later", "Valley Wire", MORNING.replace(hour=20)),
        digest(BULLETIN, "copy", "Syndicate Daily", MORNING.replace(hour=10)),  # carries the bulletin verbatim
    ]


@pytest.fixture(scope="module")
def facts(digests: list[ArticleDigest]) -> StoryFacts:
    return merge_story_facts(digests, copies={"copy": "bulletin"})


def number(facts: StoryFacts, counts: str) -> StoryNumber:
    return next(n for n in facts.numbers if n.counts == counts)


def test_quote_carried_with_other_marks_trimmed_and_by_a_copy_is_one_quote(facts: StoryFacts) -> None:
    sleeping = [q for q in facts.quotes if "sleep in a flooded house" in q.text]
    assert len(sleeping) == 1
    quote = sleeping[0]
    assert quote.speaker == "Ilse Brannock"  # the named speaker wins over "a spokesperson"
    assert {s.article_id for s in quote.sources} == {"bulletin", "courier", "later", "copy"}
    assert quote.text == "We will not let anyone sleep in a flooded house"
    assert facts.quotes[0] is quote  # carried by the most outlets


def test_same_time_disagreement_is_a_conflict(facts: StoryFacts) -> None:
    residents = [n for n in facts.numbers if n.counts == "residents" and any(r.value == 2100 for r in n.readings)]
    assert len(residents) == 1 and residents[0].status == CONFLICT
    values = {(r.article_id, r.value) for r in residents[0].readings}
    assert {("bulletin", 2100.0), ("courier", 2600.0), ("later", 3400.0)} <= values


def test_copy_does_not_corroborate_a_number(facts: StoryFacts) -> None:
    readings = [r for n in facts.numbers for r in n.readings]
    assert "copy" not in {r.article_id for r in readings}


def test_later_higher_figure_is_a_change(facts: StoryFacts) -> None:
    homes = number(facts, "homes")
    assert homes.status == CHANGED
    assert [(r.source, r.value) for r in homes.readings] == [
        ("Merrow Bulletin", 340.0),
        ("Harlow Courier", 340.0),
        ("Valley Wire", 520.0),
    ]


def test_a_figure_one_outlet_gives_is_agreed(facts: StoryFacts) -> None:
    assert number(facts, "shelters").status == AGREED


@pytest.mark.parametrize(
    ("text", "value", "shown"),
    [("one", 1, False), ("two", 2, False), ("21:14 UTC", 21, False), ("6 a.m.", 6, False), ("7", 7, True),
     ("12", 12, True), ("eleven", 11, True)],
)  # fmt: skip
def test_count_words_under_ten_and_times_of_day_are_not_figures(text: str, value: float, shown: bool) -> None:
    assert is_informative(NumberFact(text, 0, len(text), kind="CARDINAL", value=value)) is shown


@pytest.mark.parametrize(
    ("counts", "shown"),
    [("VOLUNTEERING AT THE SOIL SEED BANK", False), ("WILD GREENS", False), ("FBI agents", True), ("UNICEF", True),
     ("NGOs", True), ("people", True)],
)  # fmt: skip
def test_a_number_that_heads_a_section_in_capitals_is_not_a_figure(counts: str, shown: bool) -> None:
    assert is_informative(NumberFact("12", 0, 2, kind="CARDINAL", value=12, counts=counts)) is shown


def test_timeline_is_dated_deduplicated_and_in_order(facts: StoryFacts) -> None:
    isos = [e.iso for e in facts.timeline]
    assert isos == sorted(isos, key=iso_start)
    tuesday = [e for e in facts.timeline if e.iso == "2026-03-10"]
    assert tuesday and all("Tuesday night" in e.sentence.text for e in tuesday)
    assert len({e.sentence.article_id for e in tuesday}) == len(tuesday) < 3  # the copy's repeat is dropped
    assert "2026-03-11" in isos


def test_entities_count_outlets(facts: StoryFacts) -> None:
    merrow = next(e for e in facts.entities if "Merrow" in e.name and e.label in ("LOC", "GPE", "FAC", "ORG"))
    assert merrow.articles >= 3 and "Valley Wire" in merrow.sources
    assert facts.entities[0].articles == 4


def test_every_merged_span_slices_its_article(digests: list[ArticleDigest], facts: StoryFacts) -> None:
    texts = {d.article.id: d.article.text for d in digests}
    refs: list[SourceRef] = [s for q in facts.quotes for s in q.sources]
    refs += [r for n in facts.numbers for r in n.readings]
    refs += [ref for e in facts.timeline for ref in (e.date, e.sentence)]
    assert refs
    for ref in refs:
        assert texts[ref.article_id][ref.start : ref.end] == ref.text


def test_no_information_facts_are_dropped_at_the_article_level(digests: list[ArticleDigest]) -> None:
    for d in digests:
        assert all(n.counts or n.kind != "CARDINAL" for n in d.facts.numbers)
        assert not any(e.subject.replace(",", "").split()[-1].isdigit() for e in d.facts.events)
    bare = extract_facts([Article("b", None, "t", "", "About 1,150 spent a second night in Harlow Mead.")])[0]
    assert bare.events == []


def test_quote_matching_and_dates() -> None:
    assert normalise_quote("“We will  not—stop,” ") == "we will not stop"
    assert same_quote("we will not stop", "we will not stop now")
    assert not same_quote("we will not", "we will nothing")  # words, not characters
    assert [str(iso_start(i)) for i in ("2026-W11", "2026-Q2", "2026-SU", "1990/1999")] == [
        "2026-03-09",
        "2026-04-01",
        "2026-06-01",
        "1990-01-01",
    ]


def test_a_date_read_off_another_date_is_not_a_timeline_entry() -> None:
    """ "the next day" is only as right as the date it hangs on, which may sit in another sentence: the timeline
    keeps the dates the text names or reads off the publication day, and leaves the anaphoric ones out."""
    text = (
        "The Merrow dam was closed on March 3, 2026, after engineers found a crack. "
        "Repairs began the next day and will take a month, the council said."
    )
    [found] = [digest(text, "dam", "Merrow Bulletin", MORNING)]
    by_text = {d.text: d for d in found.facts.dates}
    assert by_text["the next day"].anaphoric and by_text["the next day"].iso == "2026-03-04"
    assert not by_text["March 3, 2026"].anaphoric
    assert [e.iso for e in merge_story_facts([found]).timeline] == ["2026-03-03"]


def test_a_date_of_something_the_sentence_only_mentions_is_not_a_timeline_entry() -> None:
    """Under "Tue 3 Mar" the reader takes the sentence for what happened that day: a date inside a relative clause
    belongs to another event than the one the sentence reports."""
    text = (
        "Police on Monday arrested the engineer who signed off the Merrow dam repairs on March 3, 2026. "
        "The council reopened the dam on Tuesday."
    )
    [found] = [digest(text, "dam", "Merrow Bulletin", MORNING)]
    entries = merge_story_facts([found]).timeline
    assert [(e.iso, e.date.text) for e in entries] == [("2026-03-09", "Monday"), ("2026-03-10", "Tuesday")]


@pytest.mark.parametrize(
    ("sentence", "shown"),
    [
        ("The new radar sees through cloud and works at night.", False),
        ("Divers search the harbour in the morning, when the water is calm.", False),
        ("The council closed the harbour last night.", True),
        ("The ferry sank on Monday night off the Lindmoor coast.", True),
        ("The cargo rocket lifted off as planned at 8:51 p.m. from the Lindmoor pad.", False),
    ],
)
def test_a_part_of_a_day_is_a_timeline_date_only_with_its_day(sentence: str, shown: bool) -> None:
    """ "at night" names no day: put under the publication day it would invent an event's date."""
    [found] = [digest(sentence, "radar", "Merrow Bulletin", MORNING)]
    assert bool(merge_story_facts([found]).timeline) is shown


def test_a_bare_count_that_a_harm_word_is_about_counts_that_word() -> None:
    """ "at least 19 were killed" names no noun, yet it is the toll: the harm word is what it counts."""
    text = (
        "Gunmen stormed the Orrin museum on Tuesday, and at least 19 were killed, police said. "
        "The storm's death toll in the valley rose to 357. Rescuers watched 140 pilot whales dying on the shore."
    )
    facts = extract_facts([Article("h", None, "Wire", "t", text)])[0]
    assert {n.text: n.counts for n in facts.numbers} == {
        "at least 19": "killed",
        "357": "death toll",
        "140": "pilot whales",
    }


def toll_story(sentences: list[str], sources: list[str], hours: list[int]) -> StoryFacts:
    digests = [
        digest(text, f"a{n}", source, MORNING.replace(hour=hour))
        for n, (text, source, hour) in enumerate(zip(sentences, sources, hours, strict=True))
    ]
    return merge_story_facts(digests)


TOLLS = [
    "Floods have killed 194 people in {0}, officials said on Tuesday.",
    "In {0}, 140 people died in the floods, officials said on Tuesday.",
    "At least 231 people have died in the floods in {0}, officials said on Tuesday.",
]


def test_figures_given_for_different_places_are_different_quantities() -> None:
    places = ["Guatemala", "El Salvador", "Honduras"]
    apart = toll_story([t.format(p) for t, p in zip(TOLLS, places, strict=True)], ["A", "B", "C"], [8, 8, 8])
    people = [n for n in apart.numbers if n.counts == "people"]
    assert sorted(len(n.readings) for n in people) == [1, 1, 1] and {n.status for n in people} == {AGREED}
    together = toll_story([t.format("Honduras") for t in TOLLS], ["A", "B", "C"], [8, 8, 8])
    [toll] = [n for n in together.numbers if n.counts == "people"]  # the same place: one disputed toll
    assert toll.status == CONFLICT and len(toll.readings) == 3


def test_one_outlets_differing_reports_are_not_outlets_disagreeing() -> None:
    texts = [t.format("Honduras") for t in TOLLS[:2]]
    [same_outlet] = [n for n in toll_story(texts, ["A", "A"], [8, 9]).numbers if n.counts == "people"]
    assert same_outlet.status == DIFFER
    [later] = [n for n in toll_story(texts, ["A", "A"], [8, 20]).numbers if n.counts == "people"]
    assert later.status == CHANGED


def test_a_figure_restated_in_other_units_is_no_quantity_of_its_own() -> None:
    facts = toll_story(
        ["Winds of 180 mph (290 kph) battered the Orrin coast on Tuesday.",
         "The storm was moving west at 8 mph (12 kph) on Tuesday.",
         "The storm hit Orrin with 120-mph (205-kph) winds on Tuesday."],
        ["A", "B", "C"], [8, 8, 8],
    )  # fmt: skip
    assert not [r.text for n in facts.numbers for r in n.readings if r.text in ("290", "12", "205")]


@pytest.mark.parametrize(("text", "shown"), [("1948", False), ("2026", False), ("1,948", True), ("12,000", True)])
def test_a_year_is_not_a_figure(text: str, shown: bool) -> None:
    value = float(text.replace(",", ""))
    assert is_informative(NumberFact(text, 0, len(text), kind="CARDINAL", value=value)) is shown


@pytest.mark.parametrize(("counts_plural", "shown"), [(True, True), (False, False)])
def test_a_year_shaped_count_is_a_figure_when_extraction_found_it_counts_a_plural(
    counts_plural: bool, shown: bool
) -> None:
    number = NumberFact("1500", 0, 4, kind="CARDINAL", value=1500.0, counts="troops", counts_plural=counts_plural)
    assert is_informative(number) is shown


def test_quotes_posts_and_chronology_lines_are_not_timeline_events() -> None:
    """Wire copy writes quotes ``so''; a quote can run over several sentences (its middle sentence carries no mark),
    or hold the date inside it. A sentence that points back ("He said ...") cannot be shown alone either."""
    text = (
        "The council reopened the Merrow dam on Tuesday, officials said.\n\n"
        "``We closed the dam on March 3, 2026, and we were right to,'' the mayor said.\n\n"
        "The mayor told reporters, ``Crews worked all night. We reopened the bridge on Monday.''\n\n"
        '"We saw the water rise. The pumps failed on Thursday. Nobody was hurt," the engineer said.\n\n'
        "An engineer said that ``on March 2, 2026, we saw the crack'' in the wall.\n\n"
        "Crews cleared the road on Sunday pic.twitter.com/x1Yz2\n\n"
        "March 4, 2026: The council closes the Merrow bridge.\n\n"
        "He said on Wednesday that the bridge would stay shut."
    )
    [found] = [digest(text, "dam", "Merrow Bulletin", MORNING)]
    entries = merge_story_facts([found]).timeline
    assert [(e.iso, e.sentence.text) for e in entries] == [
        ("2026-03-10", "The council reopened the Merrow dam on Tuesday, officials said.")
    ]
    dates = {d.iso for d in found.facts.dates}
    assert dates >= {"2026-03-02", "2026-03-03", "2026-03-04", "2026-03-08", "2026-03-09", "2026-03-11", "2026-03-05"}


def test_a_figure_inside_a_quotation_is_the_speakers_claim_not_a_story_figure() -> None:
    said = digest(
        'Authorities evacuated Harlow Mead on Tuesday. "We have moved 2,100 residents and the shelters are full," '
        "said Ilse Brannock of the Merrow Flood Service.",
        "said",
        "Merrow Bulletin",
        MORNING,
    )
    reported = digest(
        "Authorities moved 2,600 residents from Harlow Mead on Tuesday night, the council said.",
        "reported",
        "Harlow Courier",
        MORNING,
    )
    values = [r.value for n in merge_story_facts([said, reported]).numbers for r in n.readings]
    assert 2600 in values and 2100 not in values


def test_a_date_guessed_from_a_files_time_orders_no_figures() -> None:
    """Two reports whose only dates are their files' times cannot say which figure came first: they differ, and
    neither a change nor a conflict is claimed."""
    guessed = [
        digest("Authorities evacuated 2,100 residents from Harlow Mead on Tuesday.", "one", "Merrow Bulletin", MORNING),
        digest("Authorities evacuated 2,600 residents from Harlow Mead on Tuesday.", "two", "Harlow Courier", MORNING),
    ]
    for found in guessed:
        found.article.flags.append(DATE_FROM_FILE_TIME)
    [residents] = [n for n in merge_story_facts(guessed).numbers if n.counts == "residents"]
    assert residents.status == DIFFER


def test_one_value_in_two_outlets_is_one_figure_unless_one_is_a_rate() -> None:
    """Both outlets count 12 ships, but one says 12 more a day join the queue and the other that 12 have gone to other
    ports: citing both for either would credit an outlet with what it never said. A paraphrase of one count stays
    one figure with both outlets."""
    anchor = digest(
        "The queue of container ships waiting off Harlow grows by 12 ships a day, the harbour office said.",
        "anchor",
        "Merrow Bulletin",
        MORNING,
    )
    diverted = digest(
        "At least 12 ships have diverted to other ports since the strike began, shipping agents said.",
        "diverted",
        "Harlow Courier",
        MORNING.replace(hour=9),
    )
    paraphrase = digest(
        "Shipping agents counted 12 ships sent on to other harbours since the walkout started.",
        "paraphrase",
        "Valley Wire",
        MORNING.replace(hour=10),
    )
    ships = [n for n in merge_story_facts([anchor, diverted, paraphrase]).numbers if n.counts.endswith("ships")]
    assert sorted(sorted(r.article_id for r in n.readings) for n in ships) == [["anchor"], ["diverted", "paraphrase"]]


@pytest.mark.parametrize(
    ("sentence", "rate"),
    [
        ("The queue grows by 12 ships a day.", True),
        ("Exports fell by 300 tonnes per month.", True),
        ("About 40 volunteers clean the beach every week.", True),
        ("At least 12 ships have diverted to other ports.", False),
        ("The port handled 40 ships a year ago.", False),
    ],
)
def test_a_figure_per_day_week_or_year_is_a_rate(sentence: str, rate: bool) -> None:
    [found] = [digest(sentence, "r", "Merrow Bulletin", MORNING)]
    [number] = [n for n in found.facts.numbers if n.value and n.value >= 12]
    assert is_rate(number) is rate


def test_a_day_only_date_travels_with_the_facts_read_from_its_article() -> None:
    found = digest("Crews rescued 40 people from the Merrow on Tuesday.", "d", "Merrow Bulletin", MORNING)
    found.article.flags.append(DATE_ONLY)
    facts = merge_story_facts([found])
    refs = [r for n in facts.numbers for r in n.readings] + [e.date for e in facts.timeline]
    assert refs and all(r.date_only for r in refs)
