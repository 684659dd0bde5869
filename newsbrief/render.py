"""Render a Brief to Markdown, HTML and JSON with Jinja2, and to the parts of the mail that carries it.

Templates are looked up first in the user's folder, then in the bundled ones (the repo's `templates/`, shipped as the
package `newsbrief.templates`, so a wheel install renders as the checkout does), so a user can override one template
and keep the others. HTML is autoescaped: article text is untrusted and must never become markup.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import css_inline
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from newsbrief.facts.entities import ORGANISATIONS, PEOPLE, PLACES
from newsbrief.facts.quotes import REPORTING_VERBS
from newsbrief.records import (
    DATE_ONLY,
    OPINION,
    SNIPPET_ONLY,
    Article,
    Brief,
    Reading,
    Skipped,
    SourceRef,
    Span,
    Story,
    StoryEntity,
    StoryNumber,
    StoryQuote,
    SummarySentence,
    TimelineEntry,
    to_jsonable,
)
from newsbrief.stories.facts import AGREED, CONFLICT, DIFFER, is_heading, lemma
from newsbrief.stories.rank import highlight_pattern, newest_published
from newsbrief.text import split_sentences

# Where a figure's clause ends: a comma, semicolon or colon before a space (not "11,000"), a bracket or a dash, or
# the end of its sentence.
_CLAUSE_BREAK = re.compile(r"[,;:](?=\s)|[()\u2014\u2013]|\s-{1,2}\s|\s_\s|[.!?][\"'\u201d)]*(?=\s|$)|\n")
STATEMENT_WORDS = 5  # a quotation shorter than this is a term or a scare quote, not a statement
_NON_SPACE = re.compile(r"\S+")
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})  # a noun phrase opens
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d)]*|\n")
_RELATIVE = re.compile(r"(?:which|who|whom|whose|where)\b", re.IGNORECASE)
WHO_SHOWN = 4  # names on a story's Who line
FIGURES_SHOWN = 3  # a story's Figures line: the most reported quantities, a glance, not a table
FIGURE_SENTENCE_WORDS = 20  # a figure's sentence this short is shown whole: its subject and time stay with it
FIGURE_WORDS_BEFORE = 4  # words of a longer sentence's clause shown before a figure ("rebels had captured")
FIGURE_WORDS_AFTER = 7  # and after it ("people near Kindu on Sunday")
_REASON_PARTICULARS = re.compile(r"\s*[(:]")  # where a skip reason's particulars start: "(German)", ": [Errno -2]"
BUNDLED_TEMPLATES = "newsbrief.templates"  # package data, read through the import system (see pyproject.toml)
MAIL_HTML_BYTES = 100_000  # Gmail clips a mail's HTML past about 102 KB ("[Message clipped]"): the part stays below
ONE_LINE_WORDS = 40  # the compact mail shows a story's first summary sentence when it is no longer than this


def environment(user_templates: Path | None = None) -> Environment:
    user = [FileSystemLoader(str(user_templates))] if user_templates else []
    env = Environment(
        loader=ChoiceLoader([*user, PackageLoader(BUNDLED_TEMPLATES, ".")]),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_escape
    env.filters["safe_url"] = safe_url
    env.filters["hhmm"] = lambda value: value.strftime("%Y-%m-%d %H:%M %Z").strip() if value else ""
    env.filters["mark_md"] = lambda text, story: highlight(text, story, markdown_escape, lambda m: f"**{m}**")
    env.filters["mark_html"] = lambda text, story: Markup(
        highlight(text, story, lambda t: str(escape(t)), lambda m: f"<mark>{m}</mark>")
    )
    env.filters["text_fragment"] = text_fragment
    env.filters["markers"] = source_markers
    env.filters["figure_values"] = figure_values
    env.filters["timeline_parts"] = timeline_parts
    env.filters["day_label"] = lambda iso: date.fromisoformat(iso).strftime("%a %-d %b %Y")
    env.filters["newest"] = newest
    env.filters["when"] = when
    env.filters["when_iso"] = when_iso
    env.filters["ref_time"] = ref_time
    env.filters["counted"] = counted
    env.filters["body_sentences"] = body_sentences
    env.filters["headline_sentence"] = headline_sentence
    env.filters["headline_url"] = headline_url
    env.filters["figure_phrase"] = figure_phrase
    env.filters["figure_note"] = figure_note
    env.filters["shown_figures"] = shown_figures
    env.filters["who"] = who
    env.filters["shown_quotes"] = shown_quotes
    env.filters["skip_tally"] = skip_tally
    env.filters["skip_groups"] = skip_groups
    env.filters["story_marks"] = story_marks
    env.filters["outlets_label"] = outlets_label
    return env


def newest(story: Story) -> Article | None:
    """The story's most recently published article, of those with a known date (`Article.known_published`)."""
    dated = [(published, d.article) for d in story.articles if (published := d.article.known_published) is not None]
    return max(dated, key=lambda pair: pair[0], default=(None, None))[1]


def story_marks(story: Story) -> str:
    """What a headline shown without its sources line must say of its story itself: " (snippet only)" when every
    article is a feed's snippet (`snippet_only`), " (opinion)" when every article is a writer's view (`opinion`). A
    string, not a list to loop over: a block tag ending a template line would eat its newline (`trim_blocks`)."""
    flags = {SNIPPET_ONLY: "snippet only", OPINION: "opinion"}
    every = [f" ({mark})" for flag, mark in flags.items() if all(flag in d.article.flags for d in story.articles)]
    return "".join(every) if story.articles else ""


def when(article: Article) -> str:
    """When the article was published, as precisely as its source said, in UTC as every time of the brief is:
    "2015-03-18 14:15 UTC" (a page's "10:15 -04:00" too), or "2015-03-18" for a source that gave the day only
    (`date_only`), whose midnight is a placeholder, not a time."""
    if article.published is None:
        return ""
    if DATE_ONLY in article.flags:
        return article.published.date().isoformat()
    return article.published.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def when_iso(article: Article) -> str:
    """The machine-readable form of `when`, for HTML's `<time datetime>`: a date alone for a day-only source."""
    if article.published is None:
        return ""
    return (article.published.date() if DATE_ONLY in article.flags else article.published).isoformat()


def ref_time(ref: SourceRef) -> str:
    """The short time of a reading in UTC ("18 Mar 14:15"), the day alone ("18 Mar") when its article gave no time
    (`SourceRef.date_only`: the reading may come from an earlier brief, whose article is not in today's story)."""
    if ref.published is None:
        return "undated"
    if ref.date_only:
        return ref.published.strftime("%-d %b")
    return ref.published.astimezone(UTC).strftime("%-d %b %H:%M")


def figure_phrase(reading: Reading, story: Story, counts: str = "") -> str:
    """A figure with the words that say what it counts, whose it is, when, and what happened to it: its sentence,
    verbatim, when that has at most FIGURE_SENTENCE_WORDS words ("In 1960, women held 27 percent of the jobs" loses
    its year if cut); else the stretch of its clause around the number, FIGURE_WORDS_BEFORE words before it (more,
    up to the clause's start, where the counted noun stands earlier: "the number of people told to leave ... to
    about 4,800") and FIGURE_WORDS_AFTER after: "40 people" alone does not say whether they were killed, captured or
    rescued. A relative clause ("which paid 34% of the total") takes the whole clause before it, which names whose
    the figure is: four words of it may name the wrong owner. A stretch that opens on a reporting verb, whose
    subject it left out ("said that ...", "told reporters that ..."), starts after its "that": a clause of its own."""
    article = _article(story, reading.article_id)
    text = article.text if article else ""
    if text[reading.start : reading.end] != reading.text:
        return reading.text
    sentence = next((s for s in _sentences(text) if s.start <= reading.start < s.end), None)
    if sentence is not None and len(sentence.text.split()) <= FIGURE_SENTENCE_WORDS:
        return " ".join(sentence.text.split())
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, max(0, reading.start - 300), reading.start)), default=0)
    right = next((m.start() for m in _CLAUSE_BREAK.finditer(text, reading.end)), len(text))
    before = list(_NON_SPACE.finditer(text, left, reading.start))
    after = list(_NON_SPACE.finditer(text, reading.end, right))
    end = after[min(FIGURE_WORDS_AFTER, len(after)) - 1].end() if after else reading.end
    shown = FIGURE_WORDS_BEFORE
    noun = counts.split()[-1].casefold() if counts.split() else ""
    if noun and noun not in text[reading.start : end].casefold():
        where = [i for i, word in enumerate(before) if noun in word.group().casefold()]
        shown = max(shown, len(before) - where[-1]) if where else shown
    start = before[-shown].start() if len(before) >= shown else (before[0].start() if before else reading.start)
    cut = len(before) > shown
    if not cut and _RELATIVE.match(text, start) and text[:start].rstrip().endswith(","):
        comma = len(text[:start].rstrip()) - 1
        opening = sentence.start if sentence else max(0, comma - 300)  # never beyond its own sentence
        breaks = list(_CLAUSE_BREAK.finditer(text, opening, comma))
        start = _NON_SPACE.search(text, breaks[-1].end() if breaks else opening).start()  # type: ignore[union-attr]
        cut = bool(breaks) and not _SENTENCE_END.fullmatch(breaks[-1].group())
    reported = _past_reported_that(text, start, reading.start)
    cut, start = cut or reported != start, reported
    phrase = " ".join(text[start:end].split()).strip(" \"'`")
    return ("…" if cut else "") + phrase + ("…" if len(after) > FIGURE_WORDS_AFTER else "")


def _past_reported_that(text: str, start: int, figure: int) -> int:
    """Where the reported clause starts when the stretch from `start` to the figure opens on a reporting verb and
    holds a "that" ("said on Sunday that", "told reporters that"): the verb's subject is not in the stretch (a cut
    or a clause break came between them: "Halvorsen, chairman of the federation, said that ..."), and the clause
    after "that" reads whole. `start` itself otherwise."""
    words = list(_NON_SPACE.finditer(text, start, figure))
    if not words or lemma(words[0].group().strip("\"'`\u2018\u201c"), "VERB") not in REPORTING_VERBS:
        return start
    that = next((i for i, w in enumerate(words) if i and w.group().casefold() == "that"), None)
    if that is None or any(w.group().casefold() in _DETERMINERS for w in words[1:that]):
        return start  # "said the ship that carried ...": a relative "that", whose noun the stretch needs
    return words[that].end()  # the stretch's words are joined with their spaces trimmed


@lru_cache(maxsize=64)
def _sentences(text: str) -> tuple[Span, ...]:
    """An article's sentences, split once for all its figures in every format of the brief."""
    return tuple(split_sentences(text))


def who(entities: Sequence[StoryEntity], most: int = WHO_SHOWN) -> list[str]:
    """The story's first `most` names of people, organisations and places, each once: who acted and where. A
    nationality, a product, a title or an event ("Israeli", "Java 7", "State of the Union") is none of them, nor
    words set in capitals as a heading (`is_heading`: "DANDELION CROQUETTES")."""
    named = (e.name for e in entities if e.label in PEOPLE | ORGANISATIONS | PLACES and not is_heading(e.name))
    return list(dict.fromkeys(named))[:most]


def shown_quotes(quotes: Sequence[StoryQuote]) -> list[StoryQuote]:
    """The quotes worth a line of the brief: a statement of at least STATEMENT_WORDS words, not a phrase in quote
    marks ("East Africa network", "not too distant future"), which names a term or marks a doubt rather than says
    something; by someone the text names, by name first (a name is capitalised: "people" names no one), then by role
    ("a spokeswoman"). A quote nobody is named for tells the reader nothing a summary sentence would not, and may be
    the writer's own words in quote marks."""
    statements = [q for q in quotes if len(q.text.split()) >= STATEMENT_WORDS]
    named = [q for q in statements if q.speaker and q.speaker[:1].isupper()]
    return named + [q for q in statements if not q.speaker and q.speaker_role]


def headline_url(story: Story) -> str:
    """The safe link of the article the headline came from ('' when it has none): where a reader goes to read on
    about a story the budget lists by headline only."""
    article = _article(story, story.headline_article_id)
    return safe_url(article.url if article else None)


def _article(story: Story, article_id: str) -> Article | None:
    return next((d.article for d in story.articles if d.article.id == article_id), None)


def headline_sentence(story: Story) -> SummarySentence | None:
    """The summary sentence an untitled story's headline was taken from (whole, or shortened with "…"), if any: over
    the story it is given whole, with its source marker, and the summary then starts after it, so the reader reads it
    once and all of it (At a glance keeps the short form)."""
    stem = story.headline.removesuffix("…")
    shortened = bool(stem) and stem != story.headline
    return next((s for s in story.summary if s.text == story.headline or (shortened and s.text.startswith(stem))), None)


def body_sentences(story: Story) -> list[SummarySentence]:
    """The story summary less the sentence that is already its heading (an untitled story's): read once, not twice."""
    heading = headline_sentence(story)
    return [s for s in story.summary if s is not heading]


def skip_tally(skipped: Sequence[Skipped]) -> list[tuple[str, int]]:
    """How many inputs were skipped for each kind of reason, most first: a reason's words before its particulars
    ("not English (German)" and "not English (Portuguese)" are one kind), for a reader facing a long list."""
    kinds = Counter(_reason_kind(s.reason) for s in skipped)
    return kinds.most_common()


def _reason_kind(reason: str) -> str:
    return _REASON_PARTICULARS.split(reason, maxsplit=1)[0].strip()


@dataclass
class SkipGroup:
    """Inputs of one source skipped for one kind of reason: one line of the brief, however many they are (a feed in
    another language is one line, not fifty addresses). `reason` is the one they share, else its kind."""

    source: str
    reason: str
    items: list[Skipped]

    @property
    def count(self) -> int:
        return len(self.items)


def skip_groups(skipped: Sequence[Skipped]) -> list[SkipGroup]:
    """The skipped inputs by source and kind of reason, in the order each group first appears."""
    groups: dict[tuple[str, str], list[Skipped]] = {}
    for item in skipped:
        groups.setdefault((item.source, _reason_kind(item.reason)), []).append(item)
    return [
        SkipGroup(source, items[0].reason if len({i.reason for i in items}) == 1 else kind, items)
        for (source, kind), items in groups.items()
    ]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 article", "2 articles", "1 story", "3 stories": a count a reader reads as English."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def outlets_label(outlets: Sequence[str]) -> str:
    """Who reported a story, for one line: the outlets' names when one or two ("Reuters, AP"), else how many."""
    return ", ".join(outlets) if len(outlets) <= 2 else counted(len(outlets), "outlet")


def timeline_parts(story: Story) -> list[tuple[str, list[TimelineEntry]]]:
    """The story's dated events not already in its summary, one per day: "When" (up to the day of its newest
    report, most recent first) and "Next" (after it: what is scheduled), no sentence under two days.

    A past day is told by the first report published after it, else on it (one written before it could only tell
    the plan: "agreed to meet on Friday" beside "talks ended late on Friday"), a day ahead by the newest report (the
    latest plan); entries of a day come in publication order. An entry is told when the summary has its words (a
    syndicated copy) or a sentence overlapping its span in its article: the summary may have cut a dateline ("CAIRO
    —") off the sentence, or an abstractive sentence retell it."""
    told = {s.text for s in story.summary}
    spans = [(s.article_id, s.start, s.end) for s in story.summary]

    def is_told(ref: SourceRef) -> bool:
        return ref.text in told or any(a == ref.article_id and s < ref.end and ref.start < e for a, s, e in spans)

    by_day: dict[str, list[TimelineEntry]] = {}
    for entry in story.facts.timeline:
        if not is_told(entry.sentence):
            by_day.setdefault(entry.iso, []).append(entry)
    latest = newest_published(story.articles)
    today = latest.date().isoformat() if latest else None
    used: set[tuple[str, int]] = set()  # sentences already under a day: one sentence may name two

    def first_unused(candidates: Iterable[TimelineEntry]) -> TimelineEntry | None:
        chosen = next((e for e in candidates if (e.sentence.article_id, e.sentence.start) not in used), None)
        if chosen is not None:
            used.add((chosen.sentence.article_id, chosen.sentence.start))
        return chosen

    future, past = [], []
    for day, entries in by_day.items():
        if today is not None and day > today and (latest := first_unused(reversed(entries))):
            future.append(latest)
    for day, entries in reversed(by_day.items()):
        by_hindsight = sorted(entries, key=partial(_hindsight, day=day))  # stable: the earliest of a kind first
        if (today is None or day <= today) and (first := first_unused(by_hindsight)):
            past.append(first)
    return [(label, items) for label, items in (("When", past), ("Next", future)) if items]


def _hindsight(entry: TimelineEntry, day: str) -> int:
    """0 for a report published after the day it tells (it knows how the day went), 1 on that day, 2 before it or
    undated (a report from before a day can only tell what was planned for it). The report's own calendar day, as
    its relative dates were read against it."""
    published = entry.sentence.published
    reported = published.date().isoformat() if published else ""
    return 0 if reported > day else 1 if reported == day else 2


def figure_values(number: StoryNumber) -> list[tuple[str, list[Reading]]]:
    """A reconciled figure's distinct values in the order outlets first published them, each with its readings
    (the first reading's words stand for the value: "about 4,200")."""
    values: dict[float | None, list[Reading]] = {}
    undated = datetime.max.replace(tzinfo=UTC)
    for reading in sorted(number.readings, key=lambda r: r.published or undated):
        values.setdefault(reading.value, []).append(reading)
    return [(readings[0].text, readings) for readings in values.values()]


def shown_figures(numbers: Sequence[StoryNumber], story: Story, most: int = FIGURES_SHOWN) -> list[StoryNumber]:
    """The story's first `most` figures with a counted phrase, less any whose words are all already shown: two
    figures of one short sentence ("killed 213 people ... and injured 5,400") show that sentence once, and a figure
    whose words a summary sentence or an earlier figure holds ("killing at least 19 people" inside the summary's
    first sentence) is not told again."""
    shown = [" ".join(s.text.split()) for s in story.summary]
    kept = []
    for number in numbers:
        if len(kept) == most:
            break
        if not number.counts:
            continue
        phrases = {figure_phrase(refs[0], story, number.counts) for _, refs in figure_values(number)}
        if not all(any(_holds(told, phrase.strip("…")) for told in shown) for phrase in phrases):
            kept.append(number)
            shown += phrases
    return kept


def _holds(text: str, words: str) -> bool:
    """Whether `words` stand in `text` as whole words ("12 people" is not in "112 people")."""
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


def figure_note(sentence: SummarySentence, story: Story) -> str:
    """What the reader should know about a figure the summary sentence states: "figure disputed" when outlets give
    other values for it at about the same time (`conflict`, or `differ` with no order), "figure since changed" when
    a later report gives another (`changed`); '' otherwise. The Figures line shows the values with their sources."""
    notes = []
    for number in story.facts.numbers:
        inside = [
            r
            for r in number.readings
            if r.article_id == sentence.article_id and sentence.start <= r.start and r.end <= sentence.end
        ]
        if not inside or number.status == AGREED:
            continue
        if number.status in (CONFLICT, DIFFER):
            notes.append("figure disputed")
        elif inside[0].value != figure_values(number)[-1][1][0].value:
            notes.append("figure since changed")
    return "; ".join(dict.fromkeys(notes))


def source_markers(refs: Iterable[Any], story: Story) -> str:
    """ "1, 3": the numbers, in the story's source list, of the articles that `refs` (anything with an
    `article_id`) come from."""
    numbers = {d.article.id: n for n, d in enumerate(story.articles, 1)}
    return ", ".join(str(n) for n in sorted({numbers[r.article_id] for r in refs if r.article_id in numbers}))


def highlight(text: str, story: Story, escape_text: Callable[[str], str], mark: Callable[[str], str]) -> str:
    """`text` escaped for its format, with the story's watchlist matches wrapped by `mark` (escaped too)."""
    pattern = highlight_pattern(term for match in story.watch for term in match.matched)
    if pattern is None:
        return escape_text(text)
    out, last = [], 0
    for found in pattern.finditer(text):
        out += [escape_text(text[last : found.start()]), mark(escape_text(found.group()))]
        last = found.end()
    out.append(escape_text(text[last:]))
    return "".join(out)


def text_fragment(url: str | None, text: str, words: int = 6) -> str:
    """A link to `url` that scrolls to `text` where browsers support text fragments (`#:~:text=`), else just `url`:
    the reader lands on the sentence the brief quotes. Empty for URLs that `safe_url` refuses."""
    link = safe_url(url)
    if not link or "#" in link:
        return link
    start = " ".join(text.split()[:words])
    return f"{link}#:~:text={quote(start, safe='')}"


@dataclass
class Section:
    """A block of the brief: a watchlist's stories or the day's stories; `seen` holds stories shown earlier."""

    title: str
    stories: list[Story]
    watch: bool
    seen: frozenset[str] = frozenset()


def sections(brief: Brief) -> list[Section]:
    """Watchlist sections first, then the other stories by rank. A story matched by two watchlists is shown in the
    first and referred to in the second (`seen`)."""
    by_id = {s.id: s for s in brief.stories}
    shown: set[str] = set()
    result = []
    for watch in brief.watchlists:
        stories = [by_id[i] for i in watch.story_ids]
        result.append(Section(f"Watch: {watch.name}", stories, True, frozenset(shown)))
        shown.update(watch.story_ids)
    rest = [s for s in brief.stories if s.id not in shown]
    if rest:
        result.append(Section("Stories" if result else "Top stories", rest, False))
    return result


def reading_order(brief: Brief) -> list[Story]:
    """Stories in the order the brief first shows them in full."""
    order: list[Story] = []
    for section in sections(brief):
        order += [s for s in section.stories if s.id not in section.seen and s not in order]
    return order


def markdown_escape(text: str) -> str:
    """Neutralise Markdown and inline HTML in untrusted text so it renders as the words it is."""
    out = []
    for char in str(text).replace("\n", " "):
        if char in "\\`*_[]<>|":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def safe_url(url: str | None) -> str:
    """The URL if it is http(s), with characters that could end a link or an attribute percent-encoded; else ''.

    Feed links are untrusted: a `javascript:` link or a `>` in a URL must not become live markup.
    """
    if not url or urlsplit(url).scheme.lower() not in ("http", "https"):
        return ""
    return quote(url, safe=":/?#@!$&()*+,;=%~-._[]")


def render_markdown(brief: Brief, user_templates: Path | None = None) -> str:
    return _render("brief.md.j2", brief, user_templates)


def render_html(brief: Brief, user_templates: Path | None = None) -> str:
    return _render("brief.html.j2", brief, user_templates)


def _render(name: str, brief: Brief, user_templates: Path | None) -> str:
    return environment(user_templates).get_template(name).render(brief=brief, sections=sections(brief))


def word_total(markdown: str) -> int:
    """Words as `wc -w` counts them in the Markdown brief, link targets included: the budget is honest."""
    return len(markdown.split())


def fit_to_budget(brief: Brief, user_templates: Path | None = None) -> str:
    """The Markdown brief within `brief.max_words`: as many stories in full as fit, in reading order, the rest by
    headline (`Story.in_full = False`), at most MORE_HEADLINES of them; the others are counted and left to
    brief.json (`Story.listed = False`). Stories in full come first: a reader gets the top of the day told, not a
    list of two hundred headlines. Returns that Markdown (the smallest form when even that exceeds the budget)."""
    order = reading_order(brief)
    rest = [s for s in brief.stories if s not in order]

    def render(full: int, listed: int) -> str:
        for rank, story in enumerate(order):
            story.in_full = rank < full
        for rank, story in enumerate([s for s in order if not s.in_full] + rest):
            story.listed = rank < listed
        return render_markdown(brief, user_templates)

    def fits(full: int, listed: int) -> bool:
        return brief.max_words is None or word_total(render(full, listed)) <= brief.max_words

    if fits(len(order), MORE_HEADLINES):
        return render(len(order), MORE_HEADLINES)
    if fits(0, MORE_HEADLINES):
        return render(_most_that_fit(len(order), lambda n: fits(n, MORE_HEADLINES)), MORE_HEADLINES)
    return render(0, _most_that_fit(MORE_HEADLINES, lambda n: fits(0, n)))


MORE_HEADLINES = 25  # stories listed by headline beyond the budget; the rest are counted and left to brief.json


def _most_that_fit(most: int, fits: Callable[[int], bool]) -> int:
    """The largest n in 0..most-1 with fits(n), by bisection (fits(most) is known false; fits is monotone)."""
    low, high = 0, most
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def render_json(brief: Brief) -> str:
    data = to_jsonable(brief)
    data["counts"] = counts(brief)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_text(brief: Brief, user_templates: Path | None = None) -> str:
    """The plain-text brief (the mail's text part), with the stories in full that `render_all` chose."""
    return _render("brief.txt.j2", brief, user_templates)


# Media queries cannot be inlined: they stay in a <style> block, where clients that read one apply them; every other
# rule moves into style attributes, so a client that strips <style> still shows the brief as styled.
_INLINER = css_inline.CSSInliner(keep_at_rules=True, resolve_css_variables=True, load_remote_stylesheets=False)


def mail_html(
    brief: Brief, full_html: str, user_templates: Path | None = None, full_url: str | None = None
) -> tuple[str, bool]:
    """The mail's HTML part, its CSS inlined (css-inline): the full brief when that stays within MAIL_HTML_BYTES,
    else the compact one (as many stories by headline as fit, linking to `full_url`). Also returns whether it is
    the compact one, which the full brief must then go with as an attachment."""
    full = _INLINER.inline(full_html)
    if _mail_size(full) <= MAIL_HTML_BYTES:
        return full, False
    template = environment(user_templates).get_template("brief.compact.html.j2")

    def compact(shown: int) -> str:
        html = template.render(brief=brief, shown=shown, full_url=full_url, one_line_words=ONE_LINE_WORDS)
        return _INLINER.inline(html)

    def fits(shown: int) -> bool:
        return _mail_size(compact(shown)) <= MAIL_HTML_BYTES

    stories = len(brief.stories)
    return compact(stories if fits(stories) else _most_that_fit(stories, fits)), True


def _mail_size(html: str) -> int:
    """Bytes of `html` as a mail carries it: UTF-8, each line ending in CRLF."""
    return len(html.encode()) + html.count("\n")


def counts(brief: Brief) -> dict[str, int]:
    return {
        "articles": len(brief.articles),
        "stories": len(brief.stories),
        "sources": len(brief.sources),
        "skipped": len(brief.skipped),
    }


def render_all(brief: Brief, user_templates: Path | None = None) -> dict[str, str]:
    """File name -> content for every output of a brief; the word budget decides which stories are shown in full."""
    markdown = fit_to_budget(brief, user_templates)
    return {
        "brief.md": markdown,
        "brief.html": render_html(brief, user_templates),
        "brief.json": render_json(brief),
    }
