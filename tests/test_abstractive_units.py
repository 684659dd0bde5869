"""Model registry resolution and token-aware chunking, without loading any model."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from newsbrief.models import ModelUnavailable, load_registry, resolve
from newsbrief.summarise.chunking import chunk_spans
from newsbrief.text import split_sentences

REGISTRY = """
default = "tiny"

[models.tiny]
hub_id = "example/tiny-summariser"
prefix = "summarize: "
max_input_tokens = 256
generation = { num_beams = 2, max_new_tokens = 40 }
"""


def words(texts: list[str]) -> list[int]:
    return [len(t.split()) for t in texts]


@pytest.fixture
def registry(tmp_path: Path):
    path = tmp_path / "registry.toml"
    path.write_text(REGISTRY, encoding="utf-8")
    return load_registry(path)


def test_shipped_registry_lists_usable_models() -> None:
    shipped = load_registry()
    assert shipped.default in shipped.models
    assert {"bart-large-cnn", "distilbart-cnn-12-6", "pegasus-xsum", "t5-small"} <= shipped.models.keys()
    assert shipped.models["t5-small"].prefix == "summarize: "
    for spec in shipped.models.values():
        assert spec.hub_id and spec.max_input_tokens and spec.generation["max_new_tokens"] > 0


def test_registry_name_prefers_the_local_checkpoint(registry, tmp_path: Path) -> None:
    hub = resolve("tiny", registry)
    assert (hub.location, hub.local, hub.spec.prefix) == ("example/tiny-summariser", False, "summarize: ")
    assert resolve(None, registry).spec.name == "tiny"  # the registry's default
    checkpoint = tmp_path / "checkpoints" / "tiny"
    checkpoint.mkdir(parents=True)
    (checkpoint / "config.json").write_text("{}", encoding="utf-8")
    local = resolve("tiny", registry)
    assert (local.location, local.local) == (str(checkpoint), True)
    assert resolve("example/tiny-summariser", registry).location == str(checkpoint)  # listed hub id, same copy


def test_unknown_hub_ids_and_folders(registry, tmp_path: Path) -> None:
    other = resolve("someone/other-model", registry)
    assert (other.location, other.local, other.spec.generation) == ("someone/other-model", False, {})
    assert resolve(str(tmp_path), registry).local
    with pytest.raises(ModelUnavailable, match="does not exist"):
        resolve("./no/such/folder", registry)


def test_chunks_fit_the_budget_overlap_and_keep_offsets() -> None:
    text = " ".join(f"Sentence {i} has exactly six words." for i in range(10))
    chunks = chunk_spans(split_sentences(text), words, budget=20, overlap=1)
    assert [len(c.spans) for c in chunks] == [3, 3, 3, 3, 2]
    assert all(sum(words([s.text for s in c.spans])) <= 20 for c in chunks)
    assert all(a.spans[-1] == b.spans[0] for a, b in pairwise(chunks))
    assert chunks[-1].spans[-1].text == "Sentence 9 has exactly six words."
    no_overlap = chunk_spans(split_sentences(text), words, budget=20, overlap=0)
    assert [s.text for c in no_overlap for s in c.spans] == [s.text for s in split_sentences(text)]


def test_overlong_sentence_is_cut_between_words_not_dropped() -> None:
    text = "Short one. " + " ".join(f"w{i}" for i in range(25)) + "."
    chunks = chunk_spans(split_sentences(text), words, budget=10, overlap=0)
    pieces = [s for c in chunks for s in c.spans]
    assert all(text[s.start : s.end] == s.text for s in pieces)
    assert " ".join(s.text for s in pieces) == text
    assert all(len(c.text.split()) <= 10 for c in chunks)
