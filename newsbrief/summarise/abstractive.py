"""Abstractive summaries from any Hugging Face seq2seq summariser, guarded against invented facts.

`SummaryOptions.model` names the model: a registry name from `models/registry.toml`, a hub id or a local folder
(default: the registry's default). The model is loaded once per process and all articles of a call are generated
in length-sorted batches.

What a reader gets, and why it can be trusted:

* Long articles are never truncated. An article over the model's context is cut into token-counted chunks of
  whole sentences (with one sentence of overlap), each chunk is summarised, and the joined chunk summaries are
  summarised again (map-reduce), for as many rounds as needed up to `max_rounds`.
* Every generated sentence goes through the hallucination guard (`guard.Guard`): a sentence naming an entity or
  a number the article does not contain, or with no article sentence close to it in meaning, is DROPPED, and the
  drop is listed in `Summary.notes` with the reason. Sentences are dropped rather than shown with a flag because
  readers act on the brief and a warning mark is easy to miss.
* A surviving sentence is `SummarySentence(text=<generated>, abstractive=True)` whose `start`/`end` and `support`
  are the article sentence that best supports it, `support_score` their cosine similarity. So unlike extractive
  sentences, `article.text[start:end]` is the support, not the generated text; the brief marks these sentences
  and links each to its support.
* When nothing survives, the article is not reducible within `max_rounds`, or the model cannot be loaded here
  (`ModelUnavailable`: offline and not downloaded), the article gets the extractive `centrality` summary instead,
  and `Summary.notes` says so. A brief is never lost to a missing model.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from newsbrief.models import ModelUnavailable, ResolvedModel, download_hint, resolve
from newsbrief.records import Article, Summary, SummarySentence
from newsbrief.summarise import SummaryOptions, get_summariser, register
from newsbrief.summarise.chunking import Chunk, chunk_spans
from newsbrief.summarise.guard import Guard, SentenceCheck
from newsbrief.text import split_sentences

__all__ = ["AbstractiveSummariser", "ModelUnavailable", "Seq2SeqGenerator", "load_generator"]

log = logging.getLogger(__name__)

FALLBACK = "centrality"
_DEFAULT_MAX_NEW_TOKENS = 128  # for models whose config leaves generation at transformers' 20-token default
_DEFAULT_CONTEXT = 512  # for models whose config does not say how long an input may be


class Seq2SeqGenerator:
    """Tokenizer + model as one batched text-to-text step, kept apart as preprocess / forward / postprocess."""

    def __init__(self, resolved: ResolvedModel, tokenizer: Any, model: Any) -> None:
        self.resolved = resolved
        self.tokenizer = tokenizer
        self.model = model
        self.prefix = resolved.spec.prefix
        self.max_input_tokens = resolved.spec.max_input_tokens or _context_size(tokenizer, model)
        self.generation = dict(resolved.spec.generation)
        config = model.generation_config
        unset = config.max_new_tokens is None and config.max_length in (None, 20)
        if unset and not {"max_new_tokens", "max_length"} & self.generation.keys():
            self.generation["max_new_tokens"] = _DEFAULT_MAX_NEW_TOKENS

    @property
    def name(self) -> str:
        return self.resolved.spec.name

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text without special tokens or prefix (what chunks add up)."""
        if not texts:
            return []
        return [len(ids) for ids in self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]]

    @property
    def chunk_budget(self) -> int:
        """Tokens a chunk may have once the prefix and the special tokens are added."""
        specials = self.tokenizer.num_special_tokens_to_add(pair=False)
        prefix = self.count_tokens([self.prefix])[0] if self.prefix else 0
        return self.max_input_tokens - specials - prefix

    def chunk(self, text: str, overlap: int = 1) -> list[Chunk]:
        return chunk_spans(split_sentences(text), self.count_tokens, self.chunk_budget, overlap=overlap)

    def preprocess(self, texts: Sequence[str]) -> Any:
        """Prefixed, padded input tensors; an input over the context is an error here, never cut silently."""
        inputs = self.tokenizer([self.prefix + t for t in texts], padding=True, truncation=False, return_tensors="pt")
        longest = int(inputs["attention_mask"].sum(dim=1).max())
        if longest > self.max_input_tokens:
            raise ValueError(f"input of {longest} tokens exceeds {self.name}'s {self.max_input_tokens}; chunk it first")
        return inputs.to(self.model.device)

    def _forward(self, inputs: Any) -> Any:
        import torch

        with torch.inference_mode():
            return self.model.generate(**inputs, **self.generation)

    def postprocess(self, output_ids: Any) -> list[str]:
        texts = self.tokenizer.batch_decode(output_ids, skip_special_tokens=True)
        return [re.sub(r"\s+", " ", t).strip() for t in texts]

    def __call__(self, texts: Sequence[str], batch_size: int = 8) -> list[str]:
        """One output per input, in order; inputs are batched longest first so padding stays small."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        outputs: list[str] = [""] * len(texts)
        for begin in range(0, len(order), batch_size):
            batch = order[begin : begin + batch_size]
            decoded = self.postprocess(self._forward(self.preprocess([texts[i] for i in batch])))
            for i, text in zip(batch, decoded, strict=True):
                outputs[i] = text
        return outputs


def _context_size(tokenizer: Any, model: Any) -> int:
    limits = [getattr(model.config, "max_position_embeddings", None), tokenizer.model_max_length]
    sane = [n for n in limits if isinstance(n, int) and 0 < n < 1_000_000]
    return min(sane) if sane else _DEFAULT_CONTEXT


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def load_generator(model: str | None) -> Seq2SeqGenerator:
    """The generator for a registry name / hub id / folder; raises `ModelUnavailable` with what to do about it."""
    resolved = resolve(model)
    try:
        tokenizer, seq2seq = _load(resolved.location, local_only=resolved.local or _offline())
    except (OSError, ValueError) as exc:
        if resolved.local:
            raise ModelUnavailable(f"cannot load the model in {resolved.location}: {exc}") from exc
        why = "HF_HUB_OFFLINE is set and it is not cached" if _offline() else "it could not be downloaded"
        raise ModelUnavailable(
            f"summarisation model {resolved.location!r} is not available here ({why}); {download_hint(resolved)}"
        ) from exc
    return Seq2SeqGenerator(resolved, tokenizer, seq2seq)


@lru_cache(maxsize=2)
def _load(location: str, local_only: bool) -> tuple[Any, Any]:
    """Tokenizer and model, loaded once per process for each location."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(location, local_files_only=local_only)
    model = AutoModelForSeq2SeqLM.from_pretrained(location, local_files_only=local_only)
    model.to("cuda" if torch.cuda.is_available() else "cpu").eval()
    return tokenizer, model


@dataclass
class _Draft:
    """One article's way through map-reduce: the text still to summarise, the final summary, and what happened."""

    text: str
    final: str | None = None
    notes: list[str] = field(default_factory=list)


@register("abstractive")
class AbstractiveSummariser:
    name = "abstractive"

    def __init__(
        self, options: SummaryOptions, guard: Guard | None = None, batch_size: int = 8, max_rounds: int = 4
    ) -> None:
        self.options = options
        self.guard = guard or Guard()
        self.batch_size = batch_size
        self.max_rounds = max_rounds

    def summarise(self, articles: Sequence[Article]) -> list[Summary]:
        try:
            generator = load_generator(self.options.model)
        except ModelUnavailable as exc:
            log.warning("abstractive summariser falls back to %s: %s", FALLBACK, exc)
            return self._fallback(articles, [f"abstractive model unavailable, used extractive {FALLBACK}: {exc}"])
        drafts = self._map_reduce(generator, [_Draft(a.text) for a in articles])
        generated = [split_sentences(d.final) if d.final else [] for d in drafts]
        checks = self.guard.check_batch([a.text for a in articles], [[s.text for s in g] for g in generated])
        summaries = [self._assemble(a, d, c, generator.name) for a, d, c in zip(articles, drafts, checks, strict=True)]
        failed = [i for i, s in enumerate(summaries) if not s.sentences]
        if failed:
            for i, summary in zip(failed, self._fallback([articles[i] for i in failed], []), strict=True):
                note = f"no abstractive sentence survived, used extractive {FALLBACK}"
                summary.notes[:0] = [*summaries[i].notes, note]
                summaries[i] = summary
        return summaries

    def _map_reduce(self, generator: Seq2SeqGenerator, drafts: list[_Draft]) -> list[_Draft]:
        """Summarises every article's chunks in shared batches, then the joined chunk summaries, until one is left."""
        pending = [d for d in drafts if d.text.strip()]
        for round_no in range(1, self.max_rounds + 1):
            plans = [(d, generator.chunk(d.text)) for d in pending]
            outputs = iter(generator([c.text for _, chunks in plans for c in chunks], batch_size=self.batch_size))
            pending = []
            for draft, chunks in plans:
                parts = [next(outputs) for _ in chunks]
                if len(chunks) == 1:
                    draft.final = parts[0]
                else:
                    draft.notes.append(f"round {round_no}: summarised {len(chunks)} chunks, then their summaries")
                    draft.text = " ".join(parts)
                    pending.append(draft)
            if not pending:
                break
        for draft in pending:
            draft.notes.append(f"not reduced to one summary within {self.max_rounds} round(s)")
        return drafts

    def _assemble(self, article: Article, draft: _Draft, checks: list[SentenceCheck], model: str) -> Summary:
        kept = [c for c in checks if c.ok][: self.options.sentences]
        notes = [f"abstractive summary by {model}", *draft.notes]
        notes += [f"guard dropped {c.text!r}: {'; '.join(c.flags)}" for c in checks if not c.ok]
        sentences = [
            SummarySentence(
                c.text,
                c.support.start,
                c.support.end,
                article_id=article.id,
                score=c.support_score,
                abstractive=True,
                support=c.support,
                support_score=c.support_score,
            )
            for c in kept
            if c.support is not None
        ]
        return Summary(article_id=article.id, method=self.name, sentences=sentences, notes=notes)

    def _fallback(self, articles: Sequence[Article], notes: list[str]) -> list[Summary]:
        summaries = get_summariser(FALLBACK, self.options).summarise(articles)
        for summary in summaries:
            summary.notes[:0] = notes
        return summaries
