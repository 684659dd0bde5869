"""Date expressions resolved to ISO strings against the article's publication date.

spaCy finds DATE expressions; `resolve_date` turns their words into `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or `YYYY-Www`
depending on how precise they are; a decade becomes an ISO interval of years (`1990/1999`), a quarter and a season
TimeML's extensions of ISO (`2026-Q3`; `2026-SU`, `-SP`, `-FA`, `-WI`, a winter counted in the year it begins).
Choosing the year of a season named without one assumes northern-hemisphere seasons.

Expressions without a year or relative ones ("last month", "on Monday") need the publication date and the tense of
the clause: in news, a bare weekday in a past-tense clause is the most recent such day up to the publication day, in
a future clause the next one from it. Plans, forecasts and modals look ahead ("talks scheduled for Friday", "could
fall by the spring"); reported "would" looks ahead of the saying, which may precede publication, so a month and day
there take the nearest year. What cannot be resolved keeps its words with `iso = None`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from spacy.tokens import Token

from newsbrief.facts.parse import Parsed
from newsbrief.records import DateFact

PAST, PRESENT, FUTURE = "past", "present", "future"
FUTURE_IN_PAST = "future-in-past"  # "said it would ...": later than the saying, which may be before publication
MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = {name: i for i, name in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
SMALL_NUMBERS = {
    word: i
    for i, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
} | {"a": 1, "an": 1, "a couple of": 2, "several": None, "a few": None}
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:1[89]|20|21)\d{2})"
_ISO = re.compile(r"\b" + _YEAR + r"-(\d{1,2})-(\d{1,2})\b")
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/" + _YEAR + r"\b")
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?:,?\s+" + _YEAR + r"\b)?")
_DAY_MONTH = re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+" + _YEAR + r"\b)?")
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r",?\s+(?:of\s+)?" + _YEAR + r"\b")
_MONTH_ONLY = re.compile(
    r"^(?:(last|this|next|early|late|mid|in|since|until|by)[\s-]+)?(?:early\s+|late\s+)?" + _MONTH + r"$"
)
_YEAR_ONLY = re.compile(r"^(?:(?:in|the year|since|by|until|early|late|mid)[\s-]+)?" + _YEAR + r"$")
_WEEKDAY = re.compile(r"\b(?:(last|next|this|past)\s+)?(" + "|".join(WEEKDAYS) + r")\b")
_RELATIVE = re.compile(r"\b(?:(last|this|next|past|previous|coming)\s+)(week|month|year)\b")
_AGO = re.compile(r"\b(\d+|" + "|".join(k for k in SMALL_NUMBERS if k) + r")\s+(day|week|month|year)s?\s+ago\b")
_FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo", "going"})
# "the 1990s", "the '90s", "the late 90s"; a bare "20s" is more often an age ("in her 20s") and is left alone
_DECADE = re.compile(r"(?:\b((?:1[89]|20)\d0)|'(\d0)|\bthe\s+(?:(?:early|mid|late)[\s-]+)?(\d0))s\b")
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_QUARTER = re.compile(
    r"\b(?:(" + "|".join(_ORDINALS) + r")\s+quarter|q([1-4]))\b(?:,?\s+(?:of\s+)?(?:fiscal\s+)?" + _YEAR + r"\b)?"
)
_RELATIVE_QUARTER = re.compile(r"\b(last|this|next|past|previous|coming)\s+quarter\b")
SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9), "winter": ("WI", 12)}
_SEASON = re.compile(
    r"\b(?:(last|this|next|past|previous|coming)\s+)?(" + "|".join(SEASONS) + r")\b(?:\s+(?:of\s+)?" + _YEAR + r"\b)?"
)
_BACK = frozenset({"last", "past", "previous"})
_AHEAD = frozenset({"next", "coming"})


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _shift_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _pick_year(month: int, day: int | None, ref: date, tense: str) -> int:
    """Year of a month(-day) named without one: the latest up to `ref` in the past, the next from it in the future,
    the nearest otherwise."""
    probe_day = day or 1
    candidates = [y for y in (ref.year - 1, ref.year, ref.year + 1) if _safe_date(y, month, probe_day)]
    probe = {y: date(y, month, probe_day) for y in candidates}
    if day is None:  # compare months, not days
        probe = {y: date(y, month, 1) for y in candidates}
        ref = ref.replace(day=1)
    if tense == PAST:
        return max((y for y in candidates if probe[y] <= ref), default=ref.year)
    if tense == FUTURE:
        return min((y for y in candidates if probe[y] >= ref), default=ref.year)
    return min(candidates, key=lambda y: abs((probe[y] - ref).days), default=ref.year)


def resolve_date(expression: str, published: date | datetime | None, tense: str = PAST) -> str | None:
    """ISO form of a date expression, or None when it cannot be pinned down (see the module docstring)."""
    words = " ".join(expression.casefold().replace("’", "'").split())
    ref = published.date() if isinstance(published, datetime) else published
    if m := _ISO.search(words):
        day = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return day.isoformat() if day else None
    if m := _SLASHED.search(words):
        day = _safe_date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        return day.isoformat() if day else None
    for pattern, month_group, day_group in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        if m := pattern.search(words):
            month, day_of = MONTHS[m.group(month_group)], int(m.group(day_group))
            if m.group(3):
                year = int(m.group(3))
            elif ref is not None and _safe_date(2024, month, day_of):
                year = _pick_year(month, day_of, ref, tense)
            else:
                return None
            day = _safe_date(year, month, day_of)
            return day.isoformat() if day else None
    if m := _MONTH_YEAR.search(words):
        return f"{int(m.group(2)):04d}-{MONTHS[m.group(1)]:02d}"
    if period := _resolve_period(words, ref, tense):
        return period
    if m := _YEAR_ONLY.match(words):
        return m.group(1)
    if ref is None:
        return None
    return _resolve_relative(words, ref, tense)


def _resolve_relative(words: str, ref: date, tense: str) -> str | None:
    if m := _MONTH_ONLY.match(words):
        modifier, month = m.group(1), MONTHS[m.group(2)]
        if modifier == "last":
            tense = PAST
        elif modifier == "next":
            tense = FUTURE
        year = _pick_year(month, None, ref, tense)
        if modifier == "last" and month == ref.month:
            year -= 1
        if modifier == "next" and month == ref.month:
            year += 1
        return f"{year:04d}-{month:02d}"
    offsets = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0}
    offsets |= {"yesterday": -1, "tomorrow": 1, "the day before yesterday": -2, "the day after tomorrow": 2}
    for phrase, shift in sorted(offsets.items(), key=lambda kv: -len(kv[0])):
        if re.search(r"\b" + phrase + r"\b", words):
            return (ref + timedelta(days=shift)).isoformat()
    if m := _AGO.search(words):
        count = int(m.group(1)) if m.group(1).isdigit() else SMALL_NUMBERS.get(m.group(1))
        return None if count is None else _step(ref, m.group(2), -count)
    if m := _WEEKDAY.search(words):
        return _weekday(ref, WEEKDAYS[m.group(2)], m.group(1), tense).isoformat()
    if m := _RELATIVE.search(words):
        step = {"last": -1, "past": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[m.group(1)]
        if m.group(1) == "past" and m.group(2) == "week":  # "the past week": the days just before, this week
            step = 0
        return _step(ref, m.group(2), step)
    if re.search(r"\b(?:earlier|later) this (week|month|year)\b", words):
        return _step(ref, re.search(r"(week|month|year)\b", words).group(1), 0)  # type: ignore[union-attr]
    return None


def _resolve_period(words: str, ref: date | None, tense: str) -> str | None:
    """Decades, quarters and seasons (see the module docstring); None when none is named or it cannot be placed."""
    if m := _DECADE.search(words):
        if m.group(1):
            start = int(m.group(1))
        elif ref is None:
            return None
        else:  # "the '90s": the latest such decade that has begun by the publication year
            tens = int(m.group(2) or m.group(3))
            start = max(y for y in (1900 + tens, 2000 + tens) if y <= ref.year or y < 2000)
        return f"{start}/{start + 9}"
    if m := _QUARTER.search(words):
        quarter = _ORDINALS[m.group(1)] if m.group(1) else int(m.group(2))
        if m.group(3):
            return f"{m.group(3)}-Q{quarter}"
        return f"{_pick_year(3 * quarter - 2, None, ref, tense)}-Q{quarter}" if ref else None
    if ref is not None and (m := _RELATIVE_QUARTER.search(words)):
        step = -1 if m.group(1) in _BACK else 1 if m.group(1) in _AHEAD else 0
        index = ref.year * 4 + (ref.month - 1) // 3 + step
        return f"{index // 4}-Q{index % 4 + 1}"
    if m := _SEASON.search(words):
        code, first_month = SEASONS[m.group(2)]
        if m.group(3):
            return f"{m.group(3)}-{code}"
        return f"{_season_year(first_month, m.group(1), ref, tense)}-{code}" if ref else None
    return None


def _season_year(first_month: int, modifier: str | None, ref: date, tense: str) -> int:
    """Year in which the season meant begins: the one under way at `ref` for "this"/a bare season (or the one before
    or after it with "last"/"next"), else the latest one begun in the past, the next one in the future."""
    months = {(first_month + k - 1) % 12 + 1 for k in range(3)}
    if ref.month in months:
        begun = ref.year - (1 if ref.month < first_month else 0)  # January is in the winter begun last December
        return begun - 1 if modifier in _BACK else begun + 1 if modifier in _AHEAD else begun
    if modifier == "this":
        return ref.year
    tense = PAST if modifier in _BACK else FUTURE if modifier in _AHEAD else tense
    return _pick_year(first_month, None, ref, tense)


def _step(ref: date, unit: str, count: int) -> str:
    if unit == "day":
        return (ref + timedelta(days=count)).isoformat()
    if unit == "week":
        return _iso_week(ref + timedelta(weeks=count))
    if unit == "month":
        year, month = _shift_months(ref, count)
        return f"{year:04d}-{month:02d}"
    return f"{ref.year + count:04d}"


def _weekday(ref: date, weekday: int, modifier: str | None, tense: str) -> date:
    """The named weekday: 'last' is strictly before `ref`, 'next' strictly after; a bare one follows the tense."""
    back = (ref.weekday() - weekday) % 7
    ahead = (weekday - ref.weekday()) % 7
    if modifier in ("last", "past"):
        return ref - timedelta(days=back or 7)
    if modifier == "next":
        return ref + timedelta(days=ahead or 7)
    return ref + timedelta(days=ahead) if tense in (FUTURE, FUTURE_IN_PAST) else ref - timedelta(days=back)


_PREDICTING = frozenset("forecast predict expect project anticipate".split())
_PLANNING = frozenset(
    "plan expect intend aim schedule hope want seek prepare set due go promise vow agree decide pledge propose arrange "
    "threaten".split()
)
_LOOKING_AHEAD = _PREDICTING | _PLANNING


def clause_tense(token: Token) -> str:
    """Tense of the clause governing `token`: future (will/going to/planned infinitive), past or present."""
    verb = token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return PAST
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    lowered = {c.lower_ for c in auxes}
    if verb.lemma_ in _PREDICTING and any(c.dep_ == "dobj" and verb.i < c.i < token.i for c in verb.children):
        return FUTURE  # "the RWO forecast a peak on Friday": a date after what is predicted is when it happens
    ahead_participle = verb.lemma_ in _LOOKING_AHEAD and verb.tag_ == "VBN"
    if ahead_participle and (verb.dep_ == "acl" or {c.tag_ for c in auxes} & {"VBZ", "VBP"}):
        return FUTURE  # "talks scheduled for Friday", "images are expected in mid-January"
    if "to" in lowered and verb.tag_ == "VB" and verb.head.i != verb.i:
        # an infinitive is future only under a verb of planning; "were told to leave" takes its governor's tense
        if verb.head.lemma_ not in _PLANNING:
            return clause_tense(verb.head)
        finite = verb.head if verb.head.pos_ in ("VERB", "AUX") else verb.head.head
        planned_before = "had" in {c.lower_ for c in finite.children if c.dep_ in ("aux", "auxpass")}
        return PAST if planned_before else FUTURE  # "barriers had been due to arrive on Thursday" lies in the past
    if lowered & _FUTURE_AUX:
        return FUTURE
    if verb.tag_ == "VB" and "have" not in lowered and (modals := {c.lower_ for c in auxes if c.tag_ == "MD"}):
        # "could offer 2.8% by the spring"; reported "would take effect on November 3" may fall on either side
        return FUTURE_IN_PAST if modals <= {"would"} else FUTURE
    if verb.tag_ == "VBG" and {c.tag_ for c in auxes} & {"VBZ", "VBP"}:
        return FUTURE
    if verb.tag_ == "VBD" or any(c.tag_ == "VBD" for c in auxes) or (verb.tag_ == "VBN" and lowered & {"has", "have"}):
        return PAST
    if verb.tag_ in ("VBZ", "VBP"):
        return PRESENT
    return PAST


def extract_dates(parsed: Parsed) -> list[DateFact]:
    """Every DATE expression spaCy finds, with its ISO value where it resolves and its sentence."""
    published = parsed.article.published
    facts = []
    for offset, doc in parsed.chunks:
        for ent in doc.ents:
            if ent.label_ != "DATE":
                continue
            start, end = offset + ent.start_char, offset + ent.end_char
            iso = resolve_date(ent.text, published, clause_tense(ent.root))
            facts.append(DateFact(ent.text, start, end, iso=iso, sentence=parsed.sentence_at(start)))
    return facts
