"""Speakers with the shipped tagger: inverted and misparsed attributions, pronouns, "it said", bodies as sources.

The article is invented; every expected speaker was checked by hand against it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsbrief.facts import extract_facts, load_nlp
from newsbrief.facts.coref import PronounResolver
from newsbrief.facts.parse import parse_articles
from newsbrief.facts.quotes import extract_quotes
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


def _quote_sources(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    """(kind, speaker, role, speaker span text) of each quote of a one-article text."""
    published = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    article = Article(id="a", url=None, source="test", title="", text=text, published=published)
    quotes = extract_facts([article], load_nlp())[0].quotes
    assert all(text[q.start : q.end] == q.text for q in quotes)
    assert all(text[q.speaker_span.start : q.speaker_span.end] == q.speaker_span.text for q in quotes if q.speaker_span)
    return [(q.kind, q.speaker, q.speaker_role, q.speaker_span.text if q.speaker_span else None) for q in quotes]


def _source(text: str, kind: str = "direct") -> str:
    """The speaker, else the role, else the span of the text's one quote of `kind`, '' for none."""
    [(_, speaker, role, span)] = [q for q in _quote_sources(text) if q[0] == kind]
    return speaker or role or span or ""


# The listener named in a reporting clause (an object, a dative, a preposition, a passive subject, a vocative inside
# the quote) is never the speaker; the subject of the reporting verb, or a passive's by-agent, is. Each case has
# the quotation before and after its attribution.
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"You should resign before the summer is out!" Lena Dorsey shouted at Karl Feld.', "Dorsey"),
        (
            'Protester Lena Dorsey shouted at Minister Karl Feld, "You should resign before the summer is out!"',
            "Dorsey",
        ),
        ('"You should resign, you coward!" shouted a protester at Minister Karl Feld.', "protester"),
        ('"Resign now, you have failed us all!" a protester yelled at Karl Feld.', "protester"),
        ('"You have ignored us for years," a fisherman yelled at Karl Feld.', "fisherman"),
        ('"Your budget will ruin the harbour towns," Lena Dorsey told Karl Feld on Tuesday.', "Dorsey"),
        ('Lena Dorsey told Karl Feld: "Your budget will ruin the harbour towns."', "Dorsey"),
        ('"You have failed every one of us," the fisherman told Karl Feld.', "fisherman"),
        ('"Will you stand down before the vote?" Lena Dorsey asked Karl Feld.', "Dorsey"),
        ('Lena Dorsey asked Karl Feld, "Will you stand down before the vote?"', "Dorsey"),
        ('"Why did you cut the ferry budget?" asked Lena Dorsey of Karl Feld.', "Dorsey"),
        ('"What happens to the ferry now?" asked a reporter at the back of the hall.', "reporter"),
        ('"We cannot wait another year for the bridge," Lena Dorsey said to Karl Feld.', "Dorsey"),
        ('Lena Dorsey wrote to Karl Feld: "The bridge must be finished this year."', "Dorsey"),
        ('"We cannot wait another year for the bridge," Karl Feld was told by Lena Dorsey.', "Dorsey"),
        ('Karl Feld was told by Lena Dorsey: "We cannot wait another year for the bridge."', "Dorsey"),
        ('Karl Feld was asked by reporters: "Will you resign before the vote?"', "reporters"),
        ('"Mr. Feld, we cannot wait another year for the bridge," said Lena Dorsey.', "Dorsey"),
        ('"Minister Feld, your budget will ruin the harbour towns," Dorsey said.', "Dorsey"),
        ('Karl Feld listened. "Mr. Feld, you have ignored us for years," a fisherman shouted.', "fisherman"),
        ('"Go home, Feld, nobody here wants you," a protester screamed.', "protester"),
    ],
)
def test_the_listener_is_not_the_speaker(text: str, speaker: str) -> None:
    source = _source(text)
    assert source.split()[-1] == speaker and "Feld" not in source


@pytest.mark.parametrize(
    "text",
    [
        '"You have failed every one of us," Karl Feld was told.',
        'Karl Feld was told: "You have failed every one of us."',
    ],
)
def test_a_passive_without_its_agent_names_no_speaker(text: str) -> None:
    assert _source(text) == ""


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Lena Dorsey told Karl Feld that the bridge must be finished this year.", "Dorsey"),
        ("Karl Feld was told by Lena Dorsey that the bridge must be finished this year.", "Dorsey"),
        ("Lena Dorsey tweeted at dawn and urged Karl Feld to finish the bridge this year.", "Dorsey"),
        ("Asked by Karl Feld about the bridge, Lena Dorsey said it would open in May.", "Dorsey"),
        ("The Harbour Gazette quoted Lena Dorsey as saying that the bridge would open in May.", "Dorsey"),
    ],
)
def test_reported_speech_is_the_reporting_subjects(text: str, speaker: str) -> None:
    source = _source(text, kind="reported")
    assert source.split()[-1] == speaker and "Feld" not in source


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('Dorsey to Feld: "You have failed every one of us."', "Dorsey"),
        ("A lesson from Lena Dorsey: 'Never wait for the ferry.'", "Dorsey"),
    ],
)
def test_headline_colon_names_the_source_not_the_listener(text: str, speaker: str) -> None:
    assert _source(text).split()[-1] == speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # the verb next to the quotation introduces it, not an earlier one in the sentence
        (
            'Lena Dorsey noted that the ferry had lost money for years ― Karl Feld boasted, "That makes me a '
            'good manager."',
            "Feld",
        ),
        # any verb right after a quotation with its subject between them is the attribution
        ('"The harbour towns deserve better than this," the letter reads.', "letter"),
        ('"Did you see the cranes fall? They just went," she yells at the crowd. Lena Dorsey ran.', "she"),
        ('"Why is the ferry still idle in May?" Dorsey demanded.', "Dorsey"),
        # a participle without a subject of its own takes the speaker of what it depends on
        ('Lena Dorsey sang to the crowd before asking them, "Where do we go from here?"', "Dorsey"),
        ('The advert shows footage of Karl Feld saying, "The bridge will open in May."', "Feld"),
        ('"We will never forget this day," Feld was quoted as saying.', "Feld"),
        # 'who' speaks for the noun it follows
        ('Feld was confronted by Lena Dorsey, who said: "You have failed every one of us."', "Dorsey"),
    ],
)
def test_the_verb_that_introduces_the_quotation_names_its_speaker(text: str, speaker: str) -> None:
    assert _source(text).split()[-1] == speaker


def test_a_quotation_continuing_a_reported_clause_stays_with_its_reporting_verb() -> None:
    text = 'Lena Dorsey admitted that some traders feel that way, "but not the ones who run the quay."'
    assert _source(text) == "Lena Dorsey"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            'The main demand of the dockers is a "safe crane for every shift of the week," as a union leaflet put it.',
            "leaflet",
        ),
        (
            'As Lena Dorsey put it in a letter to the council, the ferry is "a boat that nobody wants to sail."',
            "Dorsey",
        ),
        ("Yet, as Dorsey observed, in the first week of the strike ''who would unload the fish?''", "Dorsey"),
    ],
)
def test_as_x_put_it_gives_the_sentence_its_source(text: str, speaker: str) -> None:
    assert _source(text).split()[-1] == speaker


def test_a_pronoun_the_resolver_leaves_open_is_not_replaced_by_the_quote_before_it() -> None:
    text = (
        'Sven Aalto and Ilse Varga met the council. "The plan is sound," a clerk said. "It never crossed my mind '
        'that we could lose the pier," she said several months later.'
    )
    sources = {q[0:1] + q[3:] for q in _quote_sources(text)}
    assert ("direct", "she") in sources


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a quoted phrase inside a clause of any verb is that clause's subject's
        ('Lena Dorsey called the ferry plan "a disgrace to the whole harbour" on Monday.', "Dorsey"),
        ('Lena Dorsey dismissed the harbour board as being "out of touch with the fishermen."', "Dorsey"),
        # ... but not the subject of a content clause, which holds the words of the clause above it
        (
            'The Harbour Gazette ruled that the mayor\'s claim about "thousands of lost jobs" was "false" after a '
            "week of checks.",
            "Gazette",
        ),
        # a parenthetical 'she said' inside the sentence names it, not the clause's subject
        ("Fishermen, she said, can ''mend a net like nobody else'' and ''outlast any storm.''", "she"),
        # the subject of a quotation earlier in the sentence is not the speaker of the next one
        (
            '"You know, I admire the harbour master," he said, but "when it comes to ferries, the harbour master '
            'has a history of siding with the owners."',
            "he",
        ),
    ],
)
def test_a_quoted_phrase_inside_a_clause_is_its_subjects(text: str, speaker: str) -> None:
    sources = [q for q in _quote_sources(text) if q[0] == "direct"]
    assert sources and all((q[1] or q[2] or q[3] or "").split()[-1] == speaker for q in sources[-1:])


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            '"The ferry is safe," Lena Dorsey said in her speech. Karl Feld "has given up on the pier and wants to '
            'sell every boat we own."',
            "Lena Dorsey",
        ),
        (
            '"We kept our word to the town," Dorsey told the council. The harbour board "has failed every family on '
            'this quay."',
            "Dorsey",
        ),
        (
            '"Already, the two towns have shown a willingness to share the pier," Dorsey said on Monday. Mayor Karl '
            'Feld "has put aside his plan to sell the ferry and come back to the table."',
            "Dorsey",
        ),
    ],
)
def test_a_quotation_continuing_a_speech_is_the_speakers_not_its_topics(text: str, speaker: str) -> None:
    """A quotation with its own verb after a name ('Feld "has given up ..."'), in a paragraph that already quotes
    someone, carries on that speech: the name is what it is about."""
    quotes = [q for q in _quote_sources(text) if q[0] == "direct"]
    assert [q[1] for q in quotes] == [speaker, speaker]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        (
            "Lena Dorsey and Karl Feld will seek to play down the friction between them, according to a number of "
            "analysts.",
            "number of analysts",
        ),
        (
            "Over the longer term, a number of analysts say that Lena Dorsey and Karl Feld will seek to play down "
            "the friction between them.",
            "number of analysts",
        ),
        ("According to two officials, Karl Feld plans to reopen the ferry berth before the spring.", "two officials"),
        ("Officials said that Lena Dorsey wants to sell the ferry before the summer.", "Officials"),
    ],
)
def test_a_plan_inside_someone_elses_statement_is_theirs(text: str, role: str) -> None:
    """'X will seek to ...' inside an 'according to' sentence or another's reported clause is the source's account
    of the plan, so neither person named in it is credited with a statement."""
    quotes = _quote_sources(text)
    assert [(q[1], q[2]) for q in quotes] == [(None, role)]


def _speaker_with(text: str, entity: Entity) -> str | None:
    """The speaker of the one quote of `text`, the article's only entity being `entity` (a name as the tagger can
    get it wrong)."""
    [parsed] = parse_articles([Article(id="w", url=None, source="test", title="", text=text)], load_nlp())
    [quote] = extract_quotes(parsed, [entity], PronounResolver([entity], text))
    return quote.speaker


def _entity(text: str, name: str, label: str, spans: list[str]) -> Entity:
    mentions, at = [], 0
    for span in spans:
        at = text.index(span, at)
        mentions.append(Mention(span, at, at + len(span), label))
        at += len(span)
    return Entity(name, label, mentions)


@pytest.mark.parametrize(
    ("text", "name", "label", "spans", "speaker"),
    [
        (  # a word the tagger glued on: the name modifies a noun after it
            '"We had no manual at all," said Ana Ruiz. In 2017 she was given an Ana Ruiz Lego minifigure.',
            "Ana Ruiz Lego",
            "PERSON",
            ["Ana Ruiz", "Ana Ruiz Lego"],
            "Ana Ruiz",
        ),
        (  # glued by a dash
            "The hall played Claude Debussy—all of it. Claude said the old pier had to go before the spring.",
            "Claude Debussy—all",
            "PERSON",
            ["Claude Debussy—all", "Claude"],
            "Claude",
        ),
        (  # glued into a hyphenated modifier
            "Some of the tools are Facebook-specific. Facebook said the tools would close before the spring.",
            "Facebook-specific",
            "ORG",
            ["Facebook-specific", "Facebook"],
            "Facebook",
        ),
        (  # hyphens inside a name and a possessive are whole names
            "Ban Ki-moon's aides met him. Ban Ki-moon said the old pier had to go before the spring.",
            "Ban Ki-moon",
            "PERSON",
            ["Ban Ki-moon", "Ban Ki-moon"],
            "Ban Ki-moon",
        ),
        (  # an organisation speaks through a modifier
            "NSC officials said the old pier had to go before the spring.",
            "NSC",
            "ORG",
            ["NSC"],
            "NSC",
        ),
    ],
)
def test_a_speaker_is_shown_by_a_whole_name(text: str, name: str, label: str, spans: list[str], speaker: str) -> None:
    assert _speaker_with(text, _entity(text, name, label, spans)) == speaker


def test_an_organisation_in_a_topic_phrase_is_not_the_source() -> None:
    text = "Bids are placed according to a user's parental status on the Display Network."
    entity = _entity(text, "Display Network", "ORG", ["Display Network"])
    assert _speaker_with(text, entity) is None


def test_he_said_after_a_quote_goes_to_the_man_just_named_after_a_woman_before_him() -> None:
    """A mediator named two paragraphs earlier is not the chief executive whose quote 'he said' closes."""
    text = (
        '"Real progress has been made," said Ana Ruiz, the mediator who chaired the session. She said both sides '
        "would return on Monday.\n\n"
        "Tomas Brandt, chief executive of the port, said the offer would cost about €14 million a year. "
        '"We have moved a long way today. It is now for the union to move too," he said.'
    )
    article = Article(
        id="m", url=None, source="test", title="Talks", text=text, published=datetime(2026, 11, 27, tzinfo=UTC)
    )
    quotes = {q.text[:20]: q.speaker for q in extract_facts([article], load_nlp())[0].quotes}
    assert quotes["We have moved a long"] == "Tomas Brandt"
