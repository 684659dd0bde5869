"""The abstractive summariser on a real, tiny BART built and trained here: no download, the real code path.

The model is trained for a few seconds to memorise what it should say for three articles: one faithful lead
sentence, one faithful and one wrong sentence, and one sentence full of invented facts. That makes every branch
observable through real generation: kept abstractive sentences, a partly dropped summary, and the extractive
fallback when the guard drops everything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from newsbrief.records import Article
from newsbrief.summarise import SummaryOptions, get_summariser
from newsbrief.summarise.abstractive import AbstractiveSummariser, ModelUnavailable, load_generator

COUNCIL = (
    "The city council approved a new budget for Leeds on Monday. The plan adds 40 buses to the network. "
    "Councillors said fares would stay the same."
)
FLOOD = (
    "Heavy rain flooded roads across Cornwall overnight. Firefighters rescued 12 people from cars. "
    "The Met Office warned of more storms this week."
)
SHARES = (
    "Shares in Acme Motors rose sharply after strong sales figures. The company sold 2,000 electric vans in March. "
    "Analysts expect further growth."
)
TARGETS = {
    COUNCIL: "The city council approved a new budget for Leeds on Monday.",
    FLOOD: "Heavy rain flooded roads across Cornwall overnight. Firefighters rescued 21 people from cars.",
    SHARES: "Bob Jones sold 5,000 vans in Paris.",
}
# Longer than the tiny model's 128-token context: it has to be chunked and reduced.
LONG = " ".join(f"{s} Officials in district {n} agreed with the plan." for n, s in enumerate([COUNCIL, FLOOD] * 4))


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread() -> Iterator[None]:
    """A tiny model's ops take microseconds; on a busy machine syncing torch's thread pool costs far more."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def tiny_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer BART (d_model 64) with a byte-level BPE tokenizer trained on the test texts, saved to a folder."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer, GenerationConfig

    folder = tmp_path_factory.mktemp("tiny-bart")
    bpe = ByteLevelBPETokenizer()
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    corpus = [*TARGETS, *TARGETS.values(), LONG]
    bpe.train_from_iterator(corpus, vocab_size=600, min_frequency=1, special_tokens=specials)
    bpe.save_model(str(folder))
    tokenizer = BartTokenizer(vocab=str(folder / "vocab.json"), merges=str(folder / "merges.txt"))
    ids = {"pad_token_id": tokenizer.pad_token_id, "bos_token_id": tokenizer.bos_token_id}
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=64,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=128,
        decoder_ffn_dim=128,
        max_position_embeddings=128,
        dropout=0.0,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        forced_bos_token_id=tokenizer.bos_token_id,
        forced_eos_token_id=tokenizer.eos_token_id,
        **ids,
    )
    torch.manual_seed(0)
    model = BartForConditionalGeneration(config)
    inputs = tokenizer(list(TARGETS), return_tensors="pt", padding=True)
    labels = tokenizer(list(TARGETS.values()), return_tensors="pt", padding=True).input_ids
    labels[labels == tokenizer.pad_token_id] = -100
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(80):
        model(**inputs, labels=labels).loss.backward()
        optimiser.step()
        optimiser.zero_grad()
    model.generation_config = GenerationConfig(
        num_beams=2, max_new_tokens=40, decoder_start_token_id=tokenizer.eos_token_id, **ids
    )
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _article(text: str, n: int = 0) -> Article:
    return Article(id=f"a{n}", url=None, source="test", title="t", text=text)


def test_loads_from_a_folder_once_and_generates_in_batches(tiny_bart: Path) -> None:
    generator = load_generator(str(tiny_bart))
    assert load_generator(str(tiny_bart)).model is generator.model  # cached, not reloaded
    assert generator.max_input_tokens == 128  # from max_position_embeddings, not the tokenizer's huge default
    texts = list(TARGETS)
    batched = generator(texts, batch_size=2)
    assert batched == [generator([t])[0] for t in texts]
    assert batched[0] == TARGETS[COUNCIL]


def test_long_article_is_chunked_on_sentences_and_reduced(tiny_bart: Path) -> None:
    generator = load_generator(str(tiny_bart))
    chunks = generator.chunk(LONG)
    assert len(chunks) >= 3
    assert all(n <= generator.chunk_budget for n in generator.count_tokens([c.text for c in chunks]))
    for before, after in pairwise(chunks):
        assert before.spans[-1] == after.spans[0]  # one sentence of overlap
    assert all(LONG[s.start : s.end] == s.text for c in chunks for s in c.spans)
    with pytest.raises(ValueError, match="exceeds"):
        generator.preprocess([LONG])  # the model step refuses what chunking should have split

    summary = AbstractiveSummariser(SummaryOptions(model=str(tiny_bart))).summarise([_article(LONG)])[0]
    assert any(f"summarised {len(chunks)} chunks" in note for note in summary.notes)
    assert summary.method == "abstractive"  # the reduce step produced a final summary that passed the guard
    assert all(s.abstractive and LONG[s.start : s.end] == s.support.text for s in summary.sentences)


def test_article_not_reducible_within_max_rounds_falls_back(tiny_bart: Path) -> None:
    summariser = AbstractiveSummariser(SummaryOptions(model=str(tiny_bart)), max_rounds=1)
    [summary] = summariser.summarise([_article(LONG)])
    assert summary.method == "centrality"
    assert any("not reduced to one summary within 1 round(s)" in n for n in summary.notes)
    assert all(LONG[s.start : s.end] == s.text for s in summary.sentences)


def test_guard_keeps_faithful_sentences_and_links_them_to_their_support(tiny_bart: Path) -> None:
    articles = [_article(COUNCIL, 0), _article(FLOOD, 1)]
    council, flood = get_summariser("abstractive", SummaryOptions(model=str(tiny_bart))).summarise(articles)

    assert council.method == "abstractive"
    [sentence] = council.sentences
    assert sentence.abstractive and sentence.text == TARGETS[COUNCIL]
    assert COUNCIL[sentence.start : sentence.end] == sentence.support.text
    assert sentence.support.text.startswith("The city council approved")
    assert sentence.support_score > 0.9

    assert [s.text for s in flood.sentences] == ["Heavy rain flooded roads across Cornwall overnight."]
    assert any("Firefighters rescued 21 people" in n and "number not in source: 21" in n for n in flood.notes)


def test_all_sentences_dropped_falls_back_to_extractive(tiny_bart: Path) -> None:
    [summary] = AbstractiveSummariser(SummaryOptions(model=str(tiny_bart), sentences=2)).summarise([_article(SHARES)])
    assert summary.method == "centrality"
    dropped = next(n for n in summary.notes if n.startswith("guard dropped"))
    assert "Bob Jones" in dropped and "Paris" in dropped and "5,000" in dropped
    assert any("used extractive centrality" in n for n in summary.notes)
    assert summary.sentences and all(not s.abstractive for s in summary.sentences)
    assert all(SHARES[s.start : s.end] == s.text for s in summary.sentences)


def test_uncached_hub_model_offline_is_a_clear_error_and_falls_back(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable) as error:
        load_generator("newsbrief-test/not-a-cached-model")
    message = str(error.value)
    assert "HF_HUB_OFFLINE" in message
    assert "hf download newsbrief-test/not-a-cached-model --local-dir" in message
    assert "models/checkpoints/not-a-cached-model" in message

    options = SummaryOptions(model="newsbrief-test/not-a-cached-model", sentences=2)
    with caplog.at_level(logging.WARNING, logger="newsbrief.summarise.abstractive"):
        [summary] = AbstractiveSummariser(options).summarise([_article(COUNCIL)])
    assert summary.method == "centrality" and len(summary.sentences) == 2
    assert "abstractive model unavailable" in summary.notes[0] and "hf download" in summary.notes[0]
    assert any("falls back to centrality" in r.getMessage() for r in caplog.records)


def test_missing_local_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="does not exist"):
        load_generator(str(tmp_path / "no-such-model"))
