"""Lead-k: the first sentences of the article. The baseline every news summariser must beat."""

from __future__ import annotations

from collections.abc import Sequence

from newsbrief.records import Article, Summary, SummarySentence
from newsbrief.summarise import SummaryOptions, register
from newsbrief.text import split_sentences


@register("lead")
class LeadSummariser:
    name = "lead"

    def __init__(self, options: SummaryOptions) -> None:
        self.options = options

    def summarise(self, articles: Sequence[Article]) -> list[Summary]:
        return [self._one(a) for a in articles]

    def _one(self, article: Article) -> Summary:
        spans = split_sentences(article.text)[: self.options.sentences]
        sentences = [SummarySentence(s.text, s.start, s.end, article_id=article.id) for s in spans]
        return Summary(article_id=article.id, method=self.name, sentences=sentences)
