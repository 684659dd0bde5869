"""Named entities per article (aliases merged, salience scored) and the day's most mentioned ones across articles.

Mentions come from spaCy, or for PER/ORG/LOC/MISC from the CoNLL tagger in `ner_model` when it is installed (it
is the stronger tagger for those types; spaCy still labels what CoNLL lacks). Aliases are merged with cheap,
explainable rules: a small table of common country/body acronyms, acronyms defined in parentheses in the article,
and the first or last name of a full name mentioned in the same article. The canonical name is the longest form.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence

from newsbrief.facts.parse import Parsed
from newsbrief.records import Entity, Facts, Mention, TopEntity
from newsbrief.text import dateline_agency

PEOPLE = frozenset({"PERSON"})
ORGANISATIONS = frozenset({"ORG"})
PLACES = frozenset({"GPE", "LOC", "FAC"})
KEPT_LABELS = PEOPLE | ORGANISATIONS | PLACES | {"NORP", "EVENT", "MISC"}

# Common short forms; both sides are name keys (see `name_key`), the value is the shared key.
ALIASES = {
    "us": "united states",
    "usa": "united states",
    "united states of america": "united states",
    "america": "united states",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "dprk": "north korea",
    "democratic people's republic of korea": "north korea",
    "rok": "south korea",
    "republic of korea": "south korea",
    "prc": "china",
    "people's republic of china": "china",
    "uae": "united arab emirates",
    "drc": "democratic republic of the congo",
    "dr congo": "democratic republic of the congo",
    "ussr": "soviet union",
    "un": "united nations",
    "eu": "european union",
    "nato": "north atlantic treaty organization",
    "who": "world health organization",
    "imf": "international monetary fund",
    "fbi": "federal bureau of investigation",
    "cia": "central intelligence agency",
    "nsc": "national security council",
}
# A capital standing for its government ("Washington imposed sanctions"): only where it acts or owns something (see
# `acting_capitals`); "talks in Washington" stays a place.
CAPITALS = {
    "washington": "united states",
    "beijing": "china",
    "moscow": "russia",
    "london": "united kingdom",
    "paris": "france",
    "berlin": "germany",
    "tokyo": "japan",
    "pyongyang": "north korea",
    "seoul": "south korea",
    "kyiv": "ukraine",
    "kiev": "ukraine",
    "tehran": "iran",
    "new delhi": "india",
    "ankara": "turkey",
    "ottawa": "canada",
    "canberra": "australia",
    "damascus": "syria",
    "riyadh": "saudi arabia",
    "cairo": "egypt",
    "havana": "cuba",
    "caracas": "venezuela",
    "islamabad": "pakistan",
    "kabul": "afghanistan",
}
# Titles that may start a person mention and are not part of the name.
TITLES = frozenset(
    "mr mrs ms miss dr prof sir dame lord lady president pres vice prime minister sen senator rep gov governor "
    "gen general col colonel lt capt captain adm admiral sgt judge justice king queen prince princess pope "
    "chancellor secretary mayor rev father sister brother".split()
)
GEO_HEADS = frozenset(
    "river lake mount mountains sea ocean gulf bay strait island islands desert valley canal peninsula".split()
)
_PERSONAL_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame"})
_CONLL_TO_SPACY = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
_TITLE_PREFIX = re.compile(r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame)\.?\s+(?=[A-Z])")
_LEADING = re.compile(r"^(?:[\"'“”‘’(\[]|the\s+)+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:['’]s|['’]|[\"“”‘),;:!?\]]|\s)+$")
_ACRONYM_DEF = re.compile(
    r"((?:[A-Z][\w&'’.-]*\s+(?:(?:of|the|for|and|on|in|de|du|des|&)\s+)*){1,12})\(([A-Z][A-Za-z0-9&.]{1,11})\)"
)
_MINOR_WORDS = frozenset({"of", "the", "for", "and", "on", "in", "de", "du", "des", "&"})
LEAD_SENTENCES = 3


def name_key(name: str) -> str:
    """Case-, dot- and hyphen-insensitive key of a name, with common aliases mapped to one key."""
    key = name.casefold().replace("’", "'")
    key = re.sub(r"^the\s+", "", key)
    key = re.sub(r"'s?$", "", key).replace(".", "")
    key = " ".join(re.sub(r"[-‐–]", " ", key).split())
    return ALIASES.get(key, key)


def person_key(name: str) -> str:
    tokens = name_key(name).split()
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def conll_mentions(parsed: Parsed, predicted: Sequence[Sequence[tuple[int, int, str]]]) -> list[Mention]:
    """Mentions from the CoNLL tagger (one span list per chunk), typed with spaCy's finer label where they agree.

    CoNLL's LOC covers both countries/cities (GPE) and other places, MISC covers nationalities (NORP) and events;
    spaCy's label on an overlapping span picks the finer type, else the CoNLL type is kept.
    """
    spacy_spans = [(m.start, m.end, m.label) for m in spacy_mentions(parsed, all_labels=True)]
    mentions = []
    for (offset, _), spans in zip(parsed.chunks, predicted, strict=True):
        for start, end, label in spans:
            a, b = offset + start, offset + end
            finer = next((lab for s, e, lab in spacy_spans if s < b and a < e), None)
            mapped = _CONLL_TO_SPACY.get(label, label)
            if (label == "LOC" and finer in PLACES) or (label == "MISC" and finer in {"NORP", "EVENT"}):
                mapped = finer
            mentions.append((a, b, mapped))
    return _clean(parsed.text, mentions)


def spacy_mentions(parsed: Parsed, all_labels: bool = False) -> list[Mention]:
    """spaCy's named entities of the kept types as cleaned mentions (all entity types with `all_labels`)."""
    raw = [
        (offset + ent.start_char, offset + ent.end_char, ent.label_)
        for offset, doc in parsed.chunks
        for ent in doc.ents
        if all_labels or ent.label_ in KEPT_LABELS
    ]
    return _clean(parsed.text, raw)


def _clean(text: str, raw: Iterable[tuple[int, int, str]]) -> list[Mention]:
    """Trim leading 'the'/quotes and trailing possessives/punctuation; drop mentions with no letters."""
    mentions = []
    for start, end, label in raw:
        piece = text[start:end]
        lead = _LEADING.match(piece)
        a = start + (lead.end() if lead else 0)
        if label == "PERSON" and (title := _TITLE_PREFIX.match(text, a, end)):
            a = title.end()  # "Mr. Okafor" is named "Okafor"; the title is gender evidence, read by `coref`
        trail = _TRAILING.search(text, a, end)
        b = trail.start() if trail else end
        if b > a and any(c.isalpha() for c in text[a:b]) and b - a <= 100:
            mentions.append(Mention(text=text[a:b], start=a, end=b, label=label))
    return mentions


def acronym_definitions(text: str) -> dict[str, str]:
    """Acronym key -> long-form key for definitions like "International Grain Council (IGC)" in `text`."""
    found = {}
    for match in _ACRONYM_DEF.finditer(text):
        words = match.group(1).split()
        acronym = re.sub(r"[^A-Za-z0-9]", "", match.group(2))
        for i in range(len(words)):  # shortest trailing run of words whose initials spell the acronym
            tail = words[i:]
            if tail[0].casefold() in _MINOR_WORDS:
                continue
            initials = "".join(w[0] for w in tail if w.casefold() not in _MINOR_WORDS)
            every_initial = "".join(w[0] for w in tail)  # "Bank of Valdoria (BoV)" keeps the "of"
            if acronym.upper() in (initials.upper(), every_initial.upper()):
                found[name_key(acronym)] = name_key(" ".join(tail))
                break
    return found


def acting_capitals(parsed: Parsed, mentions: Sequence[Mention]) -> set[int]:
    """Starts of capital-city mentions that act or own ("Washington said", "Beijing's reply", "imposed by Moscow",
    "Washington and Seoul warned"), read from the dependency parse: there the city means its government."""
    acting = set()
    for mention in mentions:
        if name_key(mention.text) not in CAPITALS or not (tokens := parsed.tokens(mention.start, mention.end)):
            continue
        head = tokens[-1][1]
        while head.dep_ == "conj":
            head = head.head
        if head.dep_ in ("nsubj", "poss") or (head.dep_ == "pobj" and head.head.dep_ == "agent"):
            acting.add(mention.start)
    return acting


def group_mentions(
    mentions: Sequence[Mention],
    text: str,
    title: str,
    sentence_ends: Sequence[int],
    governments: Collection[int] = (),
) -> list[Entity]:
    """Merge mentions into entities (aliases under the longest name), most salient first; `governments` holds the
    starts of capital-city mentions that stand for their country (see `acting_capitals`)."""
    acronyms = acronym_definitions(text)
    keys = _cluster_keys(mentions, acronyms, governments)
    clusters: dict[str, list[Mention]] = defaultdict(list)
    for mention, key in zip(mentions, keys, strict=True):
        clusters[key].append(mention)
    lead_end = sentence_ends[min(LEAD_SENTENCES, len(sentence_ends)) - 1] if sentence_ends else 0
    title_key = f" {' '.join(re.sub(r'[^0-9a-z]+', ' ', title.casefold()).split())} "
    entities = []
    for key, members in clusters.items():
        label = "PERSON" if key.startswith("P:") else Counter(m.label for m in members).most_common(1)[0][0]
        forms = Counter(m.text for m in members)
        named = [f for f in forms if name_key(f) not in CAPITALS or key == "O:" + name_key(f)] or list(forms)
        name = max(named, key=lambda form: (len(form), forms[form]))  # "U.S." rather than the acting "Washington"
        score = sum(2.0 if m.start < lead_end else 1.0 for m in members)
        if any(f" {w} " in title_key for w in {name_key(f) for f in forms} if w):
            score += 3.0
        ordered = sorted(members, key=lambda m: m.start)
        if key.startswith("P:"):  # a surname joined to a known full name is a person, whatever it was tagged
            ordered = [Mention(text=m.text, start=m.start, end=m.end, label=label) for m in ordered]
        entities.append(Entity(name=name, label=label, mentions=ordered, salience=score))
    top = max((e.salience for e in entities), default=1.0)
    for entity in entities:
        entity.salience = round(entity.salience / top, 3)
    return sorted(entities, key=lambda e: (-e.salience, e.mentions[0].start))


def _cluster_keys(mentions: Sequence[Mention], acronyms: dict[str, str], governments: Collection[int]) -> list[str]:
    """One cluster key per mention: persons by their full name, everything else by alias-normalised name."""
    person_keys = [person_key(m.text) for m in mentions]
    personal = _person_votes(mentions)
    full = {k for k, is_person in zip(person_keys, personal, strict=True) if is_person and len(k.split()) > 1}
    roots = {k: _longest_containing(k, full) or k for k in full}
    first_seen: dict[str, int] = {}
    for key, mention in zip(person_keys, mentions, strict=True):
        if key in roots:
            first_seen.setdefault(roots[key], mention.start)
    keys = []
    for mention, pkey, tagged_person in zip(mentions, person_keys, personal, strict=True):
        # spaCy often tags a bare surname as ORG ("Watson said"): it joins the full name it fits
        titled = name_key(mention.text).split()[0] in _PERSONAL_TITLES  # "Mr Hussen", whatever its label
        is_person = tagged_person or titled or (mention.label == "ORG" and " " not in pkey)
        if is_person and (root := _person_root(pkey, mention.start, roots, first_seen)):
            keys.append("P:" + root)
        elif tagged_person:
            keys.append("P:" + pkey)
        else:
            key = name_key(mention.text)
            key = CAPITALS[key] if mention.start in governments and key in CAPITALS else acronyms.get(key, key)
            keys.append("O:" + key)
    return _join_bare_places(keys)


def _join_bare_places(keys: list[str]) -> list[str]:
    """A bare "Ostra" joins "River Ostra" (or "Ostra River", "Lake ...", "Mount ...") when exactly one such name is
    in the article: news drops the geographic head word after the first mention."""
    named = {k for k in keys if k.startswith("O:") and len(k.split()) == 2}
    joined = []
    for key in keys:
        word = key[2:]
        fits = {f"O:{head} {word}" for head in GEO_HEADS} | {f"O:{word} {head}" for head in GEO_HEADS}
        fits &= named
        joined.append(fits.pop() if key.startswith("O:") and " " not in word and len(fits) == 1 else key)
    return joined


def _person_votes(mentions: Sequence[Mention]) -> list[bool]:
    """Whether each mention counts as a person: a name tagged mostly one way in the article ("Ashby Ferry" twice a
    place, once a person) is taken that way everywhere; on a tie each mention keeps its own tag."""
    keys = [name_key(m.text) for m in mentions]
    votes: dict[str, Counter[bool]] = defaultdict(Counter)
    for mention, key in zip(mentions, keys, strict=True):
        votes[key][mention.label == "PERSON"] += 1
    decided = []
    for mention, key in zip(mentions, keys, strict=True):
        count = votes[key]
        decided.append(mention.label == "PERSON" if count[True] == count[False] else count[True] > count[False])
    return decided


def _contains(short: list[str], long: list[str]) -> bool:
    n = len(short)
    return len(long) > n and (long[:n] == short or long[-n:] == short)


def _longest_containing(key: str, full: set[str]) -> str | None:
    tokens = key.split()
    longer = [f for f in full if _contains(tokens, f.split())]
    return max(longer, key=len) if longer else None


def _person_root(key: str, position: int, roots: dict[str, str], first_seen: dict[str, int]) -> str | None:
    """Full name a (possibly partial) person name refers to; if several fit, the one introduced last before it."""
    if key in roots:
        return roots[key]
    tokens = key.split()
    fits = {roots[f] for f in roots if _contains(tokens, f.split())}
    if not fits:
        return None
    before = [r for r in fits if first_seen[r] < position]
    return max(before, key=lambda r: first_seen[r]) if before else min(fits, key=lambda r: first_seen[r])


def person_names(entities: Iterable[Entity]) -> dict[str, str]:
    """Name key -> person name, for every form and every single name part that points at exactly one person."""
    found: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        if entity.label == "PERSON":
            for form in {entity.name, *(m.text for m in entity.mentions)}:
                key = person_key(form)
                found[key].add(entity.name)
                for part in key.split():
                    found[part].add(entity.name)
    return {key: next(iter(names)) for key, names in found.items() if len(names) == 1}


def extract_entities(parsed: Parsed, conll: Sequence[Sequence[tuple[int, int, str]]] | None = None) -> list[Entity]:
    """Entities of one parsed article; `conll` is the CoNLL tagger's spans per chunk when it is available."""
    mentions = conll_mentions(parsed, conll) if conll is not None else spacy_mentions(parsed)
    mentions = _with_agency([m for m in mentions if m.label in KEPT_LABELS], parsed.text)
    ends = [s.end for s in parsed.sentences]
    return group_mentions(mentions, parsed.text, parsed.article.title, ends, acting_capitals(parsed, mentions))


def _with_agency(mentions: list[Mention], text: str) -> list[Mention]:
    """The agency in an opening dateline ("LINDMOOR, Nov 26 (Northern Wire) -") is an organisation, whatever the
    tagger made of it (taggers read "Northern Wire" as a place)."""
    if (span := dateline_agency(text)) is None:
        return mentions
    start, end = span
    kept = [m for m in mentions if m.end <= start or m.start >= end]
    agency = Mention(text=text[start:end], start=start, end=end, label="ORG")
    return sorted([*kept, agency], key=lambda m: m.start)


def group_across_articles(facts_list: Sequence[Facts]) -> list[list[tuple[Entity, str]]]:
    """The articles' entities grouped by what they name, each as (entity, article id) pairs, in first-seen order.

    Non-person entities are joined through every alias key their mentions carry (so "IGC" in one article meets
    "International Grain Council" defined in another); persons join by full name, and a bare first or last name
    joins the one full name of the day it fits (left alone when several fit).
    """
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    entries: list[tuple[str, Entity, str]] = []
    for facts in facts_list:
        for entity in facts.entities:
            if entity.label == "PERSON":
                keys = {"P:" + person_key(entity.name)}
            else:
                # a capital that stood for its government must not pull the day's mentions of the city in
                keys = {"O:" + k for k in map(name_key, (m.text for m in entity.mentions)) if k not in CAPITALS}
                keys.add("O:" + name_key(entity.name))
            first, *rest = sorted(keys)
            for key in rest:
                parent[find(key)] = find(first)
            entries.append((first, entity, facts.article_id))
    full = {k[2:] for k, e, _ in entries if e.label == "PERSON" and " " in k}
    for key, entity, _ in entries:
        if entity.label == "PERSON" and " " not in key[2:]:
            fits = {f for f in full if _contains(key[2:].split(), f.split())}
            if len(fits) == 1:
                parent[find(key)] = find("P:" + fits.pop())
    groups: dict[str, list[tuple[Entity, str]]] = defaultdict(list)
    for key, entity, article_id in entries:
        groups[find(key)].append((entity, article_id))
    return list(groups.values())


def group_label_and_name(members: Sequence[tuple[Entity, str]]) -> tuple[str, str]:
    """A merged group's label (its mentions' majority) and name (the longest form any article uses)."""
    votes: Counter[str] = Counter()
    for entity, _ in members:
        votes[entity.label] += entity.count
    return votes.most_common(1)[0][0], max((e.name for e, _ in members), key=len)


def merge_across_articles(facts_list: Sequence[Facts], labels: Iterable[str] | None = None) -> list[TopEntity]:
    """The day's entities merged across articles (see `group_across_articles`), most mentioned first, with mention
    and article counts."""
    wanted = frozenset(labels) if labels is not None else None
    merged = []
    for members in group_across_articles(facts_list):
        label, name = group_label_and_name(members)
        if wanted is not None and label not in wanted:
            continue
        mentions = sum(e.count for e, _ in members)
        merged.append(TopEntity(name, label, mentions, len({a for _, a in members})))
    return sorted(merged, key=lambda t: (-t.mentions, -t.articles, t.name))
