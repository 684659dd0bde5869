"""Who did what: subject-verb-object triples from the dependency parse, favouring precision over coverage.

A triple needs a nominal subject (or the 'by' agent of a passive) and an object (direct object, attribute, or the
object of a preposition attached to the verb). Both sides are cut down to compact noun phrases (compounds,
adjectives, numbers, possessives) so they read like a headline: "US Treasury — sanctioned — three entities".
Pronoun subjects are kept only when `coref` resolves them to a named person; pronoun objects are skipped; a bare
number as subject ("About 1,150 spent a second night") is skipped, since it says nothing without what it counts;
and one side must be a named entity, date or number, which drops vague triples such as "graph - uses - profile".
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from spacy.tokens import Token

from newsbrief.facts.coref import PronounResolver
from newsbrief.facts.parse import Parsed
from newsbrief.records import Entity, Event

_PHRASE_DEPS = frozenset({"compound", "amod", "nummod", "poss", "nmod", "flat", "quantmod", "case"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_OBJECTS = frozenset({"dobj", "attr", "oprd"})
_ACTION_DEPS = frozenset({"aux", "auxpass", "neg", "prt"})
_SKIP_LEMMAS = frozenset({"be", "have", "do", "say", "tell"})
_EMPTY = frozenset({"which", "that", "who", "what", "this", "these", "those", "there", "it", "they", "them", "we"})


def compact_phrase(token: Token) -> tuple[int, int]:
    """Token index bounds [start, end) of a noun's compact phrase: its modifiers, not its clauses or prepositions."""
    keep = [token]
    frontier = [token]
    while frontier:
        node = frontier.pop()
        for child in node.children:
            if child.dep_ in _PHRASE_DEPS or (child.dep_ == "det" and child.lower_ not in ("the", "a", "an")):
                keep.append(child)
                frontier.append(child)
    indices = {t.i for t in keep}
    start = min(indices)
    while start < token.i and token.doc[start].is_punct:  # a phrase does not start with punctuation
        start += 1
    for i in range(start, token.i):  # the phrase must be contiguous: cut at any gap before the head
        if i not in indices:
            start = i + 1
    end = token.i + 1
    entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None) if token.ent_type_ else None
    if entity is not None:  # never cut a name in half ("Kim Jong-un" is four tokens)
        start, end = min(start, entity.start), max(end, entity.end)
        while start < end - 1 and token.doc[start].lower_ in ("the", "a", "an"):
            start += 1
    return start, end


class _Names:
    """Canonical entity names by character position, so 'Haskell' reads as 'James Haskell' in a triple."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self._spans = sorted((m.start, m.end, e.name) for e in entities for m in e.mentions)
        self._starts = [s for s, _, _ in self._spans]

    def phrase(self, token: Token, offset: int) -> str:
        position = offset + token.idx
        i = bisect.bisect_right(self._starts, position) - 1
        if i >= 0 and self._spans[i][0] <= position < self._spans[i][1]:
            return self._spans[i][2]
        start, end = compact_phrase(token)
        return token.doc[start:end].text


def _objects(verb: Token) -> Iterable[tuple[str, Token]]:
    """(preposition or '', object token) pairs of a verb, direct objects first."""
    for child in verb.children:
        if child.dep_ in _OBJECTS:
            yield "", child
    for child in verb.rights:
        if child.dep_ == "prep":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    yield child.text, grand


def _subject(verb: Token) -> Token | None:
    while True:
        subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
        if subject is not None or verb.dep_ != "conj" or verb.head.pos_ not in ("VERB", "AUX"):
            return subject
        verb = verb.head  # "X arrested A and charged B": the second verb shares the first one's subject


def _action(verb: Token, preposition: str) -> str:
    parts = sorted([verb, *(c for c in verb.children if c.dep_ in _ACTION_DEPS)], key=lambda t: t.i)
    words = [t.text for t in parts]
    return " ".join([*words, preposition] if preposition else words)


def _named(token: Token, kinds: tuple[str, ...] = ("NOUN", "PROPN", "NUM")) -> bool:
    return token.lower_ not in _EMPTY and token.pos_ in kinds


def _named_subject(token: Token) -> bool:
    """A subject a reader can place: a noun or name, never a bare number or an unresolved pronoun."""
    return _named(token, ("NOUN", "PROPN"))


def extract_events(parsed: Parsed, entities: Sequence[Entity], resolver: PronounResolver) -> list[Event]:
    """One Event per (subject, action, object) triple, its span being the sentence it was read from."""
    names = _Names(entities)
    events: list[Event] = []
    seen: set[tuple[str, str, str, int]] = set()
    for offset, token in parsed.tokens():
        if token.pos_ != "VERB" or token.lemma_ in _SKIP_LEMMAS or any(c.tag_ == "TO" for c in token.children):
            continue  # infinitives ("expect prices to stay") state no event
        subject_token = _subject(token)
        if subject_token is None:
            continue
        agent = next((c for c in token.children if c.dep_ == "agent"), None)
        passive_by = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
        if subject_token.dep_ == "nsubjpass" and passive_by is None:
            continue
        # a triple must be anchored in a name, a date or a number on one side: "graph uses profile" says nothing
        anchored = bool(subject_token.ent_type_) or subject_token.lower_ in ("he", "she")
        if subject_token.lower_ in ("he", "she"):
            subject = resolver.resolve(subject_token.text, offset + subject_token.idx)
            if subject is None:
                continue
        elif _named_subject(subject_token) or (passive_by is not None and _named(subject_token)):
            subject = names.phrase(subject_token, offset)
        else:
            continue
        if passive_by is not None:  # "X was sanctioned by Y" reads as "Y sanctioned X"
            pairs: list[tuple[str, Token]] = [("", subject_token)]
            subject = names.phrase(passive_by, offset) if _named_subject(passive_by) else ""
            anchored = bool(passive_by.ent_type_)
        else:
            pairs = list(_objects(token))
        sentence = parsed.sentence_at(offset + token.idx)
        if not subject or sentence is None:
            continue
        for preposition, obj in pairs[:1] if pairs and not pairs[0][0] else pairs[:2]:
            if not _named(obj) or not (anchored or obj.ent_type_):
                continue
            action = token.text if passive_by is not None else _action(token, preposition)
            triple = (subject, action, names.phrase(obj, offset), sentence.start)
            if triple not in seen:
                seen.add(triple)
                events.append(Event(sentence.text, sentence.start, sentence.end, *triple[:3]))
    return events
