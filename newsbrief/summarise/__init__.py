"""Summarisers, each behind one tiny interface and registered by name so the config can swap them.

A summariser takes a batch of articles and returns one `Summary` per article, in order. Batching across
articles is the contract: model work is done once for the whole batch, never per sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from newsbrief.records import Article, Summary


@dataclass
class SummaryOptions:
    """What every summariser understands; a summariser ignores what does not apply to it."""

    sentences: int = 3  # at most this many sentences per article
    min_sentences: int = 1  # at least this many where the article has them (a brief wants 2+; ROUGE evals use 1)
    words: int | None = None  # optional budget in words (extractive methods stop before exceeding it)
    model: str | None = None  # hub id, local path or registry name for model-backed methods


class Summariser(Protocol):
    name: str

    def summarise(self, articles: Sequence[Article]) -> list[Summary]: ...


_REGISTRY: dict[str, Callable[[SummaryOptions], Summariser]] = {}


def register(name: str) -> Callable[[Callable[[SummaryOptions], Summariser]], Callable[[SummaryOptions], Summariser]]:
    """Class or factory decorator: `@register("lead")` makes `get_summariser("lead")` build it."""

    def decorate(factory: Callable[[SummaryOptions], Summariser]) -> Callable[[SummaryOptions], Summariser]:
        _REGISTRY[name] = factory
        return factory

    return decorate


def available() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def get_summariser(name: str, options: SummaryOptions | None = None) -> Summariser:
    _load_builtins()
    if name not in _REGISTRY:
        raise KeyError(f"unknown summariser {name!r}; choose one of: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](options or SummaryOptions())


def _load_builtins() -> None:
    from newsbrief.summarise import abstractive, centrality, lead  # noqa: F401  (registration happens on import)
