"""Resolve "he"/"she" to the most recent named person of that gender ("it", as a speaker, to an organisation), or
leave it unresolved.

Deliberately modest: gender comes only from explicit cues (titles such as Mr/Ms, gendered role words such as
spokeswoman, and a short list of common first names). A pronoun resolves to the nearest preceding person whose
known gender matches; when the nearest compatible person's gender is unknown, it resolves only if that person is
the only one named so far. Everything else stays None rather than guessed.
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
_FEMALE_NAMES = frozenset(
    "mary jane patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty margaret sandra "
    "ashley kimberly emily donna michelle dorothy carol amanda melissa deborah stephanie rebecca sharon laura "
    "cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine "
    "debra rachel carolyn janet catherine maria heather diane ruth julie olivia joyce virginia victoria kelly "
    "lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara "
    "madison frances kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn danielle "
    "beverly isabella theresa diana natalie brittany charlotte marie kayla alexis lori hillary kamala nancy "
    "angela theresa ursula christine marine giorgia jacinda liz adrienne karine nikki elise kristi janet "
    "gina valerie tulsi condoleezza madeleine golda indira benazir aung yulia svetlana olga irina natalia "
    "elena anastasia tatiana fatima aisha priya sonia sofia ines carmen isabel lucia claudia".split()
)
_MALE_NAMES = frozenset(
    "james robert john michael david william richard joseph thomas charles christopher daniel matthew anthony "
    "mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan "
    "jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander "
    "frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle "
    "ethan walter noah jeremy christian keith roger terry gerald harold sean austin carl arthur lawrence "
    "dylan jesse jordan bryan billy joe bruce gabriel logan albert willie alan juan wayne elijah randy roy "
    "vincent ralph eugene russell bobby mason philip louis barack joe bill boris vladimir xi emmanuel olaf "
    "volodymyr recep narendra benjamin justin rishi keir mike ted chuck mitch bernie lloyd antony jake "
    "sergei dmitry alexei mikhail ivan igor yuri viktor pedro carlos luis jorge miguel javier ali mohammed "
    "muhammad ahmed hassan hussein abdul omar mahmoud kim jong shinzo fumio moon yoon".split()
)
# The word right before a name ("Mr. Okafor", "spokeswoman Adrienne Watson") and an apposition right after it
# ("Watson, a spokeswoman for ...", "Halvorsen, chairman of ...").
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[.,]?\s+$")
_APPOSITION_AFTER = re.compile(r",\s+(?:(?:the|a|an)\s+)?((?:[A-Za-z]+\s+){0,3}[A-Za-z]+)")


def gender_of(entity: Entity, text: str) -> str | None:
    """Gender evidenced in the article for a person entity: title/role word just before a mention, or first name."""
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
    first = entity.name.split()[0].casefold().strip(".") if " " in entity.name else ""
    if first in _FEMALE_NAMES and first not in _MALE_NAMES:
        votes[FEMALE] += 1
    elif first in _MALE_NAMES and first not in _FEMALE_NAMES:
        votes[MALE] += 1
    if votes[FEMALE] == votes[MALE]:
        return None
    return FEMALE if votes[FEMALE] > votes[MALE] else MALE


class PronounResolver:
    """Looks up, for a character position, the person (or organisation, for "it") a third-person pronoun there most
    plausibly refers to."""

    def __init__(self, entities: Sequence[Entity], text: str) -> None:
        people = [e for e in entities if e.label == "PERSON"]
        organisations = sorted((m.start, e.name) for e in entities if e.label == "ORG" for m in e.mentions)
        self._org_starts = [s for s, _ in organisations]
        self._org_names = [n for _, n in organisations]
        self._gender = {e.name: gender_of(e, text) for e in people}
        events = sorted((m.start, e.name) for e in people for m in e.mentions)
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
