"""One sentence splitter: spaCy's parse of an article ends its sentences where `split_sentences` does, in every
chunk, so a token's `sent`, a fact's `sentence` and a summary sentence are the same span."""

from __future__ import annotations

import pytest

from newsbrief.facts.parse import Parsed, parse_articles
from newsbrief.records import Article

# Invented; each line has a boundary the parser alone draws otherwise: a title before a name, a name that ends one
# sentence and opens the next, a lower-case opening, list lines without a full stop.
TEXT = (
    "Vermont Sen. Ada Price met Gen. Tomas Ode at 5 p.m. on Monday in Lindmoor. Hun Sen. Hun Sen was not there.\n\n"
    "The talks ended. no agreement was reached, aides said. \u201cWe tried,\u201d Price said. "
    "\u201cIt failed.\u201d\n\n"
    "The plan had three parts:\n- a ceasefire\n- a prisoner exchange\n- new talks in May"
)


def _parser_sentences(parsed: Parsed) -> list[tuple[int, int]]:
    """(start, end) in the article of each sentence of the parse, without the white space tokens that end it."""
    spans = []
    for offset, doc in parsed.chunks:
        for sent in doc.sents:
            start = offset + sent.start_char
            spans.append((start, start + len(sent.text.rstrip())))
    return spans


def _article(text: str) -> Article:
    return Article(id="t", url=None, source="test", title="", text=text)


def test_parser_sentences_are_the_rule_based_sentences(nlp) -> None:
    parsed = next(parse_articles([_article(TEXT)], nlp))
    rule = [(s.start, s.end) for s in parsed.sentences]
    assert _parser_sentences(parsed) == rule
    assert [TEXT[a:b] for a, b in rule][:3] == [
        "Vermont Sen. Ada Price met Gen. Tomas Ode at 5 p.m. on Monday in Lindmoor.",
        "Hun Sen.",
        "Hun Sen was not there.",
    ]
    own = [s.text.rstrip() for s in nlp(TEXT).sents]  # what the parser would draw by itself
    assert own != [s.text for s in parsed.sentences]


def test_every_token_sits_in_its_rule_sentence_across_chunks(nlp) -> None:
    text = "\n\n".join([TEXT] * 100)  # about 28,000 characters: two chunks
    parsed = next(parse_articles([_article(text)], nlp))
    assert len(parsed.chunks) > 1
    assert _parser_sentences(parsed) == [(s.start, s.end) for s in parsed.sentences]
    for offset, token in parsed.tokens():
        if not token.is_space:
            sentence = parsed.sentence_at(offset + token.idx)
            assert sentence is not None and sentence.start == offset + token.sent.start_char
            assert text[sentence.start : sentence.end] == sentence.text


@pytest.mark.parametrize(
    ("text", "count", "date"),
    [
        ("On Friday 120 dockworkers walked out at Lindmoor.", "120", "Friday"),  # no 120th day
        ("In 1998 45 fishermen died off the Tavey coast.", "45", "1998"),  # nothing follows a year in a date
        ("By Tuesday 64 boats had left the harbour.", "64", "Tuesday"),
        ("On Friday 1,200 dockworkers walked out at Lindmoor.", "1,200", "Friday"),  # a separator: no day, no year
    ],
)
def test_a_count_the_tagger_folds_into_a_date_is_set_apart(nlp, text: str, count: str, date: str) -> None:
    [parsed] = parse_articles([Article(id="c", url=None, source="test", title="", text=text)], nlp)
    [(_, doc)] = parsed.chunks
    labels = {ent.text: ent.label_ for ent in doc.ents}
    assert labels.get(count) == "CARDINAL" and labels.get(date) == "DATE"


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("The ferry sailed on March 3 2026 from Lindmoor.", "March 3 2026"),
        ("The ferry sailed at 9 in the morning from Lindmoor.", "9 in the morning"),
    ],
)
def test_calendar_expressions_keep_their_own_numbers(nlp, text: str, expression: str) -> None:
    [parsed] = parse_articles([Article(id="c", url=None, source="test", title="", text=text)], nlp)
    [(_, doc)] = parsed.chunks
    assert expression in {ent.text for ent in doc.ents}
