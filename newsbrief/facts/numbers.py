"""Money, percentages, quantities and counts with their parsed value and the noun phrase they count.

A number alone ("400") tells a reader nothing; "400 artillery shells" does. The counted phrase is read from the
dependency parse: the noun the number modifies (nummod), the object of 'of' ("three of the entities"), or what "the
number of" names when the number is where that number went ("brings the number of people ... to 4,800"). A number
standing alone as what a harm word (HARM) is about counts that word: "at least 19 were killed" counts "killed",
"the death toll rose to 357" counts "death toll", since news gives tolls so and ranking needs them. A plain
count (CARDINAL) with no counted phrase is dropped; money, percentages and quantities carry their unit. Values are
read by `newsbrief.numbers`, the parser the summary guard uses too (a MONEY entity is money to it: "$3m" is three
million, while "5 m" of cable is five metres).

A counted phrase that is a unit of measure ("9 basis points", "80 centimetres") names no thing: what the figure
measures is elsewhere in its clause, and is kept as `NumberFact.measures` (`measured_phrase`) so that a ten-year
yield's fall and a two-year yield's fall, both counted in "basis points", are not taken for one figure. Units are told
from things counted by pint's unit registry, a maintained list of several hundred units with their plurals and
symbols ("metres", "tonnes", "barrels", "points", "mph"), rather than a table kept here. A quantity whose unit is part
of its entity ("6.94 metres", "12%") is left alone: such values are never linked across outlets (see
`newsbrief.stories.facts.UNLINKED`), and the parse around them names a level ("rose to a record 6.94 metres") as
often as what it measures.

Two whole numbers joined by a slash are a fraction only when the first is the smaller ("2/3 of the homes"); otherwise
they name no quantity ("24/7 billboards", "a 50/50 split", "the 2020/21 season": an idiom, an even split, a span of
years) and are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pint
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from newsbrief.facts.parse import Parsed
from newsbrief.numbers import find_numbers
from newsbrief.records import NumberFact
from newsbrief.text import LETTERS

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
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_TIMES = frozenset({"DATE", "TIME"})
# A noun named before a figure and hung on its unit by the parser: "the two-year yield down 11 basis points".
_NAMED_BEFORE = frozenset({"nmod", "npadvmod", "nsubj", "poss"})
# What a measured noun phrase leaves out: clauses and appositions about it, and the adverb of a change ("down").
_NOT_OF_PHRASE = frozenset({"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "advmod"})
# Two whole numbers joined by a slash, not part of a longer date or a decimal ("24/7", "2/3"; not "11/28/2026").
_SLASHED = re.compile(r"(?<![\d./])(\d+)/(\d+)(?![\d/]|\.\d)")


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


@lru_cache(maxsize=1)
def _units() -> pint.UnitRegistry:
    return pint.UnitRegistry()


@lru_cache(maxsize=8192)
def is_unit(word: str) -> bool:
    """Whether pint's registry names a unit by the word, plural or symbol ("metres", "tonnes", "points", "kg"). A
    prefixed unit counts when its prefix is spelled out ("kilometres") or the word is its symbol ("km"): pint also
    splits plain nouns into a prefix symbol and a unit ("cats" is centi-atmospheres, "units" micro-nits)."""
    units = _units()
    try:
        parses = units.parse_unit_name(word)
        return any(
            not prefix or word.casefold().startswith(prefix) or units.get_symbol(prefix + name) == word
            for prefix, name, _ in parses
        )
    except pint.PintError:
        return False


def measured_phrase(ent: SpacySpan) -> str:
    """What a figure counted in a unit of measure measures, as its clause names it; "" for a count of things, or when
    the parse names nothing or another figure. The unit's "of" object ("40 hectares of wheat"); a noun the parser
    hangs on the unit before the figure, or that the unit hangs on in a clause with no verb ("the two-year yield down
    11 basis points", "the thirty-year yield up 6 basis points"); else the verb the unit is the extent of: its object
    when the unit follows "by" ("lowered its benchmark rate by 25 basis points"), otherwise its subject ("the yield
    on the ten-year bond dropped 9 basis points"), a relative clause's being the noun it describes."""
    unit = ent.root.head
    if ent.root.dep_ not in ("nummod", "quantmod") or unit.pos_ != "NOUN" or unit.i < ent.end:
        return ""
    if not LETTERS.fullmatch(unit.text) or not is_unit(unit.text):
        return ""
    of = next((c for c in unit.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    named = [c for c in unit.lefts if c.dep_ in _NAMED_BEFORE and c.pos_ in ("NOUN", "PROPN") and c.i < ent.start]
    if of is not None:
        thing = next((c for c in of.children if c.dep_ == "pobj"), None)
    elif named:
        thing = named[-1]
    else:
        thing = _changed(unit)
    if thing is None or thing.pos_ not in ("NOUN", "PROPN") or thing.ent_type_ in KINDS | _TIMES:
        return ""  # "9 basis points to 3.82%", "12 points on Friday": a figure or a date, not what is measured
    if any(c.dep_ in ("nummod", "quantmod") for c in thing.children):
        return ""  # "four points from seven games": another count, or the unit itself ("One point was ...")
    return _phrase(thing, ent)


def _changed(unit: Token) -> Token | None:
    """The noun whose change a unit is the extent of, through the verb it hangs on (see `measured_phrase`)."""
    extent = unit.head if unit.dep_ == "pobj" and unit.head.dep_ == "prep" else unit
    verb = extent.head
    if extent is unit and verb.pos_ in ("NOUN", "PROPN") and verb.i < unit.i:
        return verb  # a clause with no verb: "with the thirty-year yield up 6 basis points"
    if extent is verb or verb.pos_ not in ("VERB", "AUX"):
        return None
    if extent.dep_ == "prep" and (thing := next((c for c in verb.children if c.dep_ == "dobj"), None)) is not None:
        return thing
    while (subject := next((c for c in verb.children if c.dep_ in _SUBJECTS), None)) is None and verb.dep_ == "conj":
        verb = verb.head  # "rose early and then fell 9 points": the subject is the first verb's
    if subject is not None and subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        return verb.head  # "the rate, which fell 25 basis points"
    return subject


def _phrase(noun: Token, ent: SpacySpan) -> str:
    """The noun with its modifiers, verbatim, on its side of the figure."""
    kept = [noun]
    for child in noun.children:
        if child.dep_ not in _NOT_OF_PHRASE:
            kept += child.subtree
    kept = [t for t in kept if (t.i < ent.start) == (noun.i < ent.start) and not ent.start <= t.i < ent.end]
    first, last = min(kept, key=lambda t: t.i), max(kept, key=lambda t: t.i)
    return ent.doc.text[first.idx : last.idx + len(last.text)]


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
            if not_a_fraction(doc.text[start:end]):
                continue
            sentence = parsed.sentence_at(offset + start)
            facts.append(
                NumberFact(
                    doc.text[start:end],
                    offset + start,
                    offset + end,
                    kind=ent.label_,
                    value=value,
                    counts=counts,
                    sentence=sentence,
                    measures=measured_phrase(ent),
                    counts_plural=sentence is not None and counts_plural(ent, end, counts, sentence.end - offset),
                )
            )
    return facts


def not_a_fraction(figure: str) -> bool:
    """Whether a figure holds two whole numbers joined by a slash, the first at least the second ("24/7", "50/50",
    "2020/21"): an idiom, an even split or a span of years, never a quantity, while a proper fraction ("2/3") is one."""
    return any(int(a) >= int(b) for a, b in _SLASHED.findall(figure))


def counts_plural(ent: SpacySpan, end: int, counts: str | None, sentence_end: int) -> bool:
    """Whether the counted phrase follows the figure (ending at `end` in its doc) at once, within its sentence, and
    its head noun is tagged plural: the tag knows "people" and "police" are plural, which no suffix or lemma rule
    does. A year-shaped count is a count only then ("1500 troops"; "the 1948 war" names one thing)."""
    words = LETTERS.findall(counts or "")
    if not counts or not words:
        return False
    rest = ent.doc.text[end:sentence_end]
    gap = len(rest) - len(rest.lstrip())
    if not gap or not rest.startswith(counts, gap):
        return False
    head = end + gap + counts.rfind(words[-1])
    token = ent.doc.char_span(head, head + len(words[-1]), alignment_mode="expand")
    return token is not None and token[0].idx == head and token[0].tag_ in ("NNS", "NNPS")


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
