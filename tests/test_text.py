import pytest

from newsbrief.text import content_hash, dateline_agency, guess_language, normalise_whitespace, split_sentences


def test_sentences_slice_the_text_and_respect_abbreviations() -> None:
    text = (
        'Mr. Okafor arrived in Lindmoor on Jan. 5 at 9 a.m. local time. He said: "It is fine." '
        "The U.S. share rose 2.5% in the quarter! Did it?\n\n\u201cYes,\u201d she said. Done"
    )
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "Mr. Okafor arrived in Lindmoor on Jan. 5 at 9 a.m. local time.",
        'He said: "It is fine."',
        "The U.S. share rose 2.5% in the quarter!",
        "Did it?",
        "\u201cYes,\u201d she said.",
        "Done",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_dotted_initials_do_not_end_a_sentence_unless_a_sentence_follows() -> None:
    text = (
        "\u201cWe are done,\u201d said Rep. T.J. Marlow (D-Vt.), the panel's chair. A.B.C. Okafor agreed. "
        "Output fell in the U.S. The firm blamed the weather."
    )
    assert [s.text for s in split_sentences(text)] == [
        "\u201cWe are done,\u201d said Rep. T.J. Marlow (D-Vt.), the panel's chair.",
        "A.B.C. Okafor agreed.",
        "Output fell in the U.S.",
        "The firm blamed the weather.",
    ]


def test_empty_and_whitespace_texts_have_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []


def test_language_guess() -> None:
    assert guess_language("The minister said on Monday that the port would reopen after the strike ended.") == "en"
    assert guess_language("El ministro dijo el lunes que el puerto reabrirá cuando termine la huelga.") == "es"
    assert guess_language("Short.") == "und"


def test_normalise_whitespace_keeps_paragraphs() -> None:
    assert normalise_whitespace("a \u00a0 b\r\n\r\n\r\n\r\nc\t d ") == "a b\n\nc d"


def test_content_hash_ignores_spacing_and_case() -> None:
    assert content_hash("Port strike  ends.") == content_hash("port strike\nends")
    assert content_hash("Port strike ends") != content_hash("Port strike continues")


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("LINDMOOR, Nov 26 (Northern Wire) - Authorities widened evacuations.", "Northern Wire"),
        ("Kathmandu, Nepal (CNN) -- A quake struck.", "CNN"),
        ("(AP) - Police said.", "AP"),
        ("The council (which met late) - said nothing.", None),
        ("Floods hit Lindmoor (Northern Wire reported).", None),
        ("LINDMOOR \u2014 Authorities widened evacuations.", None),  # a dateline naming no agency
    ],
)
def test_dateline_agency(text: str, agency: str | None) -> None:
    span = dateline_agency(text)
    assert (text[span[0] : span[1]] if span else None) == agency


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # a name ending in an abbreviation-like token, seen elsewhere without the period, ends its sentence
        (
            "Talks stalled over Premier Ban Gov. Ban Gov said no.",
            ["Talks stalled over Premier Ban Gov.", "Ban Gov said no."],
        ),
        ("Crowds cheered for Lo Sen. Lo Sen's party won.", ["Crowds cheered for Lo Sen.", "Lo Sen's party won."]),
        # a title before a name does not, even after a capitalised word
        (
            "Marrow Sen. Ada Price voted. Gov. Tom Holm agreed.",
            ["Marrow Sen. Ada Price voted.", "Gov. Tom Holm agreed."],
        ),
        # a word that never starts a name ends the sentence
        (
            "Sales fell in the U.S. The firm blamed Storm Co. But it grew.",
            ["Sales fell in the U.S.", "The firm blamed Storm Co.", "But it grew."],
        ),
        # number labels are short forms only before a number
        (
            "It stood at No. 4 on the list. He said no. Ada agreed.",
            ["It stood at No. 4 on the list.", "He said no.", "Ada agreed."],
        ),
    ],
)
def test_abbreviations_end_sentences_only_where_the_text_shows_it(text: str, sentences: list[str]) -> None:
    spans = split_sentences(text)
    assert [s.text for s in spans] == sentences
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_an_interview_turn_label_is_not_a_sentence_of_its_own() -> None:
    text = (
        "The mayor spoke about the harbour on Monday.\n"
        "Q. Why did the council close it?\n"
        "A. The sea wall broke in two places.\n"
        "Q. When will it reopen?\n"
        "A. Not before spring."
    )
    assert [s.text for s in split_sentences(text)] == text.split("\n")
