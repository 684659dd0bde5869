"""The shipped CoNLL tagger: raw-text tokenisation with offsets, BIO decoding, and real predictions."""

from __future__ import annotations

import numpy as np
import pytest

from newsbrief.facts import ner_model
from newsbrief.facts.ner_model import (
    LABELS,
    EncodedSentence,
    bio_spans,
    model_dir,
    ner_available,
    pack_windows,
    piece_shape,
    predict_entities,
    viterbi_bio,
    word_spans,
)


def test_word_spans_split_like_conll_and_keep_offsets() -> None:
    text = "Clinton's aides (in the U.S.) said: \u201cWe don't know.\u201d St. Louis, Mo. rose 3.5%."
    words = [text[s:e] for s, e in word_spans(text)]
    assert words == [
        "Clinton", "'s", "aides", "(", "in", "the", "U.S.", ")", "said", ":", "\u201c", "We", "do", "n't", "know",
        ".", "\u201d", "St.", "Louis", ",", "Mo.", "rose", "3.5", "%", ".",
    ]  # fmt: skip


def test_word_spans_leave_conll_tokens_alone() -> None:
    tokens = ["SOCCER", "-", "AL-AIN", ",", "United", "Arab", "Emirates", "1996-12-06", "'s", "1.", "J.", "..."]
    text = " ".join(tokens)
    assert [text[s:e] for s, e in word_spans(text)] == tokens


def test_piece_shape_reads_original_casing() -> None:
    shapes = [piece_shape(p) for p in ("paris", "Paris", "NATO", "A", "McD", "1996", ",")]
    assert shapes == [
        ner_model.SHAPE_LOWER, ner_model.SHAPE_TITLE, ner_model.SHAPE_UPPER, ner_model.SHAPE_CAP1,
        ner_model.SHAPE_MIXED, ner_model.SHAPE_DIGIT, ner_model.SHAPE_OTHER,
    ]  # fmt: skip


def test_viterbi_never_starts_an_entity_with_inside_tag() -> None:
    scores = np.full((3, len(LABELS)), -5.0)
    scores[0, LABELS.index("I-PER")] = 0.0  # the argmax would be an ill-formed I-PER
    scores[0, LABELS.index("B-ORG")] = -1.0
    scores[1, LABELS.index("I-PER")] = 0.0
    scores[2, LABELS.index("O")] = 0.0
    tags = [LABELS[i] for i in viterbi_bio(scores)]
    assert tags[0].startswith("B-") and tags[1] == "I-" + tags[0][2:] and tags[2] == "O"


def test_bio_spans_close_on_type_change() -> None:
    assert bio_spans(["B-PER", "I-PER", "I-ORG", "O", "B-LOC"]) == [(0, 2, "PER"), (2, 3, "ORG"), (4, 5, "LOC")]


def test_pack_windows_respects_max_len_and_covers_every_word() -> None:
    long = EncodedSentence(ids=list(range(100, 190)), shapes=[1] * 90, first=list(range(0, 90, 2)))
    short = EncodedSentence(ids=[5, 6, 7], shapes=[1, 1, 1], first=[0, 1, 2])
    windows = pack_windows([short, long, short], cls_id=1, sep_id=2, max_len=32)
    assert all(len(w.ids) <= 32 for w in windows)
    covered = {(sent, word0 + k) for w in windows for sent, word0, pos in w.parts for k, p in enumerate(pos) if p >= 0}
    assert covered == {(0, k) for k in range(3)} | {(1, k) for k in range(45)} | {(2, k) for k in range(3)}
    for w in windows:  # each word's position points at its own first subword
        for sent, word0, pos in w.parts:
            source = [short, long, short][sent]
            assert all(w.ids[p] == source.ids[source.first[word0 + k]] for k, p in enumerate(pos) if p >= 0)


def test_model_folder_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv(ner_model.MODEL_ENV, str(tmp_path))
    assert model_dir() == tmp_path
    assert not ner_available()


needs_model = pytest.mark.skipif(not (model_dir() / ner_model.WEIGHTS_FILE).is_file(), reason="weights not built")


@pytest.fixture(scope="module")
def tagged() -> tuple[list[str], list[list[tuple[int, int, str]]]]:
    texts = [
        "German Chancellor Angela Merkel met Emmanuel Macron in Paris on Monday to discuss the European Union budget.",
        "Shares in Microsoft rose 3 percent on Wall Street after the company said its profit had doubled.",
        "RUSSIA AND CHINA SIGN TRADE DEAL IN MOSCOW",
        "",
    ]
    return texts, predict_entities(texts)


@pytest.mark.slow
@needs_model
def test_predictions_label_people_places_and_organisations(tagged) -> None:
    assert ner_available()
    texts, spans = tagged
    found = [{(text[s:e], label) for s, e, label in doc} for text, doc in zip(texts, spans, strict=True)]
    assert {("Angela Merkel", "PER"), ("Emmanuel Macron", "PER"), ("Paris", "LOC")} <= found[0]
    assert ("European Union", "ORG") in found[0]
    assert ("Microsoft", "ORG") in found[1]
    assert {("RUSSIA", "LOC"), ("CHINA", "LOC"), ("MOSCOW", "LOC")} <= found[2]
    assert found[3] == set()


@pytest.mark.slow
@needs_model
def test_spans_slice_to_trimmed_entity_text(tagged) -> None:
    texts, spans = tagged
    for text, doc in zip(texts, spans, strict=True):
        for start, end, label in doc:
            assert label in ner_model.TYPES
            assert 0 <= start < end <= len(text)
            assert text[start:end] == text[start:end].strip()


@pytest.mark.slow
@needs_model
def test_long_article_is_windowed_and_batched_consistently() -> None:
    paragraph = "Officials in Nairobi said Kenya Airways would resume flights to Lagos, according to John Mwangi. "
    article = paragraph * 40  # far beyond one window of subwords
    alone = predict_entities([article])[0]
    together = predict_entities(["Tokyo is calm.", article])[1]
    assert alone == together
    starts = {article[s:e] for s, e, _ in alone}
    assert {"Nairobi", "Kenya Airways", "Lagos", "John Mwangi"} <= starts
    assert sum(1 for s, e, _ in alone if article[s:e] == "Lagos") == 40


def test_same_type_spans_split_by_one_space_are_joined() -> None:
    from newsbrief.facts.ner_model import join_split_names

    text = "Floods on the River Ostra hit Lindmoor, Wenthorpe and Ashby Ferry."
    spans = [(14, 19, "LOC"), (20, 25, "LOC"), (30, 38, "LOC"), (40, 49, "LOC"), (54, 59, "LOC"), (60, 65, "ORG")]
    assert [(text[s:e], k) for s, e, k in join_split_names(text, spans)] == [
        ("River Ostra", "LOC"),
        ("Lindmoor", "LOC"),
        ("Wenthorpe", "LOC"),
        ("Ashby", "LOC"),
        ("Ferry", "ORG"),
    ]
