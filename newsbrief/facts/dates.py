"""Time expressions (TimeML TIMEX3) with their normalised values, resolved against the article's publication date.

Extraction: spaCy's DATE and TIME entities, widened to what TimeML marks as one expression ("noon Saturday", "each
Thursday", "the 1988 period", "the corresponding period last year") and a range inside one ("1991 to 1997", "April
24 and 25", "the quarter ended Sept. 30") split into its dates; plus what spaCy leaves out: TimeML's reference words
("now", "currently", "current" as `PRESENT_REF`; "recently", "the past" as `PAST_REF`; "the future", "the near
term", "a later date" as `FUTURE_REF`), the period a report is about ("the latest period"), whole dates
("today", "Jan. 6") and named holidays. An entity that is an age or a number too long to be a year is dropped.

Values follow TimeML: a DATE is `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `YYYY-Www` or `YYYY-Www-WE` (a weekend) as precise
as the words are; a decade an ISO interval of years (`1990/1999`), a century `19XX`, a quarter, half and season
TimeML's extensions of ISO (`2026-Q3`, `2026-H1`; `2026-SU`, `-SP`, `-FA`, `-WI`, a winter counted in the year it
begins); a TIME `YYYY-MM-DDTHH:MM` or a part of a day (`...TMO`, `TAF`, `TEV`, `TNI`); a DURATION `P3M`, `PT2H`,
`P2Y6M` ("2 1/2 years"), decades and centuries in years (`P20Y`), `PXY` for "several years" or bare "years"; a SET
its period (`P1D` for "daily", `XXXX-WXX-4` for "each Thursday", `XXXX-07` for "each July"). Words that place a
point in a period or hedge its size are TimeML's `mod` and leave the value alone ("the end of 1990" is 1990,
"mid-1996" 1996, "about a month" P1M). Numbers may be words ("January nineteen ninety-seven", "March eighth").
Holidays come from the `holidays` library (US federal and English bank holidays; Easter from dateutil, US Election
Day). Seasons named without a year assume the northern hemisphere.

Expressions without a year or relative ones ("last month", "on Monday") need the publication date and the tense of
the clause: news tells a past day in the past tense, so a bare weekday in a past-tense clause is the most recent
such day up to the publication day, and one in a present or future clause the next one from it ("the talks resume
Monday"). Plans, forecasts, modals and deadlines look ahead ("talks scheduled for Friday", "could fall by the
spring", "postponed until Tuesday", "effective Feb. 1"); reported "would" looks ahead of the saying, which may
precede publication, so a month and day there take the nearest year. A month (and day) whose tense-chosen year
lies more than `NEAR_DAYS` from publication takes the nearest year instead: news names a date without its year when
it is close ("payable Dec. 1" in a past-tense clause late in October). "this September" is the publication year's.

Anaphoric expressions take TimeML's reference time, the latest date the article has reported (a date in a forecast
does not move it): "that year", "the following year", "the quarter", "that day", "the next morning", "the previous
Friday". A comparison a year back ("a year earlier", "the year-ago quarter", "the 1988 period") keeps the
granularity of the period being reported: a quarter when the article has named one and has not since reported a
longer period ("for the nine months"). "the past year" (no count) is the year before this one, as "last year" is;
"the past three years" a length. What cannot be resolved keeps its words with `iso = None`.

Data seen: the rules follow the TimeML 1.2 / TIMEX3 guidelines. `NEAR_DAYS` was chosen by 5-fold cross-validation
over the articles of TempEval-3's TimeBank+AQUAINT dev file (`bench/dates_eval.py --cv`). The rules were written
after reading errors on that file, category by category (weekdays against tense, reference words, quarter
comparisons, durations, modifiers, times of day, holidays, anaphoric days), each as a general case of English date
language with tests of invented sentences; the dev figure still flatters them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import holidays
from dateutil.easter import easter
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from newsbrief.facts.parse import Parsed
from newsbrief.numbers import is_number_word, ordinal_value, parse_number
from newsbrief.records import DateFact

PAST, PRESENT, FUTURE = "past", "present", "future"
FUTURE_IN_PAST = "future-in-past"  # "said it would ...": later than the saying, which may be before publication
DATE, TIME, DURATION, SET = "DATE", "TIME", "DURATION", "SET"
NEAR_DAYS = 280  # see the module docstring; chosen by cross-validation
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
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:1[0-9]|20|21)\d{2})"
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?:,?\s+" + _YEAR + r"\b)?")
_DAY_MONTH = re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+" + _YEAR + r"\b)?")
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r",?\s+(?:of\s+)?" + _YEAR + r"\b")
_MONTH_RELATIVE_YEAR = re.compile(r"\b" + _MONTH + r"\s+(?:of\s+)?(last|this|next)\s+year\b")
_MONTH_ONLY = re.compile(
    r"^(?:(last|this|next|early|late|mid|in|since|until|by|the end of|the start of|the beginning of|the middle of)"
    r"\s+)?(?:(?:early|late|mid)\s+)?" + _MONTH + r"$"
)
_YEAR_ONLY = re.compile(r"^(?:(?:in|the year|since|by|until|early|late|mid|fiscal|calendar|both)\s+)*" + _YEAR + r"$")
_WEEKDAY = re.compile(r"\b(?:(last|next|this|past|coming|this\s+coming)\s+)?(" + "|".join(WEEKDAYS) + r")\b")
_RELATIVE = re.compile(r"\b(?:(last|this|next|past|previous|coming)\s+)(week|month|year)\b")
_COUNT_WORDS = r"\d+(?:\s+1/2)?|(?:a\s+)?couple\s+of|a few|several|few|many|an?|[a-z]+(?:\s[a-z]+)?"
_AGO = re.compile(r"\b(" + _COUNT_WORDS + r")\s+(day|week|month|year|decade)s?\s+ago\b")
_FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo", "going"})
# "the 1990s", "the '90s", "the late 90s"; a bare "20s" is more often an age ("in her 20s") and is left alone
_DECADE = re.compile(r"(?:\b((?:1[89]|20)\d0)|'(\d0)|\bthe\s+(?:(?:early|mid|late)\s+)?(\d0))s\b")
_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                 "eighties": 8, "nineties": 9}  # fmt: skip
_DECADE_NAMED = re.compile(r"\bthe\s+(?:(?:early|mid|late)\s+)?(" + "|".join(_DECADE_WORDS) + r")\b")
# the ordinals that name a quarter, valued by the shared number parser
_ORDINALS = {word: n for word in "first 1st second 2nd third 3rd fourth 4th".split() if (n := ordinal_value(word))}
_CENTURY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\s+century\b")
_QUARTER = re.compile(
    r"\b(?:(" + "|".join(_ORDINALS) + r")\s+(?:fiscal\s+)?quarter|q([1-4]))\b"
    r"(?:,?\s+(?:of\s+)?(?:fiscal\s+)?" + _YEAR + r"\b)?"
)
_YEAR_FIRST = re.compile(r"\b" + _YEAR + r"(?:'s)?\s+(?:fiscal\s+)?(?:" + "|".join(_ORDINALS) + r"|q[1-4])\b")
_HALF = re.compile(r"\b(first|second|last)\s+half\b(?:\s+of\s+" + _YEAR + r")?")
_RELATIVE_QUARTER = re.compile(r"\b(last|this|next|past|previous|coming)\s+quarter\b")
SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9), "winter": ("WI", 12)}
_SEASON = re.compile(
    r"\b(?:(last|this|next|past|previous|coming)\s+)?(" + "|".join(SEASONS) + r")\b(?:\s+(?:of\s+)?" + _YEAR + r"\b)?"
)
_BACK = frozenset({"last", "past", "previous"})
_AHEAD = frozenset({"next", "coming"})
# TimeML's reference words: the present, the past or the future as such, with no calendar value
_REFERENCE = {
    "PRESENT_REF": r"(?:right\s+)?now|currently|current|these\s+days|nowadays|at\s+present|at\s+the\s+moment",
    "PAST_REF": r"recently|lately|the\s+(?:recent\s+)?past",
    "FUTURE_REF": r"the\s+(?:near\s+|distant\s+)?future|the\s+(?:near|short|long)\s+term|a\s+later\s+date"
    r"|future\s+(?:days|weeks|months|quarters|years)",
}
_REFERENCE_WORDS = re.compile(r"\b(?:" + "|".join(_REFERENCE.values()) + r")\b", re.IGNORECASE)
# the period a report is about, named without a date: TimeML marks it and reads it off the reference time
_PERIOD_REFERENCE = re.compile(
    r"\b(?:the|that|this)\s+(?:latest|most\s+recent|year[-\s](?:ago|earlier))\s+(?:fiscal\s+)?(?:period|quarter)\b",
    re.IGNORECASE,
)
# dates whole by their words alone, which the tagger now and then leaves out: "today", "Jan. 6", "2026-11-03"
_DAY_WORDS = re.compile(r"\b(?:today|yesterday|tomorrow|tonight)\b", re.IGNORECASE)
_NAMED_DAY = re.compile(
    r"\b(?:"
    + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
    + r")\.?\s+"
    + _DAY
    + r"\b(?:,\s+"
    + _YEAR
    + r"\b)?"
)
_NUMERIC_DATE = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{4}\b")  # ISO and US-style, with the year
_UNTAGGED = (_REFERENCE_WORDS, _PERIOD_REFERENCE, _DAY_WORDS, _NAMED_DAY, _NUMERIC_DATE)
# holidays by name: the US federal and English bank holidays as the `holidays` library keeps them, Easter Sunday
# (dateutil), the eves of Christmas and the new year, US Election Day; three are named without "Day" as often as with
_HOLIDAY_COUNTRIES = (("US", None), ("GB", "ENG"))
_HOLIDAY_EXTRAS = (
    "Easter",
    "Easter Sunday",
    "Christmas Eve",
    "New Year's Eve",
    "Thanksgiving",
    "Christmas",
    "Election Day",
)
_HOLIDAY = re.compile(r"^(?:(last|next|this|on)\s+)?(.+)$")
# a year back from the period being reported: "a year earlier", "the year-ago quarter", "last year's period"
_YEAR_BACK = re.compile(
    r"^(?:the\s+|a\s+)?(?:(?:a|one)\s+year\s+(?:ago|earlier|before)|year\s+(?:ago|earlier))"
    r"(?:\s+(?:quarter|period|results?|figures?))?$"
    r"|^(?:the\s+)?(?:(?:same|corresponding|comparable)\s+)?(?:quarter|period)\s+(?:a\s+year\s+(?:ago|earlier)|last\s+year)$"
    r"|^last\s+year's\s+(?:quarter|period)$"
)
_A_YEAR_BACK = re.compile(r"(?:a|one)\s+year\s+(?:ago|earlier)|last\s+year")
_PERIOD_OF_YEAR = re.compile(r"^(?:the\s+)?" + _YEAR + r"(?:'s)?\s+(?:fiscal\s+)?(?:quarter|period)$")
_THE_QUARTER = re.compile(
    r"^(?:the\s+|this\s+|that\s+)?(?:latest\s+|most\s+recent\s+|same\s+|current\s+)?(quarter|period)$"
)
_THAT_YEAR = {
    "that year": 0, "the same year": 0, "the following year": 1, "the next year": 1, "the year after": 1,
    "the previous year": -1, "the preceding year": -1, "the prior year": -1, "the year before": -1,
}  # fmt: skip
# a day read off the reference day (none before a day is reported): "that day", "the next morning", "the day before"
_THAT_DAY = re.compile(
    r"^(?:that|the)\s+(?:(same|next|following|previous|preceding)\s+)?(day|morning|afternoon|evening|night)"
    r"(?:\s+(?:(before)|(after)))?$"
)
_LONGER_THAN_A_QUARTER = re.compile(r"P(?:[4-9]|1[0-2])M|P1Y")  # a report's period: "the nine months", "the year"
_WEEKDAY_FROM_ANCHOR = re.compile(r"^the\s+(previous|preceding|following)\s+(" + "|".join(WEEKDAYS) + r")$")
_BEFORE = frozenset({"previous", "preceding"})
_AFTER = frozenset({"next", "following"})
_THIS_YEAR = re.compile(
    r"^(?:the\s+|this\s+)?(?:(?:current|full|whole|entire|same)\s+)?(?:fiscal\s+|calendar\s+)?year(?:\s+to\s+date|(?:'s)?\s+end)?$"
)
_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI",
                 "overnight": "NI"}  # fmt: skip
_PART_OF_DAY = re.compile(r"\b(" + "|".join(_PARTS_OF_DAY) + r")\b")
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?|\b(noon|midday|midnight)\b")
_HOUR_OF_PART = re.compile(
    r"\b(\d{1,2}(?::\d{2})?)\s+(?:o'clock\s+)?(?:in\s+the\s+(morning|afternoon|evening)|at\s+(night))\b"
)
_SET_WORDS = {"hourly": "PT1H", "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "quarterly": "P1Q",
              "annually": "P1Y", "yearly": "P1Y"}  # fmt: skip
# "every year", "each week", "per hour"; "a year" alone is a length ("barely a year"), not a rate
_SET_EVERY = re.compile(r"^(?:every|each|per)\s+(?:(\w+)\s+)?(hour|day|week|month|quarter|year)s?$")
_SET_WEEKDAY = re.compile(r"^(?:every|each)\s+(" + "|".join(WEEKDAYS) + r")s?$")
_SET_MONTH = re.compile(r"^(?:every|each)\s+" + _MONTH + r"$")
_UNIT_CODES = {"second": "TS", "minute": "TM", "hour": "TH", "day": "D", "week": "W", "month": "M", "quarter": "Q",
               "year": "Y", "decade": "DE", "century": "CE"}  # fmt: skip
_UNIT = r"(second|minute|hour|day|week|month|quarter|year|decade|centur(?:y|ie))s?"
_DURATION = re.compile(
    r"^(?:(?:the|for|over|within|in|about|nearly|almost|more than|less than|at least|up to|some|around|roughly|"
    r"just|only|past|last|next|coming|first|previous|following|latest|another|further|no more than|at most|under|"
    r"more|additional|full|consecutive|straight|each of the)\s+)*"
    r"("
    + _COUNT_WORDS
    + r")?\s*(?:(?:more|additional|full|consecutive|straight)\s+)?"
    + _UNIT
    # "an hour and a half"; "three days later", "a day earlier": the distance between two times is a duration
    + r"(\s+and\s+a\s+half)?(?:\s+(?:long|ahead|later|earlier|after|before|of\s+(?:the\s+year|\d{4})))?$"
)
_VAGUE_COUNTS = frozenset({"a few", "few", "several", "many", "recent", "some", "coming"})
# a fraction of a unit in the next smaller one, as TimeML writes "2 1/2 years" (P2Y6M)
_SMALLER_UNIT = {"year": (12, "M"), "week": (7, "D"), "day": (24, "TH"), "hour": (60, "TM"), "minute": (60, "TS")}
_RANGE_SPLIT = re.compile(
    r"\s+(?:to|through|thru|until|till|and|or)\s+|\s*[-\u2013\u2014]\s*(?=\d)|(?<=\d{4}),\s+(?=\d{4}\b)"
)
_ENDED = re.compile(r"\s+(?:that\s+|which\s+)?(?:ended|ending|ends)\s+(?=\w)")
# what makes each side of "to"/"and" a date of its own ("1991 to 1997", "1995 and now"); "12 to 18 months" is one
_DATE_WORD = re.compile(r"\b(?:\d{4}|" + "|".join([*MONTHS, *WEEKDAYS]) + r"|today|yesterday|tomorrow|now)\b", re.I)
_DAY_NUMBER = re.compile(r"\d{1,2}(?:st|nd|rd|th)?")
_YEAR_WORDS = re.compile(
    r"^(?:the\s+year\s+|in\s+)?((?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty)\s+[a-z -]+|two\s+thousand(?:\s+[a-z -]+)?)$"
)


# a point inside a period, or a hedge on its size: TimeML's `mod`, not part of the value
_MODIFIERS = re.compile(
    r"^(?:(?:the\s+)?(?:very\s+)?(?:end|start|beginning|middle|turn|close)\s+of\s+"
    r"|(?:early|late|mid|around|about|approximately|roughly|nearly|almost|just|only|barely|some|over|under|"
    r"as\s+(?:long|much|little|early|late|recently)\s+as|at\s+(?:least|most)|(?:no\s+)?(?:more|less)\s+than|up\s+to|"
    r"(?:earlier|later)(?:\s+(?:in|on))?)\s+)+"
)
_TRAILING_MODIFIERS = re.compile(r"\s+or\s+(?:so|more|less)\b")  # "a week or so ago"


@dataclass
class Timex:
    """A resolved expression: its TimeML type and value (None when it cannot be pinned down); `anaphoric` when the
    value was read off the reference time, so that it does not become the reference time itself."""

    kind: str
    value: str | None
    anaphoric: bool = False


@dataclass
class Anchor:
    """TimeML's reference time: the year, the quarter and the day of the latest date the article has reported (a
    date in a forecast or plan does not move it)."""

    year: int | None = None
    quarter: tuple[int, int] | None = None
    day: date | None = None
    quarterly: bool = False  # whether the period last reported is that quarter, not a longer one ("nine months")

    def follow(self, timex: Timex) -> None:
        """Move to a date or time the article reports; a longer period ("for the nine months") ends the quarter's
        turn as the period that comparisons a year back refer to."""
        if timex.kind == DURATION and _LONGER_THAN_A_QUARTER.fullmatch(timex.value or ""):
            self.quarterly = False
        if timex.kind not in (DATE, TIME) or timex.anaphoric or not timex.value:
            return
        if m := re.match(r"(\d{4})(?:-Q([1-4]))?(?:$|-)", timex.value):
            self.year = int(m.group(1))
            if m.group(2):
                self.quarter, self.quarterly = (self.year, int(m.group(2))), True
            if day := re.match(r"\d{4}-\d{2}-\d{2}", timex.value):
                self.day = date.fromisoformat(day.group(0))


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


def _pick_year(month: int, day: int | None, ref: date, tense: str, near_days: int = NEAR_DAYS) -> int:
    """Year of a month(-day) named without one: the latest up to `ref` in the past, the next from it in the future,
    the nearest otherwise, and the nearest whenever the tense's choice lies more than `near_days` away."""
    probe_day = day or 1
    candidates = [y for y in (ref.year - 1, ref.year, ref.year + 1) if _safe_date(y, month, probe_day)]
    if day is None:  # compare months, not days
        ref = ref.replace(day=1)
    probe = {y: date(y, month, probe_day) for y in candidates}
    nearest = min(candidates, key=lambda y: abs((probe[y] - ref).days), default=ref.year)
    if tense == PAST:
        chosen = max((y for y in candidates if probe[y] <= ref), default=ref.year)
    elif tense == FUTURE:
        chosen = min((y for y in candidates if probe[y] >= ref), default=ref.year)
    else:
        return nearest
    return chosen if chosen in probe and abs((probe[chosen] - ref).days) <= near_days else nearest


def _count(words: str | None) -> int | None:
    """A whole count written in digits or words ("24", "twenty four", "a couple of"; none written is one); None when
    vague or not a count."""
    value = 1.0 if words is None else _amount(words)
    return int(value) if value is not None and value.is_integer() else None


def resolve_date(
    expression: str, published: date | datetime | None, tense: str = PAST, near_days: int = NEAR_DAYS
) -> str | None:
    """TimeML value of a time expression, or None when it cannot be pinned down (see the module docstring)."""
    return resolve_timex(expression, published, tense, near_days=near_days).value


def resolve_timex(
    expression: str,
    published: date | datetime | None,
    tense: str = PAST,
    anchor: Anchor | None = None,
    near_days: int = NEAR_DAYS,
) -> Timex:
    """Type and TimeML value of a time expression; `anchor` is the reference time for anaphoric ones."""
    words = " ".join(
        re.sub(r"(?<=[a-z\d])-(?=[a-z])|(?<=[a-z])-(?=\d)", " ", expression.casefold().replace("’", "'")).split()
    )
    words = words.removesuffix("'s").removesuffix("'")  # "the quarter's loss", "the 1990s' boom"
    ref = published.date() if isinstance(published, datetime) else published
    try:
        return _resolve(words, ref, tense, anchor or Anchor(), near_days)
    except (OverflowError, ValueError):  # a publication date at the edge of the calendar ("year 9999")
        return Timex(DATE, None)


def _resolve(words: str, ref: date | None, tense: str, anchor: Anchor, near_days: int) -> Timex:
    timex = _resolve_words(words, ref, tense, anchor, near_days)
    if timex.value is None and (bare := _strip_modifiers(words)) != words:
        return _resolve_words(bare, ref, tense, anchor, near_days)
    return timex


def _strip_modifiers(words: str) -> str:
    """The expression without the words TimeML puts in its `mod` attribute, which leave the value alone: "the end of
    1990" is 1990, "mid-1996" 1996, "about a month" P1M, "the next two years or so" P2Y."""
    return _TRAILING_MODIFIERS.sub("", _MODIFIERS.sub("", words))


def _resolve_words(words: str, ref: date | None, tense: str, anchor: Anchor, near_days: int) -> Timex:
    for value, pattern in _REFERENCE.items():
        if re.fullmatch(r"(?:in\s+|for\s+|until\s+|by\s+)?(?:" + pattern + ")", words):
            return Timex(DATE, value)
    if timex := _resolve_set(words):
        return timex
    words = _HOUR_OF_PART.sub(_clock_words, words)  # "4 in the morning" is 4 a.m.
    if (_CLOCK.search(words) or _PART_OF_DAY.search(words)) and (timex := _resolve_time(words, ref, tense)):
        return timex
    if timex := _resolve_anaphoric(words, ref, anchor):
        return timex
    if m := re.fullmatch(r"(?:the\s+)?week\s+of\s+(.+)", words):  # "the week of March 6": the week that day is in
        day = _resolve_absolute(m.group(1), ref, tense, near_days)
        return Timex(DATE, _iso_week(date.fromisoformat(day)) if day and len(day) == 10 else None)
    if value := _resolve_absolute(words, ref, tense, near_days):
        return Timex(DATE, value)
    if ref is not None and (m := re.fullmatch(r"the\s+(week|month)", words)):  # "for the week": the one under way
        return Timex(DATE, _step(ref, m.group(1), 0))
    if ref is not None and (m := re.fullmatch(r"the\s+(?:past|last)\s+(month|year|decade)", words)):
        # with no count, "the past year" names the period before this one, as "last year" does ("the past three
        # years" is a length); "the past week" is this week's days (see _resolve_relative)
        if m.group(1) == "decade":
            start = (ref.year // 10 - 1) * 10
            return Timex(DATE, f"{start}/{start + 9}")
        return Timex(DATE, _step(ref, m.group(1), -1))
    if timex := _resolve_duration(words):
        return timex
    return Timex(DATE, _resolve_relative(words, ref, tense, near_days) if ref is not None else None)


def _resolve_set(words: str) -> Timex | None:
    """ "daily", "every month", "each Thursday", "twice a year" as TimeML SETs."""
    if words in _SET_WORDS:
        return Timex(SET, _SET_WORDS[words])
    if m := _SET_WEEKDAY.match(words):
        return Timex(SET, f"XXXX-WXX-{WEEKDAYS[m.group(1)] + 1}")
    if m := _SET_MONTH.match(words):
        return Timex(SET, f"XXXX-{MONTHS[m.group(1)]:02d}")
    if (m := _SET_EVERY.match(words)) and (count := _count(m.group(1))):
        return Timex(SET, _duration_value(count, m.group(2)))
    return None


def _resolve_time(words: str, ref: date | None, tense: str) -> Timex | None:
    """A clock time or part of a day on the day the rest of the words name ("10 p.m. Wednesday", "this morning",
    "last night"); the publication day when they name none."""
    day_words = _CLOCK.sub(" ", _PART_OF_DAY.sub(" ", words))
    day_words = " ".join(
        w
        for w in day_words.split()
        if w
        not in ("this", "the", "at", "on", "about", "around", "est", "edt", "gmt", "local", "time", "late", "early")
    )
    night = re.search(r"\b(?:last|yester)\s*night\b", words)
    if night:
        day_words = "yesterday"
    if not day_words:
        day_value = ref.isoformat() if ref else None
    else:
        day_value = _resolve_absolute(day_words, ref, tense, NEAR_DAYS) or (
            _resolve_relative(day_words, ref, tense, NEAR_DAYS) if ref else None
        )
        if day_value is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day_value):
            return None
    if m := _CLOCK.search(words):
        if m.group(4):
            hour, minute = (0 if m.group(4) == "midnight" else 12), 0
        else:
            hour, minute = int(m.group(1)) % 12 + (12 if m.group(3) == "p" else 0), int(m.group(2) or 0)
            if int(m.group(1)) > 12 or minute > 59:
                return Timex(TIME, None)
        clock = f"{hour:02d}:{minute:02d}"
    else:
        clock = _PARTS_OF_DAY[_PART_OF_DAY.search(words).group(1)]  # type: ignore[union-attr]
    return Timex(TIME, f"{day_value}T{clock}" if day_value else None)


def _clock_words(m: re.Match[str]) -> str:
    """ "4 in the morning" -> "4 am", "7 in the evening" and "11 at night" -> "7 pm", "11 pm"."""
    hour = int(m.group(1).split(":")[0])
    afternoon = m.group(2) in ("afternoon", "evening") or (m.group(3) is not None and 6 <= hour <= 12)
    return f"{m.group(1)} {'p' if afternoon else 'a'}m"


def _resolve_anaphoric(words: str, ref: date | None, anchor: Anchor) -> Timex | None:
    """Expressions read off the reference time: "a year earlier", "the 1988 period", "the quarter", "that year"."""
    if _YEAR_BACK.match(words):
        if anchor.quarter and (anchor.quarterly or "quarter" in words):
            return Timex(DATE, f"{anchor.quarter[0] - 1}-Q{anchor.quarter[1]}", anaphoric=True)
        return Timex(DATE, f"{ref.year - 1:04d}" if ref else None, anaphoric=True)
    if re.search(r"\byear (?:ago|earlier)\b", words) and (m := _QUARTER.search(words)) and ref is not None:
        quarter = _ORDINALS[m.group(1)] if m.group(1) else int(m.group(2))  # "the year-ago third quarter"
        year = anchor.quarter[0] if anchor.quarter else _pick_year(3 * quarter - 2, None, ref, PAST)
        return Timex(DATE, f"{year - 1}-Q{quarter}", anaphoric=True)
    if m := _PERIOD_OF_YEAR.match(words):  # "the 1988 period": that year's quarter, or that year's period
        quarter = anchor.quarter and (anchor.quarterly or words.endswith("quarter"))
        return Timex(DATE, f"{m.group(1)}-Q{anchor.quarter[1]}" if quarter else m.group(1), anaphoric=True)
    if _THE_QUARTER.match(words) and words not in ("period", "the period"):
        if anchor.quarter:
            return Timex(DATE, f"{anchor.quarter[0]}-Q{anchor.quarter[1]}", anaphoric=True)
        return None
    if (m := _WEEKDAY_FROM_ANCHOR.match(words)) and (day := anchor.day or ref):  # "the previous Friday"
        found = _weekday(day, WEEKDAYS[m.group(2)], "last" if m.group(1) in _BEFORE else "next", PAST)
        return Timex(DATE, found.isoformat(), anaphoric=True)
    if m := _THAT_DAY.match(words):  # "that day", "the next morning", "the day before"
        shift = -1 if m.group(1) in _BEFORE or m.group(3) else 1 if m.group(1) in _AFTER or m.group(4) else 0
        value = (anchor.day + timedelta(days=shift)).isoformat() if anchor.day else None
        if m.group(2) == "day":
            return Timex(DATE, value, anaphoric=True)
        return Timex(TIME, f"{value}T{_PARTS_OF_DAY[m.group(2)]}" if value else None, anaphoric=True)
    if words in _THAT_YEAR:
        year = anchor.year
        return Timex(DATE, f"{year + _THAT_YEAR[words]:04d}" if year is not None else None, anaphoric=True)
    if _THIS_YEAR.match(words) and not words.startswith("the year to"):
        return Timex(DATE, f"{ref.year:04d}" if ref else None)
    return None


def _resolve_absolute(words: str, ref: date | None, tense: str, near_days: int) -> str | None:
    """Calendar dates, months, years (in digits or words), decades, centuries, quarters, halves and seasons."""
    words = _spelled_out(words)
    if m := _ISO.search(words):
        day = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return day.isoformat() if day and day.year >= 1000 else None
    if m := _SLASHED.search(words):
        day = _safe_date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        return day.isoformat() if day and day.year >= 1000 else None
    for pattern, month_group, day_group in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        if m := pattern.search(words):
            month, day_of = MONTHS[m.group(month_group)], int(m.group(day_group))
            if m.group(3):
                year = int(m.group(3))
            elif ref is not None and _safe_date(2024, month, day_of):
                year = _pick_year(month, day_of, ref, tense, near_days)
            else:
                return None
            day = _safe_date(year, month, day_of)
            return day.isoformat() if day else None
    if m := _MONTH_YEAR.search(words):
        return f"{int(m.group(2)):04d}-{MONTHS[m.group(1)]:02d}"
    if ref is not None and (m := _MONTH_RELATIVE_YEAR.search(words)):  # "June last year"
        return f"{ref.year + {'last': -1, 'this': 0, 'next': 1}[m.group(2)]:04d}-{MONTHS[m.group(1)]:02d}"
    if period := _resolve_period(words, ref, tense, near_days):
        return period
    if ref is not None and (holiday := _holiday(words, ref, tense, near_days)):
        return holiday
    if m := _YEAR_ONLY.match(words):
        return m.group(1)
    if m := _YEAR_WORDS.match(words):
        return _year_in_words(m.group(1))
    return None


@cache
def _holidays_of(year: int) -> dict[str, date]:
    """Date in `year` of each holiday, by its name casefolded without "'s" ("thanksgiving day", "new year day")."""
    named = {"easter": easter(year), "easter sunday": easter(year)}
    for country, subdiv in _HOLIDAY_COUNTRIES:
        for day, name in holidays.country_holidays(country, subdiv=subdiv, years=year).items():
            if "(observed)" not in name:
                named.setdefault(_holiday_key(name), day)
    for bare, name in (("thanksgiving", "thanksgiving day"), ("christmas", "christmas day")):
        if name in named:  # the library keeps a holiday from the year it was instituted
            named[bare] = named[name]
    named["christmas eve"], named["new year eve"] = date(year, 12, 24), date(year, 12, 31)
    first_monday = date(year, 11, 1) + timedelta(days=(7 - date(year, 11, 1).weekday()) % 7)
    named["election day"] = first_monday + timedelta(days=1)  # US: the Tuesday after the first Monday in November
    return named


@cache
def _holiday_names() -> re.Pattern[str]:
    """The holidays' names as written (capitalised), for finding those the tagger leaves out or calls an event."""
    names = {*_HOLIDAY_EXTRAS}
    for country, subdiv in _HOLIDAY_COUNTRIES:
        names |= {n for n in holidays.country_holidays(country, subdiv=subdiv, years=2000).values() if "(" not in n}
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(r"\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?:" + alternatives + r")\b")


def _holiday_key(name: str) -> str:
    return " ".join(name.casefold().replace("’", "'").replace("'s", "").split())


def _holiday(words: str, ref: date, tense: str, near_days: int) -> str | None:
    """The date of a named holiday ("Thanksgiving Day", "last Christmas"), in the year the tense or the modifier picks
    as for a month and day; None when the words name none."""
    m = _HOLIDAY.match(words)
    key = _holiday_key(m.group(2)) if m else ""
    if not m or key not in _holidays_of(ref.year):
        return None
    modifier = m.group(1)
    tense = PAST if modifier == "last" else FUTURE if modifier == "next" else tense
    this_year = _holidays_of(ref.year)[key]
    if modifier == "this":
        return this_year.isoformat()
    year = _pick_year(this_year.month, this_year.day, ref, tense, 366 if modifier in ("last", "next") else near_days)
    return _holidays_of(year)[key].isoformat()


def _spelled_out(words: str) -> str:
    """A date whose numbers are words, as transcripts of broadcasts write them, in digits: "march eighth" -> "march
    8", "the twenty-first of may" -> "the 21 of may", "january nineteen ninety-seven" -> "january 1997". A year in
    words counts only after a month, a season, "of" or "in" ("twenty one days" is no year)."""
    tokens = words.replace("-", " ").split()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + 4), i, -1):
            phrase = " ".join(tokens[i:j])
            month_near = (out and out[-1] in MONTHS) or (j < len(tokens) and tokens[j] == "of")
            if month_near and (day := ordinal_value(phrase)) and 1 <= day <= 31:
                out.append(str(day))
                break
            year_place = out and (out[-1] in MONTHS or out[-1] in SEASONS or out[-1] in ("of", "in")) and j - i > 1
            if year_place and (year := _year_in_words(phrase)):
                out.append(year)
                break
        else:
            out.append(tokens[i])
            j = i + 1
        i = j
    return " ".join(out) if out != tokens else words


def _year_in_words(words: str) -> str | None:
    """ "nineteen ninety-eight" -> 1998, "two thousand and one" -> 2001; None for anything that is not a year."""
    first, _, rest = words.replace("-", " ").partition(" ")
    if first == "two" and rest.startswith("thousand"):
        value = parse_number(words)
        return f"{int(value)}" if value is not None and 2000 <= value < 2100 else None
    if not all(word in ("and", "oh") or is_number_word(word) for word in rest.split()):
        return None
    century, tail = parse_number(first), parse_number(rest) if rest != "hundred" else 0
    if century is None or tail is None or not 10 <= century <= 20 or not 0 <= tail < 100:
        return None
    return f"{int(century * 100 + tail)}"


def _resolve_duration(words: str) -> Timex | None:
    """ "three years", "the past six months", "a few days", "10-hour", "recent weeks", "years", "2 1/2 hours" as TimeML
    DURATIONs; `X` for a count that is not given, decades and centuries in years (ISO 8601 has no larger unit)."""
    m = _DURATION.match(words)
    if not m:
        return None
    count_words, unit = m.group(1), "century" if m.group(2).startswith("centur") else m.group(2)
    plural = re.search(r"\b" + unit[:5] + r"\w*s\b", words) is not None
    if count_words is None and not plural and not words.startswith(("the ", "recent ", "coming ")):
        return None  # a bare "day" or "year" is no length
    amount: float | None
    if count_words in _VAGUE_COUNTS or (count_words in (None, "the") and plural):
        amount = None
    elif count_words in (None, "the"):
        amount = 1
    elif (amount := _amount(count_words)) is None:
        return None
    if amount is not None and m.group(3):
        amount += 0.5
    return Timex(DURATION, _duration_value(amount, unit))


def _amount(words: str) -> float | None:
    """A count in digits or words, whole or with a half ("24", "twenty four", "2 1/2", "a couple of"); None when it
    is not one."""
    if halves := re.fullmatch(r"(\d+)\s+1/2", words):
        return int(halves.group(1)) + 0.5
    if re.fullmatch(r"(?:a\s+)?couple\s+of", words):
        return 2.0
    if words in ("a", "an"):
        return 1.0
    value = parse_number(words)
    return float(value) if value is not None and value > 0 and (2 * value).is_integer() else None


def _duration_value(amount: float | None, unit: str) -> str:
    """TimeML value of `amount` `unit`s: P3Y, PT2H, P2Y6M, P20Y (two decades), PXW (an unknown number of weeks)."""
    if amount is None:
        code = _UNIT_CODES[unit]
        return f"PTX{code[1]}" if code.startswith("T") else f"PX{code}"
    if unit in ("decade", "century"):
        amount, unit = amount * (10 if unit == "decade" else 100), "year"
    whole, half = int(amount), amount - int(amount)
    parts = [(whole, _UNIT_CODES[unit])] if whole else []
    if half:
        factor, smaller = _SMALLER_UNIT.get(unit, (0, ""))
        if not factor:
            return f"P{amount:g}{_UNIT_CODES[unit]}"
        parts.append((int(half * factor), smaller))
    date_part = "".join(f"{n}{code}" for n, code in parts if not code.startswith("T"))
    time_part = "".join(f"{n}{code[1]}" for n, code in parts if code.startswith("T"))
    return "P" + date_part + (f"T{time_part}" if time_part else "")


def _resolve_relative(words: str, ref: date, tense: str, near_days: int) -> str | None:
    if m := _MONTH_ONLY.match(words):
        modifier, month = m.group(1), MONTHS[m.group(2)]
        if modifier == "last":
            tense = PAST
        elif modifier == "next":
            tense = FUTURE
        year = _pick_year(month, None, ref, tense, 366 if modifier in ("last", "next") else near_days)
        if modifier == "this":  # "this September": the one of the publication year, whichever side it lies
            year = ref.year
        if modifier == "last" and month == ref.month:
            year -= 1
        if modifier == "next" and month == ref.month:
            year += 1
        return f"{year:04d}-{month:02d}"
    offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2}
    offsets |= {"the day after tomorrow": 2}
    for phrase, shift in sorted(offsets.items(), key=lambda kv: -len(kv[0])):
        if re.search(r"\b" + phrase + r"\b", words):
            return (ref + timedelta(days=shift)).isoformat()
    if m := _AGO.search(words):
        count = _count(m.group(1))
        return _step(ref, m.group(2), -count) if count else "PAST_REF"
    if m := _WEEKDAY.search(words):
        return _weekday(ref, WEEKDAYS[m.group(2)], m.group(1), tense).isoformat()
    if m := re.search(r"\b(?:(last|this|next|past|coming)\s+|the\s+)weekend\b", words):
        step = -1 if m.group(1) in _BACK else 1 if m.group(1) in _AHEAD else 0
        saturday = ref - timedelta(days=(ref.weekday() - 5) % 7) if tense == PAST else ref
        return _iso_week(saturday + timedelta(weeks=step)) + "-WE"
    if m := _RELATIVE.search(words):
        step = {"last": -1, "past": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[m.group(1)]
        if m.group(1) == "past" and m.group(2) == "week":  # "the past week": the days just before, this week
            step = 0
        return _step(ref, m.group(2), step)
    if m := re.search(r"\b(?:earlier|later|so far) this (week|month|year)\b", words):
        return _step(ref, m.group(1), 0)
    return None


def _resolve_period(words: str, ref: date | None, tense: str, near_days: int) -> str | None:
    """Decades, centuries, quarters, halves and seasons; None when none is named or it cannot be placed."""
    decade = _DECADE.search(words)
    named = _DECADE_NAMED.search(words)
    if decade or named:
        if decade and decade.group(1):
            start = int(decade.group(1))
        elif ref is None:
            return None
        else:  # "the '90s", "the nineties": the latest such decade that has begun by the publication year
            tens = 10 * _DECADE_WORDS[named.group(1)] if named else int(decade.group(2) or decade.group(3))  # type: ignore[union-attr]
            start = max(y for y in (1900 + tens, 2000 + tens) if y <= ref.year or y < 2000)
        return f"{start}/{start + 9}"
    if m := _CENTURY.search(words):
        return f"{int(m.group(1)) - 1:02d}XX" if 0 < int(m.group(1)) <= 22 else None
    if m := _QUARTER.search(words):
        quarter = _ORDINALS[m.group(1)] if m.group(1) else int(m.group(2))
        if year_first := _YEAR_FIRST.search(words):
            return f"{year_first.group(1)}-Q{quarter}"
        if m.group(3):
            return f"{m.group(3)}-Q{quarter}"
        # a quarter lies ahead while it has not ended, behind once it has begun
        month = 3 * quarter if tense in (FUTURE, FUTURE_IN_PAST) else 3 * quarter - 2
        return f"{_pick_year(month, None, ref, tense, near_days)}-Q{quarter}" if ref else None
    if ref is not None and (m := _RELATIVE_QUARTER.search(words)):
        step = -1 if m.group(1) in _BACK else 1 if m.group(1) in _AHEAD else 0
        index = ref.year * 4 + (ref.month - 1) // 3 + step
        return f"{index // 4}-Q{index % 4 + 1}"
    if m := _HALF.search(words):
        half = 1 if m.group(1) == "first" else 2
        if m.group(2):
            return f"{m.group(2)}-H{half}"
        return f"{_pick_year(6 * half - 5, None, ref, tense, near_days)}-H{half}" if ref else None
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
    return _pick_year(first_month, None, ref, tense, 366 if modifier else NEAR_DAYS)  # 'last' says which


def _step(ref: date, unit: str, count: int) -> str:
    if unit == "day":
        return (ref + timedelta(days=count)).isoformat()
    if unit == "week":
        return _iso_week(ref + timedelta(weeks=count))
    if unit == "month":
        year, month = _shift_months(ref, count)
        return f"{year:04d}-{month:02d}"
    if unit == "decade":
        count *= 10
    return f"{ref.year + count:04d}"


def _weekday(ref: date, weekday: int, modifier: str | None, tense: str) -> date:
    """The named weekday: 'last' is strictly before `ref`, 'next' strictly after; a bare one follows the tense, and
    the present counts as ahead: news tells a past day in the past tense, while a day in a present-tense clause is
    on a schedule ("the talks resume Monday", "the market is to reopen Tuesday")."""
    back = (ref.weekday() - weekday) % 7
    ahead = (weekday - ref.weekday()) % 7
    if modifier in ("last", "past"):
        return ref - timedelta(days=back or 7)
    if modifier and modifier.endswith(("next", "coming")):
        return ref + timedelta(days=ahead or 7)
    return ref - timedelta(days=back) if tense == PAST else ref + timedelta(days=ahead)


_PREDICTING = frozenset("forecast predict expect project anticipate".split())
_PLANNING = frozenset(
    "plan expect intend aim schedule hope want seek prepare set due go promise vow agree decide pledge propose arrange "
    "threaten".split()
)
_LOOKING_AHEAD = _PREDICTING | _PLANNING
# acts of planning, whose plan stands once made; a state of intending ("had planned to", "had been due to") may lapse
_COMMITTING = frozenset("agree decide promise vow pledge arrange propose threaten".split())
_DEFERRING = frozenset("postpone delay defer adjourn extend give push reschedule".split())
_DEADLINE = frozenset({"by", "until", "till", "through"})


def clause_tense(token: Token) -> str:
    """Tense of the clause governing `token`: future (will/going to/planned infinitive), past or present."""
    if token.head.lower_ in ("effective", "starting", "beginning"):
        return FUTURE_IN_PAST  # "a new office, effective Feb. 1": a change takes effect after it is announced
    verb = token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return PAST
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    lowered = {c.lower_ for c in auxes}
    if verb.lemma_ in _DEFERRING and token.head.lower_ in _DEADLINE:
        return FUTURE_IN_PAST  # "postponed the hearing until Tuesday": a deadline set lies after the setting
    if verb.lemma_ in _LOOKING_AHEAD and any(c.dep_ == "dobj" and verb.i < c.i < token.i for c in verb.children):
        # "the RWO forecast a peak on Friday", "protesters planned a march on Saturday": a date after what is
        # predicted or planned is when it happens, after the saying
        return FUTURE if verb.lemma_ in _PREDICTING or verb.tag_ != "VBD" else FUTURE_IN_PAST
    ahead_participle = verb.lemma_ in _LOOKING_AHEAD and verb.tag_ == "VBN"
    if ahead_participle and (verb.dep_ == "acl" or {c.tag_ for c in auxes} & {"VBZ", "VBP"}):
        return FUTURE  # "talks scheduled for Friday", "images are expected in mid-January"
    if "to" in lowered and verb.tag_ == "VB" and verb.head.i != verb.i:
        # an infinitive is future only under a verb of planning; "were told to leave" takes its governor's tense
        if verb.head.lemma_ not in _PLANNING:
            return clause_tense(verb.head)
        finite = verb.head if verb.head.pos_ in ("VERB", "AUX") else verb.head.head
        planned_before = "had" in {c.lower_ for c in finite.children if c.dep_ in ("aux", "auxpass")}
        if planned_before and finite.dep_ == "ccomp" and finite.lemma_ in _COMMITTING:
            # "she said both sides had agreed to return on Monday": the saying's backshift of "have agreed"; the
            # commitment stands and its day lies after it, as reported "would" does
            return FUTURE_IN_PAST
        return PAST if planned_before else FUTURE  # "barriers had been due to arrive on Thursday" lies in the past
    if lowered & _FUTURE_AUX:
        return FUTURE
    if "have" not in lowered and (modals := {c.lower_ for c in auxes if c.tag_ == "MD"}):
        # "could offer 2.8% by the spring"; reported "would take effect on November 3" may fall on either side
        return FUTURE_IN_PAST if modals <= {"would"} else FUTURE
    if verb.tag_ == "VBG" and {c.tag_ for c in auxes} & {"VBZ", "VBP"} and not lowered & {"has", "have", "been"}:
        return FUTURE  # "is leaving on Friday"; "has been searching since May" is not
    if verb.tag_ == "VBN" and lowered & {"has", "have"}:  # "has extended the loans through January" runs on
        return FUTURE if token.head.lower_ in _DEADLINE else PAST
    if verb.tag_ == "VBD" or any(c.tag_ == "VBD" for c in auxes):
        return PAST
    # a bare verb after a singular subject is a past form the tagger took for a present one ("the office forecast")
    singular_subject = verb.tag_ == "VBP" and any(c.dep_ == "nsubj" and c.tag_ in ("NN", "NNP") for c in verb.children)
    if verb.tag_ in ("VBZ", "VBP") and not singular_subject and token.dep_ != "poss":  # "follows Tuesday's vote"
        return PRESENT
    return PAST


def _parts(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, words to resolve) of each date in one entity: "the quarter ended Sept. 30" is a quarter and a day
    (the quarter named by the day's month), "1991 to 1997" two years, "April 24 and 25" two days of April."""
    pieces: list[tuple[int, int]] = []
    ended = _ENDED.search(text)
    bounds = [(0, ended.start()), (ended.end(), len(text))] if ended else [(0, len(text))]
    for start, end in bounds:
        if _NUMERIC_DATE.fullmatch(text, start, end):  # "2026-13-01" is one (impossible) date, not a range
            pieces.append((start, end))
            continue
        cuts = [(m.start(), m.end()) for m in _RANGE_SPLIT.finditer(text, start, end)]
        edges = [start, *(x for cut in cuts for x in cut), end]
        split = list(zip(edges[::2], edges[1::2], strict=True))
        dates = len(split) > 1 and all(
            _DATE_WORD.search(text[a:b]) or _DAY_NUMBER.fullmatch(text[a:b]) for a, b in split
        )
        pieces += split if dates and _DATE_WORD.search(text[split[0][0] : split[0][1]]) else [(start, end)]
    month = year = None
    for start, end in pieces:
        lead = re.match(r"(?:between|from)\s+", text[start:end], re.IGNORECASE)
        start += lead.end() if lead else 0
        words = text[start:end]
        if found := _MONTH_DAY.search(words.casefold()):
            month, year = found.group(1), found.group(3)
        elif month and _DAY_NUMBER.fullmatch(words):
            words = f"{month} {words}" + (f", {year}" if year else "")
        if ended and start < ended.start():
            words = _period_ending(words, text[ended.end() :])
        if end > start:
            yield start, end, words


def _period_ending(period: str, end_date: str) -> str:
    """Words for a period by its end date: "the quarter" ended Sept. 30, 1989 -> "third quarter of 1989"."""
    year = re.search(_YEAR, end_date)
    month = re.search(r"\b" + _MONTH, end_date.casefold())
    lowered = period.casefold()
    if "quarter" in lowered and not _QUARTER.search(lowered) and month:
        ordinal = ("first", "second", "third", "fourth")[(MONTHS[month.group(1)] - 1) // 3]
        lowered = f"{ordinal} quarter"
    if not year or _YEAR_FIRST.search(lowered) or re.search(_YEAR, lowered):
        return lowered
    if "quarter" in lowered or "half" in lowered:
        return f"{lowered} of {year.group(1)}"
    return year.group(1) if _THIS_YEAR.match(lowered) else lowered


def _candidates(parsed: Parsed) -> list[tuple[int, int, str, Token]]:
    """(start, end, words, a token whose clause gives the tense) of every time expression, in text order."""
    found = []
    for offset, doc in parsed.chunks:
        for span in _time_spans(doc):
            base = offset + span.start_char
            found += [(base + start, base + end, words, span.root) for start, end, words in _parts(span.text)]
        found += _untagged(doc, offset)
    return sorted(found, key=lambda c: (c[0], c[1]))


def _time_spans(doc: Doc) -> list[SpacySpan]:
    """spaCy's DATE and TIME entities, each widened to what TimeML marks as one expression: a frequency word before
    it ("each Thursday"), the period after a year ("the 1988 period") or before a year back ("the corresponding period
    last year"), and a time of day with the day it falls on ("noon Saturday", "Friday evening", "5 p.m. EST Nov. 9");
    a conjunction spaCy leaves at the end ("a year or") is dropped."""
    spans: list[SpacySpan] = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME") or _not_a_time(ent):
            continue
        start, end = ent.start, ent.end
        while end - start > 1 and doc[end - 1].lower_ in ("and", "or", "to", "-", ","):
            end -= 1
        if start > 0 and doc[start - 1].lower_ in ("each", "every"):
            start -= 1
        if start > 0 and doc[start - 1].lower_ in ("quarter", "period") and _A_YEAR_BACK.fullmatch(ent.text.casefold()):
            start -= 1  # "the corresponding period last year", "the quarter a year ago": the period a year back
            while start > 0 and doc[start - 1].lower_ in ("the", "same", "corresponding", "comparable"):
                start -= 1
        if end < len(doc) and re.fullmatch(_YEAR, ent.text) and doc[end].lower_ in ("period", "quarter"):
            end += 1
            start -= 1 if start > 0 and doc[start - 1].lower_ in ("the", "that") else 0
        span = SpacySpan(doc, start, end, label=ent.label_)
        if spans and _day_and_time(spans[-1], span):
            span = SpacySpan(doc, spans.pop().start, end, label="TIME")
        spans.append(span)
    return spans


def _day_and_time(first: SpacySpan, second: SpacySpan) -> bool:
    """Whether two neighbouring entities are a time of day and the day it falls on, in either order, with nothing but a
    comma or "on" between them."""
    between = first.doc[first.end : second.start].text.strip(" ,").casefold()
    if between not in ("", "on") or {first.label_, second.label_} != {"DATE", "TIME"}:
        return False
    day = (first if first.label_ == "DATE" else second).text.casefold()
    return bool(_WEEKDAY.search(day) or _MONTH_DAY.search(day) or re.search(r"\b(?:to|yester)day|tomorrow\b", day))


def _not_a_time(ent: SpacySpan) -> bool:
    """An age ("52", "a 6-year-old", "52 years old") or a describing adjective ("quarterly dividend"): spaCy marks
    them DATE, TimeML does not mark them at all."""
    words = ent.text.casefold()
    if re.fullmatch(r"\d{1,3}|\d{5,}", words) or re.search(r"\byears?[\s-]+old\b", words):
        return True  # an age, or a number too long to be a year (a model number: "the 80486")
    return len(ent) == 1 and ent.root.dep_ == "amod" and words in _SET_WORDS | {"annual": ""}


def _untagged(doc: Doc, offset: int) -> list[tuple[int, int, str, Token]]:
    """Time expressions no entity covers: TimeML's reference words ("now", "recently", "the future"), the period a
    report is about ("the latest period"), and days the tagger missed ("today", "Jan. 6")."""
    found = []
    for m in itertools.chain.from_iterable(pattern.finditer(doc.text) for pattern in _UNTAGGED):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and not any(t.ent_type_ for t in span):
            found.append((offset + m.start(), offset + m.end(), m.group(0), span.root))
    for m in _holiday_names().finditer(doc.text):  # often tagged an event ("New Year's Day") or a place ("Easter")
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and not any(t.ent_type_ in ("DATE", "TIME") for t in span):
            found.append((offset + m.start(), offset + m.end(), m.group(0), span.root))
    return found


def extract_dates(parsed: Parsed, near_days: int = NEAR_DAYS) -> list[DateFact]:
    """Every time expression with its TimeML type and value where it resolves, and its sentence. A date that ingest
    took from the file's modification time is a guess, not a reference time: against it "Monday" would name a day the
    article never meant, so relative expressions in such an article stay unresolved."""
    published = parsed.article.known_published
    anchor = Anchor()
    facts = []
    for start, end, words, token in _candidates(parsed):
        tense = clause_tense(token)
        timex = resolve_timex(words, published, tense, anchor, near_days)
        if tense not in (FUTURE, FUTURE_IN_PAST):  # a forecast ("a charge in the fourth quarter") is not reported
            anchor.follow(timex)
        text = parsed.text[start:end]
        sentence = parsed.sentence_at(start)
        main = times_main_event(token)
        facts.append(DateFact(text, start, end, timex.value, sentence, timex.kind, timex.anaphoric, main))
    return facts


# Arcs by which a verb under the main verb still tells its sentence's own event: a verb coordinated with it, its
# complement ("decided to close"), and the clause a reporting verb reports ("officials said the dam broke").
_MAIN_CLAUSE = frozenset({"conj", "ccomp", "xcomp", "parataxis"})
# Modals of what is possible, not what happened or is planned ("will", reported "would", "must" stay: plans and
# deadlines, which a timeline's "Next" shows).
_POSSIBLE = frozenset({"could", "might", "may", "can", "ca"})
# A clause that happens at the time of the one it hangs on: "twelve died when a bomb exploded on Monday".
_AT_THE_TIME = frozenset({"when", "as", "while"})
# How a noun can stand in its verb's phrase: its object, or a preposition's object under it.
_IN_VERB_PHRASE = frozenset({"pobj", "dobj", "attr", "oprd"})
# "today" and "now" with a verb of being in the present tense name the present age ("Today, neon signs exist
# everywhere"), not the day of an event.
_NOWADAYS = frozenset({"today", "now", "nowadays"})
_STATES = frozenset({"be", "exist", "have", "remain", "seem", "live"})


def times_main_event(token: Token) -> bool:
    """Whether a time expression (`token`, its root) times what its sentence reports: it hangs on a verb, bare
    ("signed the bill Monday") or through its preposition ("on Monday"), and that verb tells the sentence's event
    (`_MAIN_CLAUSE`). A date in a relative or subordinate clause ("the man who hid the bomb on Dec. 21", "since the
    president resigned on Aug. 9") or on a noun ("Saturday's votes", "the Dec. 21 bombing") times something the
    sentence mentions, so the sentence shown under that date would tell another event; a clause opened by "when",
    "as" or "while" happens at the time of its main clause and counts, one opened by a participle after a comma
    ("ended on Friday, leaving the port shut on Saturday") tells what followed and does not, however it is parsed.
    Nor does a date whose verb says what could or may happen: a possibility is no event (what will or would happen
    is a plan, and counts); nor "today" or "now" with a present verb of being, which names the present age; nor a
    date in a sentence that tells the reader what to do (`_instructs`)."""
    while token.dep_ == "conj" and token.head.ent_type_ in ("DATE", "TIME"):
        token = token.head  # "on Monday and Tuesday"
    verb = token.head
    if token.dep_ == "pobj" and verb.dep_ == "prep":
        verb = verb.head
        # the small parser often hangs "on Tuesday" on a noun of the verb's phrase ("met him at the summit in Kuala
        # Lumpur on Tuesday", "crashed after takeoff on Tuesday"): that noun's verb is the one timed, when it tells
        # what happened (past tense); "expect dry weather, with 5 mm of rain on Saturday" is a forecast
        noun = verb
        while verb.pos_ in ("NOUN", "PROPN") and verb.dep_ in _IN_VERB_PHRASE:
            verb = verb.head.head if verb.dep_ == "pobj" and verb.head.dep_ == "prep" else verb.head
        if verb is not noun and verb.tag_ not in ("VBD", "VBN"):
            return False
    elif token.dep_ not in ("npadvmod", "tmod", "advmod"):
        return False
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    if any(c.dep_ == "aux" and c.tag_ == "MD" and c.lower_ in _POSSIBLE for c in verb.children):
        return False  # "the signals could not differ more today", "it may reopen on Monday": no event, a possibility
    if token.lower_ in _NOWADAYS and verb.lemma_ in _STATES and verb.tag_ in ("VBZ", "VBP"):
        return False  # "Today, chaos theory is part of the repertoire": the present age, not a day's event
    while verb.dep_ != "ROOT":
        if (verb.dep_ not in _MAIN_CLAUSE and not _at_the_time(verb)) or _opens_with_participle(verb):
            return False
        verb = verb.head
    return not _instructs(verb)


def _instructs(root: Token) -> bool:
    """Whether a sentence tells its reader what to do ("Join us on Saturday ...", "Get your copy, and cook ...
    today!"): its main verb opens it in the base form with no subject or auxiliary, so it reports no event."""
    opening = next((t for t in root.sent if not t.is_punct), root)
    return (
        root.tag_ == "VB"
        and root.i == opening.i
        and not any(c.dep_ in ("nsubj", "nsubjpass", "expl", "aux", "auxpass") for c in root.children)
    )


def _opens_with_participle(verb: Token) -> bool:
    """Whether the clause of `verb` opens with a present participle right after a comma ("ended on Friday, leaving
    the port shut on Saturday"): an adverbial clause of what followed or went with the main event, as an `advcl` is,
    though the parser often coordinates its verb with the main one, the participle as its subject."""
    first = verb.left_edge
    return first.tag_ == "VBG" and first.dep_ not in ("amod", "compound") and first.i > 0 and first.nbor(-1).text == ","


def _at_the_time(verb: Token) -> bool:
    """Whether a subordinate clause happens at the time of the one it hangs on ("when a bomb exploded on Monday")."""
    return verb.dep_ == "advcl" and any(
        c.dep_ in ("mark", "advmod") and c.lower_ in _AT_THE_TIME for c in verb.children
    )
