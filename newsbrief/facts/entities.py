"""Named entities per article (aliases merged, salience scored) and the day's most mentioned ones across articles.

Mentions come from the CoNLL tagger in `ner_model` when it is installed (PER/ORG/LOC/MISC, typed more finely with
spaCy's label where the two agree), else from spaCy. They are merged into entities by general rules that name no
particular entity, and only when the names are compatible:

- a person's first or last name joins the full name it starts or ends (the one introduced last before it when several
  fit);
- any other shorter name joins the one longer name of the same type in the article that starts or ends with it
  ("Ostra" -> "River Ostra", "Treasury" -> "US Treasury"); left alone when several fit, and never one country into
  another ("Sudan" stays apart from "South Sudan");
- an acronym joins the name the article defines it for: in parentheses ("Bank of Valdoria (BoV)"), else the one
  multi-word name of its type in the article whose initials spell it ("the European Grain Union ... the EGU");
- countries are matched through ISO 3166 (`pycountry`): "United States of America", "United States" and, written
  in capitals, the codes "US", "U.S." and "USA" are one key.

The canonical name is the longest form. The rules that can change a mention's span or type (spaCy-only trimming,
per-name type votes, surnames typed as their person) are those that raised CoNLL-2003 testa F1 when measured one by
one (`bench/ner_eval.py --ablate`; models/ner/README.md, "Which data each decision saw").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from scipy.cluster.hierarchy import DisjointSet

from newsbrief.facts.parse import Parsed
from newsbrief.records import Entity, Facts, Mention, TopEntity

PEOPLE = frozenset({"PERSON"})
ORGANISATIONS = frozenset({"ORG"})
PLACES = frozenset({"GPE", "LOC", "FAC"})
KEPT_LABELS = PEOPLE | ORGANISATIONS | PLACES | {"NORP", "EVENT", "MISC"}
# Titles that may start a person mention and are not part of the name.
TITLES = frozenset(
    "mr mrs ms miss dr prof sir dame lord lady president pres vice prime minister sen senator rep gov governor "
    "gen general col colonel lt capt captain adm admiral sgt judge justice king queen prince princess pope "
    "chancellor secretary mayor rev father sister brother".split()
)
_CONLL_TO_SPACY = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
_COARSE = {"PERSON": "PER", "GPE": "LOC", "FAC": "LOC", "NORP": "MISC", "EVENT": "MISC"}
_LEADING = re.compile(r"^(?:[\"'“”‘’(\[]|the\s+)+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:['’]s|['’]|[\"“”‘),;:!?\]]|\s)+$")
_ACRONYM_DEF = re.compile(
    r"((?:[A-Z][\w&'’.-]*\s+(?:(?:of|the|for|and|on|in|de|du|des|&)\s+)*){1,12})\(([A-Z][A-Za-z0-9&.]{1,11})\)"
)
_ACRONYM = re.compile(r"[A-Za-z&.]+")
_MINOR_WORDS = frozenset({"of", "the", "for", "and", "on", "in", "de", "du", "des", "&"})
LEAD_SENTENCES = 3


def name_key(name: str) -> str:
    """Case-, dot- and hyphen-insensitive key of a name; a country's names and ISO codes share one key."""
    names, codes = _countries()
    code = name.replace(".", "")
    return codes[code] if code in codes else names.get(plain_key(name), plain_key(name))


def plain_key(name: str) -> str:
    """The name's words, casefolded, without a leading "the", a trailing possessive, dots and hyphens."""
    key = name.casefold().replace("’", "'")
    key = re.sub(r"^the\s+", "", key)
    key = re.sub(r"'s?$", "", key).replace(".", "")
    return " ".join(re.sub(r"[-‐–]", " ", key).split())


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """(name key -> country key, ISO alpha-2/alpha-3 code -> country key) from pycountry's ISO 3166 data.

    Codes are matched as written, in capitals only: "US" is the United States, "us" the pronoun."""
    import pycountry

    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        forms = [getattr(country, f, None) for f in ("common_name", "name", "official_name")]
        keys = [plain_key(f) for f in forms if f]
        for key in keys:
            names[key] = keys[0]
        codes[country.alpha_2] = codes[country.alpha_3] = keys[0]
    return names, codes


def is_country(key: str) -> bool:
    """Whether a name key is a country's (see `name_key`)."""
    return key in _countries()[0]


def person_key(name: str) -> str:
    tokens = name_key(name).split()
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def coarse_type(label: str) -> str:
    """The CoNLL-2003 type of a label (GPE, FAC -> LOC; NORP, EVENT -> MISC): what "same type" means in merges."""
    return _COARSE.get(label, label)


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
            mentions.append((a, b, _finer_type(label, finer)))
    return _clean(parsed.text, mentions, trim=False)


def _finer_type(conll: str, spacy: str | None) -> str:
    """spaCy's label where it refines the CoNLL type (LOC -> GPE/FAC, MISC -> NORP/EVENT), else the CoNLL type."""
    if (conll == "LOC" and spacy in PLACES) or (conll == "MISC" and spacy in {"NORP", "EVENT"}):
        return spacy
    return _CONLL_TO_SPACY.get(conll, conll)


def spacy_mentions(parsed: Parsed, all_labels: bool = False) -> list[Mention]:
    """spaCy's named entities of the kept types as cleaned mentions (all entity types with `all_labels`)."""
    raw = [
        (offset + ent.start_char, offset + ent.end_char, ent.label_)
        for offset, doc in parsed.chunks
        for ent in doc.ents
        if all_labels or ent.label_ in KEPT_LABELS
    ]
    return _clean(parsed.text, raw, trim=True)


def _clean(text: str, raw: Iterable[tuple[int, int, str]], trim: bool) -> list[Mention]:
    """Mentions with letters and at most 100 characters; with `trim`, a leading "the" or quote and a trailing
    possessive or punctuation are cut off.

    Only spaCy's spans are trimmed: its OntoNotes-style spans often carry "the" and "'s" (trimming them is worth 3.7
    F1 on CoNLL testa), while the CoNLL tagger's spans already follow the convention of the data ("The Oval",
    "Lord 's"), and trimming them cost 0.4 F1 there."""
    mentions = []
    for start, end, label in raw:
        a, b = start, end
        if trim:
            lead = _LEADING.match(text[start:end])
            a = start + (lead.end() if lead else 0)
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
        for i in range(len(words)):  # shortest trailing run of words whose initials spell the acronym
            tail = words[i:]
            if tail[0].casefold() not in _MINOR_WORDS and spells(match.group(2), " ".join(tail)):
                found[name_key(match.group(2))] = name_key(" ".join(tail))
                break
    return found


def spells(acronym: str, name: str) -> bool:
    """Whether `acronym` is the initials of `name`'s words, with or without its minor words ("Bank of Valdoria" is
    BV or BoV)."""
    words = name.split()
    letters = re.sub(r"[^A-Za-z0-9]", "", acronym).upper()
    every = "".join(w[0] for w in words).upper()
    major = "".join(w[0] for w in words if w.casefold() not in _MINOR_WORDS).upper()
    return len(words) > 1 and len(letters) > 1 and letters in (every, major)


def group_mentions(mentions: Sequence[Mention], text: str, title: str, sentence_ends: Sequence[int]) -> list[Entity]:
    """Merge mentions into entities (aliases under the longest name), most salient first."""
    keys = _cluster_keys(mentions, text)
    clusters: dict[str, list[Mention]] = defaultdict(list)
    for mention, key in zip(mentions, keys, strict=True):
        clusters[key].append(mention)
    lead_end = sentence_ends[min(LEAD_SENTENCES, len(sentence_ends)) - 1] if sentence_ends else 0
    title_key = f" {' '.join(re.sub(r'[^0-9a-z]+', ' ', title.casefold()).split())} "
    entities = []
    for key, members in clusters.items():
        label = "PERSON" if key.startswith("P:") else Counter(m.label for m in members).most_common(1)[0][0]
        forms = Counter(m.text for m in members)
        name = max(forms, key=lambda form: (len(form), forms[form]))
        score = sum(2.0 if m.start < lead_end else 1.0 for m in members)
        if any(f" {w} " in title_key for w in {plain_key(f) for f in forms} if w):
            score += 3.0
        ordered = sorted(members, key=lambda m: m.start)
        if key.startswith("P:"):
            ordered = _as_people(ordered)
        entities.append(Entity(name=name, label=label, mentions=ordered, salience=score))
    top = max((e.salience for e in entities), default=1.0)
    for entity in entities:
        entity.salience = round(entity.salience / top, 3)
    return sorted(entities, key=lambda e: (-e.salience, e.mentions[0].start))


def _as_people(mentions: list[Mention]) -> list[Mention]:
    """The mentions of a person, each typed PERSON: a surname joined to a named person is that person, whatever the
    tagger made of it in its own context."""
    return [Mention(text=m.text, start=m.start, end=m.end, label="PERSON") for m in mentions]


def _cluster_keys(mentions: Sequence[Mention], text: str) -> list[str]:
    """One cluster key per mention: persons by their full name ("P:"), everything else by compatible name ("O:")."""
    person_keys = [person_key(m.text) for m in mentions]
    personal = _person_votes(mentions)
    full = {k for k, is_person in zip(person_keys, personal, strict=True) if is_person and len(k.split()) > 1}
    roots = {k: _longest_containing(k, full) or k for k in full}
    first_seen: dict[str, int] = {}
    for key, mention in zip(person_keys, mentions, strict=True):
        if key in roots:
            first_seen.setdefault(roots[key], mention.start)
    people: dict[int, str] = {}
    for i, (mention, pkey, voted_person) in enumerate(zip(mentions, person_keys, personal, strict=True)):
        is_person = voted_person or _bare_surname(mention, pkey)
        if is_person and (root := _person_root(pkey, mention.start, roots, first_seen)):
            people[i] = "P:" + root
        elif voted_person:
            people[i] = "P:" + pkey
    others = [m for i, m in enumerate(mentions) if i not in people]
    names = iter(_name_keys(others, text))
    return [people[i] if i in people else "O:" + next(names) for i in range(len(mentions))]


def _bare_surname(mention: Mention, key: str) -> bool:
    """A one-word name tagged ORG may be a surname ("Watson said"): it joins the full name it fits, if any."""
    return mention.label == "ORG" and " " not in key


def _name_keys(mentions: Sequence[Mention], text: str) -> list[str]:
    """Keys of non-person mentions: a defined acronym takes its long form's key, then a shorter name the key of the
    one longer compatible name (see the module docstring)."""
    keys = [name_key(m.text) for m in mentions]
    types: dict[str, set[str]] = defaultdict(set)
    for mention, key in zip(mentions, keys, strict=True):
        types[key].add(coarse_type(mention.label))
    defined = acronym_definitions(text)
    keys = [defined.get(k) or _spelled_name(m, k, types) or k for m, k in zip(mentions, keys, strict=True)]
    longer = {key: _longer_name(key, types.get(key, set()), types) for key in set(keys)}
    resolved = []
    for key in keys:
        while (target := longer.get(key)) is not None:
            key = target
        resolved.append(key)
    return resolved


def _spelled_name(mention: Mention, key: str, types: dict[str, set[str]]) -> str | None:
    """The one multi-word name of the mention's type in the article whose initials spell it, if it is an acronym
    (and not a country's code: "U.S." never spells "Upper Silesia")."""
    capitals = sum(c.isupper() for c in mention.text)
    acronym = _ACRONYM.fullmatch(mention.text) and capitals >= max(2, sum(c.islower() for c in mention.text))
    if not acronym or is_country(key):
        return None
    kind = coarse_type(mention.label)
    fits = {key for key, kinds in types.items() if kind in kinds and spells(mention.text, key)}
    return fits.pop() if len(fits) == 1 else None


def _longer_name(key: str, kinds: set[str], names: dict[str, set[str]]) -> str | None:
    """The one longer name of a shared type that starts or ends with `key`'s words; None if none or several fit, or
    if both are countries."""
    words = key.split()
    fits = {
        other
        for other, other_kinds in names.items()
        if kinds & other_kinds and _contains(words, other.split()) and not (is_country(key) and is_country(other))
    }
    return fits.pop() if len(fits) == 1 else None


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
    """`short` is a strict leading or trailing run of `long`'s words."""
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
    mentions = [m for m in mentions if m.label in KEPT_LABELS]
    ends = [s.end for s in parsed.sentences]
    return group_mentions(mentions, parsed.text, parsed.article.title, ends)


def group_across_articles(facts_list: Sequence[Facts]) -> list[list[tuple[Entity, str]]]:
    """The articles' entities grouped by what they name, each as (entity, article id) pairs, in first-seen order.

    Only compatible names join, and only within one type (PER, ORG, LOC, MISC): the same name (country names and
    codes through ISO 3166); a shorter name that starts or ends the one longer name of the day it fits ("Watson" ->
    "Adrienne Watson"; left alone when several fit, and never one country into another); an acronym that one of the
    articles defined for the one name of the day it spells ("IGC" -> "International Grain Council"). Two entities
    with different full names never join through an acronym they share ("NSC" defined for two bodies).
    """
    names = DisjointSet()
    entries = []
    defined: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)  # (type, acronym key) -> named nodes
    for facts in facts_list:
        for entity in facts.entities:
            kind = coarse_type(entity.label)
            node = (kind, person_key(entity.name) if kind == "PER" else name_key(entity.name))
            names.add(node)
            entries.append((node, entity, facts.article_id))
            for form in {m.text for m in entity.mentions}:
                if spells(form, entity.name):
                    defined[(kind, name_key(form))].add(node)
    kinds: dict[str, set[str]] = defaultdict(set)
    for kind, key in names:
        kinds[key].add(kind)
    for kind, key in sorted(names):
        spelled = {names[node] for node in defined.get((kind, key), ())}
        if len(spelled) == 1 and " " not in key:
            names.merge((kind, key), spelled.pop())
        elif longer := _longer_name(key, {kind}, kinds):
            names.merge((kind, key), (kind, longer))
    groups: dict[tuple[str, str], list[tuple[Entity, str]]] = defaultdict(list)
    for node, entity, article_id in entries:
        groups[names[node]].append((entity, article_id))
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
