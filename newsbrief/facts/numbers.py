"""Money, percentages, quantities and counts with their parsed value and the noun phrase they count.

A number alone ("400") tells a reader nothing; "400 artillery shells" does. The counted phrase is read from the
dependency parse: the noun the number modifies (nummod), the object of 'of' ("three of the entities"), or what "the
number of" names when the number is where that number went ("brings the number of people ... to 4,800"). A number
standing alone as what a harm word (HARM) is about counts that word: "at least 19 were killed" counts "killed",
"the death toll rose to 357" counts "death toll", since news gives tolls so and ranking needs them. A plain
count (CARDINAL) with no counted phrase is dropped; money, percentages and quantities carry their unit. Values are
read by `newsbrief.numbers`, the parser the summary guard uses too (a MONEY entity is money to it: "$3m" is three
million, while "5 m" of cable is five metres).
"""

from __future__ import annotations

import re
import unicodedata

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from newsbrief.facts.parse import Parsed
from newsbrief.numbers import find_numbers
from newsbrief.records import NumberFact

KINDS = frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL"})
_COUNTED_DEPS = frozenset({"compound", "amod", "nmod"})
# What happens to people in news (killed, hurt, displaced, detained): a general class of words, no names of anything.
HARM = re.compile(
    r"\b(?:dead|deaths?|died|dies|dying|killed|killings?|kills?|fatalit(?:y|ies)|casualt(?:y|ies)|death\s+toll|toll"
    r"|injur(?:ed|ies|y|ing)|wounded|hurt|missing|evacuat(?:ed|ion|ions|es|ing)|evacuees|displaced|homeless|stranded"
    r"|rescued|trapped|victims?|starv(?:ed|ing|ation)|refugees|fled|arrested|detained|sentenced|jailed)\b",
    re.IGNORECASE,
)
_ARGUMENT = frozenset({"nsubj", "nsubjpass", "dobj"})


def counted_phrase(ent: SpacySpan) -> str | None:
    """The noun phrase a number counts: its nummod head ("400 artillery shells") or 'of' object ("three of them")."""
    root = ent.root
    noun: Token | None = None
    if root.dep_ in ("nummod", "quantmod") and root.head.pos_ in ("NOUN", "PROPN") and root.head.i >= ent.end:
        noun = root.head
    else:
        of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        noun = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    if noun is None:
        noun = _number_of(root)
    if noun is None and root.dep_ in _ARGUMENT and root.head.pos_ == "VERB" and HARM.fullmatch(root.head.text):
        return root.head.text  # "at least 19 were killed", "killing 60 and injuring 162"
    if noun is None or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    if noun.i < ent.start:  # a toll named before its number: "the death toll rose to 357"
        compounds = [t for t in noun.lefts if t.dep_ == "compound"]
        return ent.doc.text[(compounds or [noun])[0].idx : noun.idx + len(noun.text)]
    lefts = [t for t in noun.lefts if t.dep_ in _COUNTED_DEPS and t.i >= ent.end]
    tokens = [*[t for left in lefts for t in left.subtree if t.i >= ent.end], noun]
    tokens.sort(key=lambda t: t.i)
    start, end = tokens[0].idx, noun.idx + len(noun.text)
    return ent.doc.text[start:end]


def _number_of(root: Token) -> Token | None:
    """The noun after "number of" ("the number of people ... rose to 4,800"), found on a verb above the number's
    preposition (the parser often hangs "to 4,800" on a verb inside the clause that describes the people); or the
    harm noun there ("the death toll rose to 357", "bringing the toll to 357")."""
    if root.dep_ != "pobj" or root.head.dep_ != "prep":
        return None
    for verb in root.head.ancestors:
        for argument in verb.children if verb.pos_ in ("VERB", "AUX") else ():
            if argument.dep_ in ("nsubj", "dobj") and argument.pos_ == "NOUN" and HARM.fullmatch(argument.text):
                return argument
            if argument.dep_ in ("nsubj", "dobj") and argument.lemma_ == "number":
                of = next((c for c in argument.children if c.dep_ == "prep" and c.lower_ == "of"), None)
                return next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return None


def extract_numbers(parsed: Parsed) -> list[NumberFact]:
    """Every MONEY, PERCENT, QUANTITY and CARDINAL expression with value, counted phrase and sentence; a CARDINAL
    with no counted phrase ("down from a high of 4,800") is left out: alone it says nothing."""
    facts = []
    for offset, doc in parsed.chunks:
        for ent in doc.ents:
            if ent.label_ not in KINDS:
                continue
            counts = counted_phrase(ent) if ent.label_ in ("CARDINAL", "QUANTITY", "PERCENT") else None
            if ent.label_ == "CARDINAL" and counts is None:
                continue
            start, end, value = read_entity(ent)
            facts.append(
                NumberFact(
                    doc.text[start:end],
                    offset + start,
                    offset + end,
                    kind=ent.label_,
                    value=value,
                    counts=counts,
                    sentence=parsed.sentence_at(offset + start),
                )
            )
    return facts


def read_entity(ent: SpacySpan) -> tuple[int, int, float | None]:
    """Bounds in its doc and value of a number entity as the shared parser reads it. spaCy's span can leave out what
    makes the value, the scale letter of "$3m" (tagged "3") or the currency sign of "$2.5bn" (tagged "2.5bn"), so
    the tokens either side are read too and the span grows to the parser's number and a currency sign before it."""
    doc = ent.doc
    window_start = doc[ent.start - 1].idx if ent.start > 0 else ent.start_char
    window_end = doc[ent.end].idx + len(doc[ent.end]) if ent.end < len(doc) else ent.end_char
    window = doc.text[window_start:window_end]
    for number in find_numbers(window, tagged=True, money=ent.label_ == "MONEY"):
        start, end = window_start + number.start, window_start + number.end
        if start < ent.end_char and end > ent.start_char:
            start, end = min(start, ent.start_char), max(end, ent.end_char)
            if start > 0 and unicodedata.category(doc.text[start - 1]) == "Sc":
                start -= 1
            return start, end, number.value
    return ent.start_char, ent.end_char, None
