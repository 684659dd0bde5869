"""Language identification: English kept, every other language named in the skip reason, short text undecided."""

from __future__ import annotations

from newsbrief.ingest.build import make_article
from newsbrief.ingest.options import IngestOptions
from newsbrief.ingest.pages import page_article
from newsbrief.records import Article, Skipped
from newsbrief.text import guess_language, language_name

# Terse English with few function words: a stop-word ratio took reports like this for another language.
SCORECARD = (
    "Brackley 312-7 dec; Ostvale 188 all out. Kerr 94, Lund 61*, Haddon 5-42. Brackley won by 124 runs. "
    "Haddon took three wickets in four overs after tea. Ostvale captain Imre Solt: 'Poor batting, poor day.' "
    "Next fixture: Brackley v Marrow Cross, Saturday, Kingsgate Oval."
)
GERMAN = (
    "Die Hafenarbeiter in Calderhaven haben am Montag ihren Streik fortgesetzt. Nach Angaben der Gewerkschaft "
    "warten mehr als vierzig Schiffe vor der Küste, während die Gespräche mit der Hafenbehörde ruhen."
)
CHINESE = (
    "卡尔德港的码头工人周一继续罢工。工会表示，四十多艘货船正在港外等候，而与港务局的谈判仍然停滞。"
    "港务局发言人说，双方计划下周再次会面。"
)


def test_english_is_english_even_when_terse() -> None:
    assert guess_language(SCORECARD) == "en"
    assert isinstance(make_article("scores.txt", SCORECARD, title="Brackley win"), Article)


def test_other_languages_are_named() -> None:
    assert guess_language(GERMAN) == "de" and guess_language(CHINESE) == "zh"
    german = make_article("hafen.txt", GERMAN, declared_language="de")
    assert isinstance(german, Skipped) and german.reason == "not English (German, declared 'de')"


def test_a_page_without_spaces_is_not_taken_for_a_short_one() -> None:
    body = f"<p>{CHINESE}</p>" * 3
    markup = f"<html><head><title>码头罢工</title></head><body><article>{body}</article></body></html>"
    result = page_article(markup, "zh.html", None, IngestOptions())
    assert isinstance(result, Skipped) and result.reason == "not English (Chinese)"


def test_too_little_text_has_no_language() -> None:
    assert guess_language("Rain at noon.") == "und"


def test_language_names_fall_back_to_the_code() -> None:
    assert language_name("es") == "Spanish"
    assert language_name("qq") == "qq"
