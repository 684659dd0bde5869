"""Who did what: subject-action-object triples from the dependency parse, kept only where they cannot misstate.

Both sides must be named: the head noun of the subject and of the object lies in a named-entity mention, and is not
used as a common noun ("a Republican"). A pronoun, a bare number or a common noun ("the decision", "officials") says
too little to stand alone, so such a triple is not made. A relative pronoun stands for its noun ("Suharto, who ruled
Indonesia") only where that noun is a clause's own subject or object.

The action is in the sentence's own words, with everything that changes what it asserts, in text order: auxiliaries
("has", "was"), modal verbs ("could", "will"), negation ("not", "n't", "never", "no longer"), hedges ("allegedly",
"nearly") and the words that link the object ("was arrested by", "imposed fresh sanctions on"). A passive clause
keeps its own order ("Smith — was arrested by — Interpol"), never flipped into an active claim. The flags
`negated`, `modal`, `passive` and `reported` say the same for a program.

Some clauses state nothing that happened, and give no triple: questions; conditions ("if", "unless", "whether",
"once", "until") and the clauses they govern; content clauses of nouns ("the claim that ..."); complements of any
verb but a neutral one of saying or finding ("officials believe ...", "X denied that ..."), or of a negated or modal
one ("X did not say ..."); clauses under a governing verb that is modal, infinitive, or one of wanting, planning,
expecting or claiming ("could pass a law that bans ..."); infinitives and bare participles, which are no clauses of
their own; and a verb joined to a negated or modal one ("will not invade A or attack B"), since how far the "not"
reaches is unsure. A triple that would leave out half of what the verb says of its object is not made either
("asked X to resign", "called X a comrade", "described X as ...", "between X and Y"). What a source says
("officials said", "according to", the inside of a quotation) is kept and marked `reported`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence

from spacy.tokens import Doc, Token

from newsbrief.facts.parse import Parsed
from newsbrief.records import Entity, Event, Quote, Span
from newsbrief.text import DATELINE_PATTERN

_DATELINE = re.compile(r"^(?:" + DATELINE_PATTERN + r")", re.VERBOSE)
_TENSED = frozenset({"VBD", "VBZ", "VBP"})
_PHRASE_DEPS = frozenset({"compound", "amod", "nummod", "poss", "nmod", "flat", "quantmod", "case"})
_ARTICLES = frozenset({"the", "a", "an"})
_NOUN_PHRASE_DEPS = _PHRASE_DEPS | {"det", "prt"}
_RELATIVE_TAGS = frozenset({"WDT", "WP"})  # which, that, who
_ANTECEDENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "ROOT"})
# Prepositions that need all of a list ("between A and B"): its first name alone misstates.
_LIST_PREPOSITIONS = frozenset({"between", "among", "amongst"})
_PREDICATIVE = frozenset({"as", "into"})
_FUNCTION_POS = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "PART", "PUNCT"})
_OBJECTS = frozenset({"dobj", "attr"})
# Complements that finish what a verb says of its object ("asked X to resign", "called X a comrade").
_OBJECT_PREDICATES = frozenset({"xcomp", "oprd"})
_VERB_WORDS = frozenset({"aux", "auxpass", "neg", "prt"})
_SKIP_LEMMAS = frozenset({"be", "have", "do", "say", "tell"})  # copulas, light verbs; speech is what `quotes` holds
# Adverbs that hedge or weaken an assertion ("allegedly paid", "nearly collapsed"): shown, and counted as modality.
HEDGES = frozenset(
    "allegedly reportedly reputedly supposedly purportedly apparently seemingly possibly probably perhaps maybe "
    "likely unlikely presumably almost nearly barely hardly scarcely virtually effectively".split()
)
# Subordinators of clauses that describe what may happen, not what did.
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "once", "until", "till", "lest", "provided", "providing"})
# Verbs of saying and finding whose complement clause is the source's account of what happened.
REPORTING = frozenset(
    "say tell report announce add state note write explain confirm acknowledge admit reveal disclose show find "
    "know learn recall testify declare discover prove".split()
)
# Verbs of wanting, planning, expecting, claiming and denying: what sits under them has not (or not surely) happened.
NONFACTIVE = frozenset(
    "want wish hope plan intend propose suggest urge ask demand seek threaten fear expect predict forecast consider "
    "deny reject dispute allege claim doubt believe think suspect assume imagine speculate vow pledge promise refuse "
    "fail try attempt aim need require prepare".split()
)


class _Intervals:
    """The union of some character intervals, with a fast 'which piece covers this position' lookup."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._pieces: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if self._pieces and start < self._pieces[-1][1]:
                self._pieces[-1] = (self._pieces[-1][0], max(end, self._pieces[-1][1]))
            else:
                self._pieces.append((start, end))
        self._starts = [s for s, _ in self._pieces]

    def covering(self, position: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self._starts, position) - 1
        return self._pieces[i] if i >= 0 and position < self._pieces[i][1] else None


def compact_phrase(token: Token) -> tuple[int, int]:
    """Token index bounds [start, end) of a noun's compact phrase: its modifiers, not its clauses or prepositions."""
    keep = {token.i}
    frontier = [token]
    while frontier:
        node = frontier.pop()
        for child in node.children:
            if child.dep_ in _PHRASE_DEPS or (child.dep_ == "det" and child.lower_ not in _ARTICLES):
                keep.add(child.i)
                frontier.append(child)
    start = min(keep)
    for i in range(start, token.i):  # the phrase must be contiguous: cut at any gap before the head
        if i not in keep:
            start = i + 1
    while start < token.i and (token.doc[start].is_punct or token.doc[start].lower_ in _ARTICLES):
        start += 1
    return start, token.i + 1


def _named_phrase(token: Token, offset: int, text: str, names: _Intervals) -> Span | None:
    """The verbatim phrase around `token` when its head lies in a name mention ("US Treasury"), else None; whole
    words only ("solar-winged Zarya", not "winged Zarya")."""
    mention = names.covering(offset + token.idx)
    if mention is None or any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children):
        return None  # no name, or a name used as a common noun ("a Republican")
    first, last = compact_phrase(token)
    start = min(offset + token.doc[first].idx, mention[0])
    end = max(offset + token.doc[last - 1].idx + len(token.doc[last - 1]), mention[1])
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    while end < len(text) and _in_word(text[end]):
        end += 1
    final = _token_at(token.doc, end - offset - 1)
    if final is not None and final.pos_ in _FUNCTION_POS:
        return None  # a name cut short ("Standard Oil of")
    return Span(text[start:end], start, end)


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _in_word(char: str) -> bool:
    return char.isalnum() or char == "-"


def _words(tokens: Iterable[Token]) -> str:
    """Tokens in text order as the sentence writes them: neighbours keep their own spacing ("did" + "n't")."""
    ordered = sorted({t.i: t for t in tokens}.values(), key=lambda t: t.i)
    if not ordered:
        return ""
    gaps = ["" if b.i == a.i + 1 and not a.whitespace_ else " " for a, b in itertools.pairwise(ordered)]
    return ordered[0].text + "".join(gap + token.text for gap, token in zip(gaps, ordered[1:], strict=True))


def _qualifiers(verb: Token) -> list[Token]:
    """The verb's auxiliaries, negation, particles and hedging adverbs ("no longer" as two words)."""
    found = []
    for child in verb.children:
        if child.dep_ in _VERB_WORDS or (child.dep_ == "advmod" and child.lower_ in HEDGES):
            found.append(child)
        elif child.dep_ == "advmod" and any(g.dep_ == "neg" for g in child.children):
            found += [child, *(g for g in child.children if g.dep_ == "neg")]
    return found


def _negated(words: Sequence[Token]) -> bool:
    return any(t.dep_ == "neg" for t in words)


def _modal(words: Sequence[Token]) -> str:
    """The modality flag: modal verbs by their lemma (the "wo" of "won't" is "will"), hedges as written."""
    found = sorted((t for t in words if t.tag_ == "MD" or t.lower_ in HEDGES), key=lambda t: t.i)
    return " ".join(t.lemma_.lower() if t.tag_ == "MD" else t.text for t in found)


def _infinitive(verb: Token) -> bool:
    return any(c.tag_ == "TO" for c in verb.children)


def _conditional(verb: Token) -> bool:
    """A clause of a condition, or one that a condition governs ("If A wins, B will ...")."""
    marks = [c for c in verb.children if c.dep_ == "mark"]
    marks += [m for c in verb.children if c.dep_ == "advcl" for m in c.children if m.dep_ == "mark"]
    return any(m.lower_ in CONDITIONAL_MARKS for m in marks)


def _unreal(verb: Token) -> bool:
    """A governing verb under which nothing is asserted: modal, infinitive, or of wanting, planning, claiming."""
    return verb.lemma_ in NONFACTIVE or _infinitive(verb) or bool(_modal(_qualifiers(verb)))


def _sourced(verb: Token) -> bool:
    """A clause that names its source: "..., officials said", "according to Reuters, ..."."""
    return any(
        (c.dep_ in ("parataxis", "ccomp") and c.lemma_ in REPORTING) or (c.dep_ == "prep" and c.lower_ == "according")
        for c in verb.children
    )


def _stance(verb: Token) -> bool | None:
    """Whether the clause of `verb` is asserted (False) or reported by a source (True); None when it states no
    event at all (a condition, a question's content, a claim, a plan, a belief). Walks up the governing clauses."""
    reported = False
    node = verb
    while True:
        if node.pos_ in ("VERB", "AUX"):
            if _conditional(node):
                return None
            reported = reported or _sourced(node)
        head, relation = node.head, node.dep_
        if head.i == node.i:
            return reported
        if relation == "conj" or node.pos_ not in ("VERB", "AUX"):
            if relation != "conj" and head.pos_ in ("VERB", "AUX") and _unreal(head):
                return None  # "could pass a law that bans X": the relative clause is as unreal as its governor
            node = head
            continue
        if relation in ("ccomp", "parataxis"):
            if head.lemma_ not in REPORTING or _negated(_qualifiers(head)) or _unreal(head):
                return None
            reported = True
        elif relation == "advcl":
            if _unreal(head):
                return None
        elif relation != "relcl":
            return None  # content clauses of nouns, clausal subjects, complements of prepositions
        node = head


def _question(verb: Token) -> bool:
    """Whether the first sentence-final mark after the verb is a question mark ("Did X buy Y?", "he asked")."""
    end = next((t for t in verb.doc[verb.i + 1 :] if t.tag_ == "."), None)
    return end is not None and "?" in end.text


def _antecedent(noun: Token) -> Token | None:
    """The noun a relative clause describes, through appositions ("Rep. Lowey, D-N.Y., who ..." is Lowey), when it
    is a clause's own subject or object: after a preposition or in a list ("troops from A, B and C, who ...") the
    clause may as well describe another noun."""
    while noun.dep_ == "appos":
        noun = noun.head
    return noun if noun.dep_ in _ANTECEDENT_DEPS else None


def _subject(verb: Token) -> tuple[Token, bool, list[Token]] | None:
    """The subject of `verb`, whether it is a passive one, and the verb words it takes along.

    A relative pronoun stands for the noun its clause belongs to ("Apple, which bought Beats"). A conjoined verb
    without a subject of its own shares the first verb's ("X was arrested and charged by Y"), with its auxiliaries
    when it has none; a verb conjoined to a negated or modal one gives nothing, since how far "not" or "could"
    reaches is unsure."""
    own = _qualifiers(verb)
    node = verb
    borrowed: list[Token] = []
    while True:
        subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            passive = subject.dep_ == "nsubjpass"
            if subject.tag_ in _RELATIVE_TAGS and node.dep_ == "relcl":
                subject = _antecedent(node.head)
                if subject is None:
                    return None
            return subject, passive, own + borrowed
        if node.dep_ != "conj" or node.head.pos_ not in ("VERB", "AUX"):
            return None
        node = node.head
        head_words = _qualifiers(node)
        if _negated(head_words) or _modal(head_words):
            return None
        if not any(t.dep_ in ("aux", "auxpass") for t in own + borrowed):
            borrowed = [t for t in head_words if t.dep_ in ("aux", "auxpass")]


def _objects(verb: Token, passive: bool) -> Iterator[tuple[list[Token], Token]]:
    """(linking words, object) candidates, best first: the agent of a passive; else the direct object, then the
    object of a preposition right after it ("imposed sanctions on | Iran", read verbatim); else the object of the
    first preposition after the verb (a later one may belong to a noun in between: "was put on a plane to X").
    Nothing when the verb has a complement that says more of its object ("asked X to resign")."""
    if any(c.dep_ in _OBJECT_PREDICATES for c in verb.children):
        return
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    direct = next((c for c in verb.children if c.dep_ in _OBJECTS), None) if not passive else None
    if agent is not None:
        yield from (([agent], g) for g in agent.children if g.dep_ == "pobj")
    elif direct is not None:
        if not any(c.dep_ == "prep" and c.lower_ in _PREDICATIVE and c.i > direct.i for c in verb.children):
            yield [], direct  # not "described X as ...", "turned X into ...": those say what X is or becomes
        between = verb.doc[verb.i + 1 : direct.i + 1]
        after = verb.doc[direct.i + 1] if direct.i + 1 < len(verb.doc) else None
        if (
            after is not None
            and after.dep_ == "prep"
            and after.head.i in (verb.i, direct.i)
            and all(t.i == direct.i or t.dep_ in _NOUN_PHRASE_DEPS for t in between)
        ):
            yield from (([*between, after], g) for g in after.children if g.dep_ == "pobj")
    else:
        first = next((c for c in verb.rights if c.dep_ == "prep"), None)
        if first is not None:
            yield from (([first], g) for g in first.children if g.dep_ == "pobj")


def _first_object(
    verb: Token, passive: bool, subject: Span, bounds: tuple[int, int], offset: int, text: str, names: _Intervals
) -> tuple[list[Token], Span] | None:
    """The first object candidate that is named, within the sentence's bounds, and apart from the subject (one
    phrase on both sides is a misparse)."""
    for link, token in _objects(verb, passive):
        if link and link[-1].lower_ in _LIST_PREPOSITIONS:
            continue
        obj = _named_phrase(token, offset, text, names)
        if obj is None or not bounds[0] <= obj.start < obj.end <= bounds[1]:
            continue
        if not (obj.start < subject.end and subject.start < obj.end):
            return link, obj
    return None


def _finite(verb: Token, words: Sequence[Token]) -> bool:
    """A verb that makes a clause of its own: a tensed form, or one with an auxiliary. A bare participle
    ("Americans interviewed in a poll") or base form is part of a noun phrase or an order, not a report."""
    return verb.tag_ in _TENSED or any(t.dep_ in ("aux", "auxpass") for t in words)


def _body(sentence: Span) -> tuple[int, int]:
    """Character bounds of a sentence less any wire dateline it opens with ("TRIPOLI, Libya (AP) _")."""
    opening = _DATELINE.match(sentence.text)
    return sentence.start + (opening.end() if opening else 0), sentence.end


def extract_events(parsed: Parsed, entities: Sequence[Entity], quotes: Sequence[Quote]) -> list[Event]:
    """At most one Event per verb: a named (subject, action, object) triple whose span is the sentence it was read
    from, its subject and object spans slicing the article text."""
    names = _Intervals((m.start, m.end) for e in entities for m in e.mentions)
    quoted = _Intervals((q.start, q.end) for q in quotes)
    events = []
    for offset, verb in parsed.tokens():
        if verb.pos_ == "VERB" and verb.lemma_ not in _SKIP_LEMMAS and not _infinitive(verb):
            event = _event(parsed, offset, verb, names, quoted)
            if event is not None:
                events.append(event)
    return events


def _event(parsed: Parsed, offset: int, verb: Token, names: _Intervals, quoted: _Intervals) -> Event | None:
    """The triple of one verb, or None when it has none that can be stated faithfully."""
    found = _subject(verb)
    sentence = parsed.sentence_at(offset + verb.idx)
    if found is None or sentence is None or not _finite(verb, found[2]) or _question(verb):
        return None
    stance = _stance(verb)
    subject_token, passive_subject, words = found
    subject = _named_phrase(subject_token, offset, parsed.text, names)
    first, last = _body(sentence)
    if stance is None or subject is None or not first <= subject.start < subject.end <= last:
        return None  # not stated as happening, unnamed, or a misparse reaching outside the sentence
    passive = passive_subject or any(t.dep_ == "auxpass" for t in words)
    found_object = _first_object(verb, passive, subject, (first, last), offset, parsed.text, names)
    if found_object is None:
        return None
    link, obj = found_object
    if any(offset + t.idx >= obj.start for t in words):
        return None  # a verb word after the object ("killed 6,076 people in Honduras _ down"): a misparse
    return Event(
        sentence.text,
        sentence.start,
        sentence.end,
        subject=subject.text,
        action=_words([verb, *words, *link]),
        object=obj.text,
        subject_span=subject,
        object_span=obj,
        negated=_negated(words),
        modal=_modal(words),
        passive=passive,
        reported=stance or quoted.covering(offset + verb.idx) is not None,
    )
