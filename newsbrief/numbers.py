"""Numbers in English news text: the one parser that the summary guard, the number facts and the dates all use.

Spelled-out cardinals ("twenty-five thousand", "two thousand and one", "twelve hundred") are composed by text2num, a
maintained parser that raises on anything that is not one well-formed number. The other candidates fit worse:
word2number (last release 2017) reads "twenty-first" as 20 and "1.2 million" as 1,000,000; numerizer rewrites
text instead of parsing it ("a few" becomes "1 few", "nineteen ninety-eight" "19 90 8") and keeps no offsets;
quantulum3 reads every letter as a unit ("$5m" is five dollar-metres, "5bn" five barn-newtons). What text2num
leaves to this module is what news adds around the words:

* A figure is digits with thousands commas and decimals ("1,200", "2.5", ".5"). Glued to an ordinal suffix or a
  plural "s" it is not a count ("3rd", "the 1990s"); glued to other letters it is a figure with a unit ("10km").
* A scale word (hundred, thousand, million, billion, trillion, and "dozen" as 12) multiplies the count before it
  ("2.5 million", "two dozen"); "a"/"an" before one is one ("a million"); "and a half" adds 0.5 ("two and a half
  million"), "half a million" is 500,000. A scale word alone ("Thousand Oaks") or in the plural ("hundreds",
  "millions", "dozens") is no number: it names a vague quantity.
* A letter after a figure is a scale only in a money context, because the same letters are units of measure:
  "bn", "mn", "mln", "tn", "trn" name no unit and always scale, while "k", "m", "mm", "b", "t" (kilo-, metre,
  millimetre, byte, tonne) scale only after a currency sign or ISO 4217 code ("$5m", "EUR 2b") or when the caller
  knows the expression is money (spaCy's MONEY). So "5 m" and "5m" of cable are five metres, "£5m" five million.
* Words that are numbers only sometimes are read alone only when the caller already knows the expression is a
  number (`parse_number`, or `find_numbers(..., tagged=True)` on a tagged entity): "one" ("one of", "no one") and
  "half" ("the second half") are skipped in running text unless a scale or "and a half" goes with them.

A scaled number keeps its mantissa (2.5 for "$2.5bn"), so the guard can accept "2.5" against "$2.5bn".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from babel.numbers import list_currencies
from text_to_num import alpha2digit, text2num

_FIGURE = r"\d{1,3}(?:,\d{3}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
# A figure starts after no word character, period or "digit," ("F16", "1.2.3", "1,2" are no figures); letters glued
# to its end are caught so that "3rd" and "10km" are told apart from "3" and "10".
_TOKEN = re.compile(rf"(?<![\w.])(?<!\d,)(?P<figure>{_FIGURE})(?P<glued>[^\W\d_]+)?|(?P<word>[^\W\d_]+)")
_NOT_A_COUNT = frozenset({"st", "nd", "rd", "th", "s"})  # "3rd", "1990s"
_ALWAYS_SCALES = {"bn": 1e9, "mn": 1e6, "mln": 1e6, "tn": 1e12, "trn": 1e12}
_MONEY_SCALES = {"k": 1e3, "m": 1e6, "mm": 1e6, "b": 1e9, "t": 1e12}
_DOZEN = "dozen"
_ORDINAL_FIGURE = re.compile(r"(\d+)(?:st|nd|rd|th)", re.IGNORECASE)
_CODE_BEFORE = re.compile(r"(?<![A-Za-z])([A-Z]{3}) ?$")


@dataclass(frozen=True)
class NumberMention:
    """One number in a text: `text[start:end]` as written, its value, and the count a scale multiplied (2.5 for
    "2.5bn"; None when nothing was scaled)."""

    text: str
    start: int
    end: int
    value: float
    mantissa: float | None = None


def parse_number(expression: str, money: bool = False) -> float | None:
    """Value of the first number in an expression known to hold one ("$2.5 billion", "about 4,200", "twenty-five
    thousand", "one", "half"); None when it names no exact number ("hundreds", "a few"). `money` says the expression
    is an amount of money, which makes "5m" five million."""
    found = find_numbers(expression, tagged=True, money=money)
    return found[0].value if found else None


def find_numbers(text: str, *, tagged: bool = False, money: bool = False) -> list[NumberMention]:
    """Every number in `text`, in order. In running text a lone "one" or "half" is left out; `tagged` says the text
    is known to be a number (a tagged entity), where they count. `money` as in `parse_number`."""
    return _scan(text, tagged, money)


def is_number_word(word: str) -> bool:
    """Whether `word` is a cardinal number word ("seven", "twenty-one", "thousand"); plurals are not ("hundreds")."""
    word = word.casefold()
    return len(word) > 1 and not word.endswith("s") and _words_value(word) is not None


def ordinal_value(word: str) -> int | None:
    """Value of an ordinal ("third", "3rd", "twenty-first"); None when `word` is not one."""
    if match := _ORDINAL_FIGURE.fullmatch(word):
        return int(match.group(1))
    match = _ORDINAL_FIGURE.fullmatch(alpha2digit(word.casefold(), "en", threshold=0))
    return int(match.group(1)) if match else None


@lru_cache(maxsize=65536)
def _words_value(words: str) -> float | None:
    try:
        return float(text2num(words, "en"))
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def _scale_word(word: str) -> float | None:
    """Value of a scale word ("million"): a single number word worth 100 or more; "dozen" is 12."""
    if word == _DOZEN:
        return 12.0
    value = _words_value(word) if is_number_word(word) else None
    return value if value is not None and value >= 100 else None


def _abbreviated_scale(letters: str, money: bool) -> float | None:
    return _ALWAYS_SCALES.get(letters) or (_MONEY_SCALES.get(letters) if money else None)


def _money_before(text: str, start: int) -> bool:
    """Whether a currency sign or ISO 4217 code stands right before `text[start]` ("$5m", "US$ 5m", "EUR 5m")."""
    before = text[max(0, start - 5) : start]
    if before.endswith("  "):
        return False
    before = before.rstrip(" ")
    if before and unicodedata.category(before[-1]) == "Sc":
        return True
    code = _CODE_BEFORE.search(before)
    return code is not None and code.group(1) in _currency_codes()


def _scan(text: str, tagged: bool, money: bool) -> list[NumberMention]:
    tokens = list(_TOKEN.finditer(text))
    found: list[NumberMention] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token["figure"]:
            read = _read_figure(text, tokens, i, money)
        else:
            read = _read_words(text, tokens, i, tagged, money) if _may_start_number(token["word"]) else None
        if read is None:
            i += 1
        else:
            found.append(read[0])
            i = read[1]
    return found


@lru_cache(maxsize=65536)
def _may_start_number(word: str) -> bool:
    """Whether a spelled-out number can begin with `word` (a number word, "a"/"an" or "half"): most words cannot,
    and this one look-up per word keeps a long article quick."""
    return word.casefold() in ("a", "an", "half") or is_number_word(word)


def _word(tokens: list[re.Match[str]], j: int, text: str, after: int) -> str | None:
    """Token `j` lower-cased when it is a word one space after position `after`; else None."""
    if j < len(tokens) and tokens[j]["word"] and text[after : tokens[j].start()] == " ":
        return tokens[j]["word"].casefold()
    return None


def _read_figure(text: str, tokens: list[re.Match[str]], i: int, money: bool) -> tuple[NumberMention, int] | None:
    token = tokens[i]
    count = float(token["figure"].replace(",", ""))
    start = token.start()
    money = money or _money_before(text, start)
    glued = (token["glued"] or "").casefold()
    if glued in _NOT_A_COUNT:
        return None
    if not glued:
        return _scaled(text, tokens, i + 1, start, token.end(), count, money)
    scale = _abbreviated_scale(glued, money)
    if scale is None:  # a unit written tight: "10km"
        return NumberMention(token["figure"], start, token.end("figure"), count), i + 1
    return NumberMention(token.group(), start, token.end(), count * scale, count), i + 1


def _read_words(
    text: str, tokens: list[re.Match[str]], i: int, tagged: bool, money: bool
) -> tuple[NumberMention, int] | None:
    """The number spelled out from word token `i` on ("two thousand and one", "a million", "half a billion")."""
    if tokens[i]["word"].casefold() == "half":
        return _read_half(text, tokens, i, tagged)
    words = _number_run(text, tokens, i)
    size = next((n for n in range(len(words), 0, -1) if _words_value(" ".join(words[:n])) is not None), 0)
    if not size:
        return None
    words = words[:size]
    value = _words_value(" ".join(words))
    assert value is not None
    start, end = tokens[i].start(), tokens[i + size - 1].end()
    scale = _scale_word(words[-1])
    if scale is not None:  # "twenty-five thousand": text2num has applied the scale
        if size == 1:
            return None  # a scale word alone: "Thousand Oaks"
        count = _words_value(" ".join(words[:-1]))
        mantissa = count if count is not None and count * scale == value else None
        return NumberMention(text[start:end], start, end, value, mantissa), i + size
    number, j = _scaled(text, tokens, i + size, start, end, value, money)
    if words == ["one"] and number.end == end and not tagged:
        return None  # "one of", "no one"
    return number, j


def _number_run(text: str, tokens: list[re.Match[str]], i: int) -> list[str]:
    """The number words from token `i` on, joined by single spaces or hyphens; "a" before a scale word is "one"."""
    words: list[str] = []
    for j in range(i, len(tokens)):
        if not tokens[j]["word"] or (j > i and text[tokens[j - 1].end() : tokens[j].start()] not in (" ", "-")):
            break
        word = tokens[j]["word"].casefold()
        following = _word(tokens, j + 1, text, tokens[j].end()) or ""
        if word in ("a", "an") and not words and _scale_word(following) is not None:
            words.append("one")
        elif is_number_word(word) or (word == "and" and words and is_number_word(following)):
            words.append(word)
        else:
            break
    return words


def _read_half(text: str, tokens: list[re.Match[str]], i: int, tagged: bool) -> tuple[NumberMention, int] | None:
    """ "half a million" (0.5 times the scale); "half" alone only when the caller knows it is a number."""
    half = tokens[i]
    article = _word(tokens, i + 1, text, half.end())
    scale_word = _word(tokens, i + 2, text, tokens[i + 1].end()) if article in ("a", "an") else None
    scale = _scale_word(scale_word) if scale_word else None
    if scale is not None:
        end = tokens[i + 2].end()
        return NumberMention(text[half.start() : end], half.start(), end, 0.5 * scale, 0.5), i + 3
    return (NumberMention(half.group(), half.start(), half.end(), 0.5), i + 1) if tagged else None


def _scaled(
    text: str, tokens: list[re.Match[str]], j: int, start: int, end: int, count: float, money: bool
) -> tuple[NumberMention, int]:
    """The count at `text[start:end]` with what may follow it: "and a half", then a scale word or abbreviation."""
    if (
        _word(tokens, j, text, end) == "and"
        and _word(tokens, j + 1, text, tokens[j].end()) == "a"
        and _word(tokens, j + 2, text, tokens[j + 1].end()) == "half"
    ):
        count, end, j = count + 0.5, tokens[j + 2].end(), j + 3
    word = _word(tokens, j, text, end)
    scale = (_scale_word(word) or _abbreviated_scale(word, money)) if word else None
    if scale is None:
        return NumberMention(text[start:end], start, end, count), j
    end = tokens[j].end()
    return NumberMention(text[start:end], start, end, count * scale, count), j + 1
