"""Text utilities shared by every stage: normalisation, sentence spans with offsets, language guess, ids.

Sentence splitting is rule-based on purpose: it is deterministic, fast on thousands of articles, and keeps exact
character offsets, which summary sentences and facts must carry. `split_sentences` is the only splitter: the facts
stage sets its spans as spaCy's sentence boundaries before parsing (`newsbrief.facts.parse`), so summaries, facts,
story summaries and the parser's trees all end sentences at the same places.

`MAX_SENTENCE_CHARS` (1,000) saw only sentence lengths of dev text (CNN/DM and XSum dev, DUC 2004 dev, the 18 dev
HTML pages): in each of 5 folds the longest held-in sentence (869-875 characters) rounds up to 1,000, and no
held-out sentence is longer (`bench/limits.py calibrate`).
"""

from __future__ import annotations

import bisect
import calendar
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsbrief.records import Span

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm st jr sr inc ltd co corp no vs etc jan feb mar apr "
    "jun jul aug sep sept oct nov dec mt ft approx dept est fig rev supt".split()
)
# Single letters, dotted or not, are initials or short forms ("J.", "G.K.", "U.S.", "e.g.", "p.m."), never words.
_INITIALS = re.compile(r"[a-z](?:\.[a-z])*")
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and something that can start a sentence.
_BOUNDARY = re.compile(r"""[.!?]+["'\u201d\u2019)\]]*(?=\s+["'\u201c\u2018(\[]?[A-Z0-9\u00C0-\u024F])""")
_WORD_AFTER = re.compile(r"""\s+["'\u201c\u2018(\[]?(\w*)""")
_NUMBER_LABELS = frozenset({"no", "fig"})  # "No. 5", "Fig. 2"
# Words that open sentences but never names, so an abbreviation before one ends its sentence.
_NOT_A_NAME = frozenset(
    "the a this that these those he she it they we his her its their our but and or yet so however meanwhile "
    "in on at for from with after before when while if there".split()
)
# A run of letters: a word with no digits or underscores ("homes", "Rwandans", "basis" in "9 basis points").
LETTERS = re.compile(r"[^\W\d_]+")
# The calendar's capitalised words, lower-cased: weekdays, months and their short forms ("Sept" too).
CALENDAR_WORDS = frozenset(
    name.casefold() for name in [*calendar.day_name, *calendar.month_name, *calendar.month_abbr, "Sept"] if name
)
# "Q." or "A." opening a paragraph labels an interview transcript's turn: the label is not a sentence of its own.
TURN_LABEL = re.compile(r"[QA]\.")
# A sentence of an embedded post, or one that sends the reader elsewhere, carries a link or a handle.
EMBEDDED_POST = re.compile(r"https?://|\bwww\.|\b[\w-]+\.(?:com|org|net)/\S|(?<![\w.])@\w", re.IGNORECASE)
# Double quote marks of every style news uses: straight and curly, guillemets, German low marks, and wire copy's
# ``...'' (two backticks, two apostrophes).
QUOTE_MARK = re.compile(r"``|''|[\"\u201c\u201d\u00ab\u00bb\u201e]")
# The marks `find_marked_quotes` reads: opening, closing and straight doubles, the same for singles (British
# outlets quote with them), wire copy's doubled ``...'' and ''...'', and what may stand before an opening mark.
_OPEN, _CLOSE = "open", "close"
_DOUBLE = '\u201c\u201d"'
_SINGLE = "\u2018\u2019'"
DOUBLED_QUOTE_MARKS = ("``", "''")  # two marks that stand for one double mark
_OPENING_CONTEXT = "([{\u2014\u2013-/"
_OPENING_QUOTE = re.compile(r"\s*(?:``|[\"'`\u201c\u201d\u2018\u00ab\u00bb\u201e])")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[-*\u2022]\s)|\n")
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+")
_SPACES = re.compile(r"\s*")
# A wire dateline at the front of a span: "Kathmandu, Nepal (CNN) --", "(AP) -", and, with a dash,
# "LINDMOOR, Nov 26 (Northern Wire) -" (place in capitals), and a place in capitals with a dash alone ("CAIRO —",
# "WASHINGTON _", "PORTLAND, Maine --"). The named groups hold the agency. AP's wire copy writes
# its dash as an underscore ("TRIPOLI, Libya (AP) _"), which would otherwise be left opening the sentence.
DATELINE_PATTERN = r"""
    (?:[A-Z][\w\ .,'-]{0,40}?\s*)?\((?P<wire>CNN|AP|Reuters|AFP)\)\s*(?:--|[-—–_])?
  | [A-Z][A-Z\ .'-]{1,30}(?:,\s*[A-Z][a-z]{2,4}\.?\s+\d{1,2})?\s*\((?P<agency>[A-Z][\w\ .&'-]{1,29})\)\s*(?:--|[-—–_])
  | [A-Z][A-Z.'-]+(?:\ [A-Z][A-Z.'-]+){0,3}(?:,\ [A-Z][\w.]+(?:\ [A-Z][\w.]+)?)?\ (?:--|[—–_])(?=\ )
"""
_DATELINE = re.compile(r"^(?:" + DATELINE_PATTERN + r")", re.VERBOSE)

# A "sentence" longer than this is a run-on (a paragraph without punctuation, a table flattened to text) and is cut
# into pieces at the last space before the limit: every later stage (summary, dates, events) copies whole sentences,
# so one 100,000-character "sentence" made a 66 MB brief.json (issue 11). The module docstring names the data.
MAX_SENTENCE_CHARS = 1000

# Below this many letters a text is too short to tell its language: the old floor of 8 words at about 5 letters
# each, counted in letters so that Chinese or Japanese, written without spaces, are measured too.
_MIN_LETTERS = 40


def normalise_whitespace(text: str) -> str:
    """Unicode NFC, unified line ends, no runs of spaces; paragraphs (blank lines) are kept."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[ \t\f\v]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _abbreviation_before(text: str, period: int) -> str | None:
    """The lower-cased abbreviation-like token that ends just before `text[period]` ("sen", "u.s", "j"), if any."""
    match = re.search(r"(\S+)$", text[max(0, period - 40) : period])
    word = match.group(1).lower().lstrip("(\"'\u201c") if match else ""
    return word if word in _ABBREVIATIONS or _INITIALS.fullmatch(word) else None


def _abbreviation_ends_sentence(
    text: str, period: int, abbreviation: str, next_word: str, seen_bare: dict[str, bool]
) -> bool:
    """Whether the abbreviation before `text[period]` ends a sentence after all.

    "No." and "Fig." are short forms only before a number. Otherwise a title or short form runs on into a name, so
    the split is wrong unless what follows cannot be part of one (a function word: "in the U.S. The firm ...") or
    the document shows the token is itself the end of a name: it appears elsewhere after the same word with no
    period ("Hun Sen complained", "Hun Sen's party"), so "... Hun Sen. Hun Sen said" is two sentences while
    "Vermont Sen. Ada Price" stays one. `seen_bare` remembers each name's answer for this text: searching the
    whole text again for every repeat of a title made splitting quadratic (160 KB of "Sen. ..." took 15 s).
    """
    if abbreviation in _NUMBER_LABELS:
        return not next_word[:1].isdigit()
    if next_word.lower() in _NOT_A_NAME:
        return True
    words = re.search(r"(?:^|\s)(\w[\w'\u2019.-]*)\s+(\w+)$", text[max(0, period - 80) : period])
    if words is None:
        return False
    name = re.escape(words.group(1)) + r"\s+" + re.escape(words.group(2))
    if name not in seen_bare:
        seen_bare[name] = re.search(rf"(?<![\w.]){name}(?![\w.])", text) is not None
    return seen_bare[name]


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of `text`, each with `text[start:end] == span.text` and no surrounding whitespace."""
    spans: list[Span] = []
    seen_bare: dict[str, bool] = {}
    para_start = 0
    for para_end, next_start in _paragraph_bounds(text):
        start = para_start
        for match in _BOUNDARY.finditer(text, para_start, para_end):
            end = match.end()
            if start == para_start and TURN_LABEL.fullmatch(text, _SPACES.match(text, start).end(), end):
                continue
            abbreviation = _abbreviation_before(text, match.start()) if match.group().startswith(".") else None
            if abbreviation and not _abbreviation_ends_sentence(
                text, match.start(), abbreviation, _WORD_AFTER.match(text, end).group(1), seen_bare
            ):
                continue
            _add_span(text, start, end, spans)
            start = end
        _add_span(text, start, para_end, spans)
        para_start = next_start
    return spans


def opens_with_quote(text: str) -> bool:
    """Whether `text` opens with a quote mark: a quotation, or a piece of one, not the report's own words."""
    return _OPENING_QUOTE.match(text) is not None


def odd_quote_marks(text: str) -> bool:
    """An odd number of double quote marks: a quotation runs on across `text`, which is a piece of it."""
    return len(QUOTE_MARK.findall(text)) % 2 == 1


def inside_quotations(text: str, positions: Sequence[int]) -> list[bool]:
    """For each position in `text`, whether it sits inside a quotation that `find_marked_quotes` pairs: the middle
    of ``A. B. C,'' said X is X's words, though it carries no mark of its own. Unbalanced marks pair with nothing,
    so a stray or unclosed mark upsets nothing beyond itself."""
    quotes = sorted((m.open_at, m.close_at) for m in find_marked_quotes(text))
    opens = [open_at for open_at, _ in quotes]
    inside = []
    for position in positions:
        nearest = bisect.bisect_left(opens, position) - 1  # the last quotation opened before the position
        inside.append(nearest >= 0 and position < quotes[nearest][1])
    return inside


@dataclass
class MarkedQuote:
    """A direct quote found from its marks: mark positions, and whether it continues into the next paragraph."""

    open_at: int
    close_at: int  # position of the closing mark, or the paragraph end for a continued quote
    continued: bool


def find_marked_quotes(text: str) -> list[MarkedQuote]:
    """Quote spans delimited by quotation marks; unbalanced marks are skipped, never guessed.

    A paragraph with double marks quotes with them (single ones inside are nested quotes or apostrophes); one
    without any quotes with single marks, as British outlets do, telling apostrophes apart by their context.
    """
    found: list[MarkedQuote] = []
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    for index, (start, end) in enumerate(paragraphs):
        paragraph = text[start:end]
        doubled = any(pair in paragraph for pair in DOUBLED_QUOTE_MARKS)
        style = _DOUBLE if doubled or any(c in _DOUBLE for c in paragraph) else _SINGLE
        current: int | None = None
        for pos in range(start, end):
            kind = _mark_kind(text, pos, start, end, style)
            if kind == _OPEN:
                current = pos
            elif kind == _CLOSE and current is not None:
                found.append(MarkedQuote(current, pos, False))
                current = None
        if current is not None and index + 1 < len(paragraphs):
            next_start, next_end = paragraphs[index + 1]
            if _mark_kind(text, next_start, next_start, next_end, style) == _OPEN:
                found.append(MarkedQuote(current, end, True))
    return found


def _mark_kind(text: str, pos: int, start: int, end: int, style: str) -> str | None:
    """Whether the character at `pos` opens or closes a quote in `style` (opening, closing, straight mark)."""
    char = text[pos]
    if style is _DOUBLE and text[pos - 1 : pos + 1] in DOUBLED_QUOTE_MARKS and pos > start:
        return None  # the second mark of a pair
    if style is _DOUBLE and text[pos : pos + 2] in DOUBLED_QUOTE_MARKS:  # ``AP style'' and ''typewriter style''
        after = text[pos + 2] if pos + 2 < end else " "
        before = text[pos - 1] if pos > start else " "
        opens = char == "`" or ((before.isspace() or before in _OPENING_CONTEXT) and not after.isspace())
        return _OPEN if opens else _CLOSE
    if char not in style:
        return None
    before = text[pos - 1] if pos > start else " "
    after = text[pos + 1] if pos + 1 < end else " "
    single = style is _SINGLE
    if char == style[0]:
        return _OPEN if not after.isspace() else None
    if char == style[1] and not single:
        return _CLOSE
    if single and before.isalnum() and after.isalnum():
        return None  # an apostrophe: don't, O'Brien
    if char == style[2] and (before.isspace() or before in _OPENING_CONTEXT) and not after.isspace():
        return _OPEN
    if before.isspace() or after.isalnum() or (single and before in "sS"):
        return None  # not a closing mark; for single marks also a plural possessive: the players' union
    return _CLOSE


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    bounds.append((len(text), len(text)))
    return bounds


def _add_span(text: str, start: int, end: int, spans: list[Span]) -> None:
    """The stripped span of `text[start:end]`, cut into pieces of at most MAX_SENTENCE_CHARS at spaces."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    begin = start + len(piece) - len(piece.lstrip())
    end = begin + len(stripped)
    while end - begin > MAX_SENTENCE_CHARS:
        limit = begin + MAX_SENTENCE_CHARS
        space = text.rfind(" ", begin + 1, limit + 1)  # a piece ends before a space, or mid-word if it has none
        cut = space if space > begin else limit
        kept = text[begin:cut].rstrip()
        spans.append(Span(text=kept, start=begin, end=begin + len(kept)))
        begin = _SPACES.match(text, cut).end()
    spans.append(Span(text=text[begin:end], start=begin, end=end))


def guess_language(text: str) -> str:
    """ISO 639-1 code of the language of `text` (its first 5,000 characters), or 'und' when it is too short.

    py3langid (a small offline character n-gram model over 97 languages) names the language, so a skipped page
    says which it is; a stop-word ratio only knew English from not-English and misread terse English reports.
    """
    window = text[:5000]
    if sum(char.isalpha() for char in window) < _MIN_LETTERS:
        return "und"
    return _language_identifier().classify(window)[0]


@lru_cache(maxsize=1)
def _language_identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE)


def language_name(code: str) -> str:
    """English name of an ISO 639 code ("de" -> "German"), the code itself when Babel does not know it."""
    try:
        return Locale.parse(code).get_display_name("en") or code
    except (ValueError, UnknownLocaleError):
        return code


def content_hash(text: str) -> str:
    """A stable id for text without a URL: hash of its case-folded words, so re-spaced copies collide."""
    canonical = " ".join(_WORD.findall(text.casefold()))
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


def word_count(text: str) -> int:
    return len(text.split())


def dateline_agency(text: str) -> tuple[int, int] | None:
    """(start, end) of the news agency named in a dateline that opens `text` ("(Reuters)", "(Northern Wire)")."""
    match = _DATELINE.match(text)
    if match is None or not (match.group("wire") or match.group("agency")):
        return None
    group = "wire" if match.group("wire") else "agency"
    return match.start(group), match.end(group)
