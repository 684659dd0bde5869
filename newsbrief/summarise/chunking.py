"""Token-aware chunking on sentence boundaries, so long articles are summarised in parts instead of truncated.

A chunk is a run of whole sentences whose tokens fit the model's context; consecutive chunks share `overlap`
sentences so a fact that straddles a boundary is seen whole by one of them. A single sentence longer than the
budget (tables, run-on lists) is cut between words into pieces that fit. Token counts come from the model's own
tokenizer via a counter function, and every chunk is measured again as the joined text the model will see.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsbrief.records import Span

TokenCounter = Callable[[Sequence[str]], list[int]]  # token counts without special tokens, one per text


@dataclass
class Chunk:
    spans: list[Span]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.spans)


def chunk_spans(spans: Sequence[Span], count: TokenCounter, budget: int, overlap: int = 1) -> list[Chunk]:
    """Packs sentence spans greedily into chunks of at most `budget` tokens, `overlap` sentences repeated."""
    if budget < 1:
        raise ValueError(f"token budget must be positive, got {budget}")
    pieces = _fit_pieces(spans, count, budget)
    chunks: list[list[tuple[Span, int]]] = []
    current: list[tuple[Span, int]] = []
    for piece in pieces:
        if current and sum(n for _, n in current) + piece[1] > budget:
            chunks.append(current)
            current = current[max(1, len(current) - overlap) :] if overlap > 0 else []
            while current and sum(n for _, n in current) + piece[1] > budget:
                current = current[1:]
        current.append(piece)
    if current:
        chunks.append(current)
    return _verified([Chunk([s for s, _ in c]) for c in chunks], count, budget)


def _fit_pieces(spans: Sequence[Span], count: TokenCounter, budget: int) -> list[tuple[Span, int]]:
    pieces = []
    for span, n in zip(spans, count([s.text for s in spans]), strict=True):
        pieces.extend([(span, n)] if n <= budget else _split_sentence(span, count, budget))
    return pieces


def _split_sentence(span: Span, count: TokenCounter, budget: int) -> list[tuple[Span, int]]:
    """Cuts an over-long sentence between words into the fewest even pieces that each fit the budget."""
    words = _word_spans(span)
    parts = max(2, math.ceil(count([span.text])[0] / budget))
    while True:
        size = math.ceil(len(words) / parts)
        groups = [words[i : i + size] for i in range(0, len(words), size)]
        texts = [span.text[g[0][0] - span.start : g[-1][1] - span.start] for g in groups]
        lengths = count(texts)
        if max(lengths) <= budget or size == 1:
            return [(Span(t, g[0][0], g[-1][1]), n) for t, g, n in zip(texts, groups, lengths, strict=True)]
        parts += 1


def _word_spans(span: Span) -> list[tuple[int, int]]:
    bounds, start = [], None
    for i, ch in enumerate(span.text + " "):
        if ch.isspace() and start is not None:
            bounds.append((span.start + start, span.start + i))
            start = None
        elif not ch.isspace() and start is None:
            start = i
    return bounds


def _verified(chunks: list[Chunk], count: TokenCounter, budget: int) -> list[Chunk]:
    """Re-measures each chunk as joined text (tokenizers merge across spaces) and halves any that overflow."""
    out: list[Chunk] = []
    for chunk, n in zip(chunks, count([c.text for c in chunks]), strict=True):
        if n <= budget or len(chunk.spans) == 1:
            out.append(chunk)
        else:
            half = len(chunk.spans) // 2
            out.extend(_verified([Chunk(chunk.spans[:half]), Chunk(chunk.spans[half:])], count, budget))
    return out
