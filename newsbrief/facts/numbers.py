"""Money, percentages, quantities and counts with their parsed value and the noun phrase they count.

A number alone ("400") tells a reader nothing; "400 artillery shells" does. The counted phrase is read from the
dependency parse: the noun the number modifies (nummod), the object of 'of' ("three of the entities"), or what "the
number of" names when the number is where that number went ("brings the number of people ... to 4,800"). A plain
count (CARDINAL) with no counted phrase is dropped; money, percentages and quantities carry their unit.
"""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from newsbrief.facts.parse import Parsed
from newsbrief.records import NumberFact

KINDS = frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL"})
UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1, "dozen": 12, "half": 0.5,
}  # fmt: skip
SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "trn": 1e12,
}  # fmt: skip
_NUMERIC = re.compile(r"(\d[\d,]*(?:\.\d+)?|\.\d+)\s*(" + "|".join(sorted(SCALES, key=len, reverse=True)) + r")?\b")
_WORD = re.compile(r"[a-z]+")
_COUNTED_DEPS = frozenset({"compound", "amod", "nmod"})


def parse_value(expression: str) -> float | None:
    """Numeric value of "$2.5 billion", "30%", "1,200", "three", "twenty-five thousand"; None for "hundreds"."""
    lowered = expression.casefold().replace("-", " ")
    if m := _NUMERIC.search(lowered):
        digits = m.group(1).replace(",", "")
        try:
            value = float(digits)
        except ValueError:
            return None
        return value * SCALES[m.group(2)] if m.group(2) else value
    return _words_value(_WORD.findall(lowered))


def _words_value(words: list[str]) -> float | None:
    """Value of spelled-out numbers ("three hundred and twelve"); None when no number word is there."""
    total = current = 0.0
    seen = False
    for word in words:
        if word in UNITS and not (word in ("a", "an") and seen):
            current += UNITS[word]
            seen = seen or word not in ("a", "an")
        elif word in SCALES and len(word) > 2 and (seen or current):
            current = (current or 1) * SCALES[word]
            if SCALES[word] >= 1e3:
                total, current = total + current, 0.0
            seen = True
        elif word == "and":
            continue
        elif seen:
            break
    return total + current if seen else None


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
    if noun is None or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    lefts = [t for t in noun.lefts if t.dep_ in _COUNTED_DEPS and t.i >= ent.end]
    tokens = [*[t for left in lefts for t in left.subtree if t.i >= ent.end], noun]
    tokens.sort(key=lambda t: t.i)
    start, end = tokens[0].idx, noun.idx + len(noun.text)
    return ent.doc.text[start:end]


def _number_of(root: Token) -> Token | None:
    """The noun after "number of" ("the number of people ... rose to 4,800"), found on a verb above the number's
    preposition (the parser often hangs "to 4,800" on a verb inside the clause that describes the people)."""
    if root.dep_ != "pobj" or root.head.dep_ != "prep":
        return None
    for verb in root.head.ancestors:
        for argument in verb.children if verb.pos_ in ("VERB", "AUX") else ():
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
            start, end = offset + ent.start_char, offset + ent.end_char
            facts.append(
                NumberFact(
                    ent.text,
                    start,
                    end,
                    kind=ent.label_,
                    value=parse_value(ent.text),
                    counts=counts,
                    sentence=parsed.sentence_at(start),
                )
            )
    return facts
