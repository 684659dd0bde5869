"""Resolve "he"/"she" to the most recent named person of that gender ("it", as a speaker, to an organisation), or
leave it unresolved.

Deliberately modest: gender comes only from what the article itself says (titles such as Mr/Ms, gendered role words
such as spokeswoman, and the pronouns that follow a person's name before anyone else is named); never from lists of
first names, which guess wrong for names from other cultures and for people whose names are not in them. A pronoun
resolves to the nearest preceding person whose known gender matches; when the nearest compatible person's gender
is unknown, it resolves only if that person is the only one named so far.
Everything else stays None rather than guessed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from newsbrief.records import Entity
from newsbrief.text import split_sentences

FEMALE, MALE = "F", "M"
PRONOUNS = {"she": FEMALE, "her": FEMALE, "he": MALE, "him": MALE}
ORGANISATION_PRONOUNS = frozenset({"it"})
NEARBY_SENTENCES = 2  # how many sentences before a pronoun's own count as "nearby"

_FEMALE_CUES = frozenset(
    "mrs ms miss madam madame dame lady queen princess duchess countess sister mother wife daughter widow "
    "girlfriend grandmother aunt niece spokeswoman chairwoman congresswoman businesswoman councilwoman "
    "policewoman actress waitress baroness empress heiress".split()
)
_MALE_CUES = frozenset(
    "mr sir lord king prince duke count brother father husband son widower boyfriend grandfather uncle nephew "
    "spokesman chairman congressman businessman councilman policeman actor waiter baron emperor heir pope".split()
)
# The word right before a name ("Mr. Okafor", "spokeswoman Adrienne Watson") and an apposition right after it
# ("Watson, a spokeswoman for ...", "Halvorsen, chairman of ...").
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[.,]?\s+$")
_APPOSITION_AFTER = re.compile(r",\s+(?:(?:the|a|an)\s+)?((?:[A-Za-z]+\s+){0,3}[A-Za-z]+)")
_GENDERED = {"she": FEMALE, "her": FEMALE, "hers": FEMALE, "herself": FEMALE} | {
    "he": MALE,
    "him": MALE,
    "his": MALE,
    "himself": MALE,
}
_GENDERED_PRONOUN = re.compile(r"\b(" + "|".join(_GENDERED) + r")\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"'’”]?(?:\s|$)")


def gender_of(entity: Entity, text: str, others: Sequence[int] = ()) -> str | None:
    """Gender evidenced in the article for a person entity: a title or role word just before a mention or in an
    apposition after it, and the first gendered pronoun after a mention when no other person (mentions starting at
    `others`) is named in between, within the same sentence ('Lund said she ...')."""
    votes = {FEMALE: 0, MALE: 0}
    for mention in entity.mentions:
        cues = mention.text.split()[:1]
        if before := _WORD_BEFORE.search(text, max(0, mention.start - 30), mention.start):
            cues.append(before.group(1))
        if after := _APPOSITION_AFTER.match(text, mention.end):
            cues.extend(after.group(1).split())
        for word in (w.casefold().strip(".") for w in cues):
            votes[FEMALE] += word in _FEMALE_CUES
            votes[MALE] += word in _MALE_CUES
        if pronoun := _next_pronoun(text, mention.end, others):
            votes[_GENDERED[pronoun]] += 1
    if votes[FEMALE] == votes[MALE]:
        return None
    return FEMALE if votes[FEMALE] > votes[MALE] else MALE


def _next_pronoun(text: str, position: int, others: Sequence[int]) -> str | None:
    """The first gendered pronoun after `position` in the same sentence, unless another person is named before it.

    Only the same sentence: a pronoun in the next one is what the resolver has to decide, not evidence."""
    limit = _sentence_end(text, position)
    nearest_other = min((s for s in others if s >= position), default=len(text))
    match = _GENDERED_PRONOUN.search(text, position, min(limit, nearest_other))
    return match.group(1).casefold() if match else None


def _sentence_end(text: str, position: int) -> int:
    match = _SENTENCE_END.search(text, position)
    return match.end() if match else len(text)


class PronounResolver:
    """Looks up, for a character position, the person (or organisation, for "it") a third-person pronoun there most
    plausibly refers to."""

    def __init__(self, entities: Sequence[Entity], text: str) -> None:
        people = [e for e in entities if e.label == "PERSON"]
        organisations = sorted((m.start, e.name) for e in entities if e.label == "ORG" for m in e.mentions)
        self._org_starts = [s for s, _ in organisations]
        self._org_names = [n for _, n in organisations]
        events = sorted((m.start, e.name) for e in people for m in e.mentions)
        self._gender = {e.name: gender_of(e, text, [s for s, n in events if n != e.name]) for e in people}
        self._starts = [s for s, _ in events]
        self._names = [n for _, n in events]
        self._sentence_starts = [span.start for span in split_sentences(text)]

    def gender(self, name: str) -> str | None:
        return self._gender.get(name)

    def resolve(self, pronoun: str, position: int) -> str | None:
        """Name of the person `pronoun` (he/she/him/her) at `position` refers to, or None when unclear; for "it" the
        organisation (see `_organisation`).

        The nearest person of that gender wins. A nearest person of unknown gender wins only when no one else of a
        compatible gender is named in the article so far, or in this sentence and the two before it (news style:
        "Renwick, the chief executive, said ... 'We have ...,' he said.").
        """
        if pronoun.casefold() in ORGANISATION_PRONOUNS:
            return self._organisation(position)
        wanted = PRONOUNS.get(pronoun.casefold())
        if wanted is None:
            return None
        end = bisect.bisect_left(self._starts, position)
        seen: list[str] = []
        for name in reversed(self._names[:end]):
            if name in seen:
                continue
            seen.append(name)
            gender = self._gender[name]
            if gender == wanted:
                return name
            if gender is None:
                return name if self._alone(name, end, wanted) or self._alone_nearby(name, position, wanted) else None
        return None

    def _organisation(self, position: int) -> str | None:
        """The one organisation named nearby ("The ARI said ... The average claim is about £38,000, it said."); None
        when there are none or several."""
        nearby = self._named_nearby(self._org_starts, self._org_names, position)
        return nearby.pop() if len(nearby) == 1 else None

    def _named_nearby(self, starts: Sequence[int], names: Sequence[str], position: int) -> set[str]:
        """Names mentioned (at `starts`) from NEARBY_SENTENCES sentences before `position`'s up to `position`."""
        sentence = bisect.bisect_right(self._sentence_starts, position) - 1
        window_start = self._sentence_starts[max(0, sentence - NEARBY_SENTENCES)] if self._sentence_starts else 0
        return set(names[bisect.bisect_left(starts, window_start) : bisect.bisect_left(starts, position)])

    def _alone(self, name: str, end: int, wanted: str) -> bool:
        return self._only_compatible(name, self._names[:end], wanted)

    def _alone_nearby(self, name: str, position: int, wanted: str) -> bool:
        """`name` is the only compatible person named nearby (see `_named_nearby`)."""
        nearby = self._named_nearby(self._starts, self._names, position)
        return name in nearby and self._only_compatible(name, nearby, wanted)

    def _only_compatible(self, name: str, names: Iterable[str], wanted: str) -> bool:
        """No one in `names` but `name` could be meant by a pronoun of gender `wanted` (unknown genders could)."""
        return all(n == name or self._gender[n] not in (None, wanted) for n in names)
