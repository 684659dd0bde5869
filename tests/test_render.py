"""Rendering: untrusted article text stays text, links are only http(s), user templates override bundled ones."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone

from newsbrief.records import (
    DATE_FROM_FILE_TIME,
    DATE_ONLY,
    OPINION,
    SNIPPET_ONLY,
    Article,
    ArticleDigest,
    Brief,
    Entity,
    Facts,
    Mention,
    Quote,
    Reading,
    Skipped,
    SourceRef,
    Story,
    StoryEntity,
    StoryFacts,
    StoryNumber,
    StoryQuote,
    Summary,
    SummarySentence,
)
from newsbrief.render import (
    body_sentences,
    figure_note,
    figure_phrase,
    headline_sentence,
    newest,
    ref_time,
    render_all,
    render_html,
    render_markdown,
    render_text,
    safe_url,
    shown_figures,
    shown_quotes,
    when,
    who,
)

EVIL = 'Officials said <script>alert("x")</script> the [vote](javascript:alert(1)) passed.'


def make_brief(url: str = "javascript:alert(1)") -> Brief:
    text = "Mayor Ines Calloway opened the bridge. " + EVIL
    article = Article(
        id="a1",
        url=url,
        source="Harbour <b>Times</b>",
        title="Bridge <img src=x onerror=alert(1)>",
        text=text,
        published=datetime(2026, 11, 27, 8, 30, tzinfo=UTC),
    )
    start = text.index(EVIL)
    sentences = [SummarySentence(text=EVIL, start=start, end=start + len(EVIL), article_id="a1")]
    quote_text = "Mayor Ines Calloway opened the bridge"
    facts = Facts(
        article_id="a1",
        entities=[Entity(name="Ines Calloway", label="PERSON", mentions=[Mention("Ines Calloway", 6, 19, "PERSON")])],
        quotes=[
            Quote(
                text=quote_text,
                start=text.index(quote_text),
                end=text.index(quote_text) + len(quote_text),
                speaker="Ines Calloway",
            )
        ],
    )
    digest = ArticleDigest(article=article, summary=Summary("a1", "centrality", sentences), facts=facts)
    quoted = SourceRef(quote_text, text.index(quote_text), text.index(quote_text) + len(quote_text), article_id="a1")
    story_facts = StoryFacts(
        entities=[StoryEntity("Ines Calloway", "PERSON", 1, 1, [article.source])],
        quotes=[StoryQuote(quote_text, "Ines Calloway", None, "direct", [quoted])],
    )
    return Brief(
        date=date(2026, 11, 28),
        generated_at=datetime(2026, 11, 28, 6, 0, tzinfo=UTC),
        stories=[Story(id="a1", headline=article.title, articles=[digest], summary=sentences, facts=story_facts)],
        skipped=[Skipped(source="feed <x>", reason="feed did not parse <oops>", url="http://x.test/feed")],
    )


def test_html_escapes_untrusted_text_and_drops_unsafe_links() -> None:
    html = render_html(make_brief())
    assert "<script>" not in html and "<img" not in html and "<b>Times" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "feed did not parse &lt;oops&gt;" in html
    assert "Skipped (1)" in html


def test_html_links_http_urls_and_shows_facts() -> None:
    html = render_html(make_brief(url="https://harbour.example/bridge?a=1&b=2"))
    assert 'href="https://harbour.example/bridge?a=1&amp;b=2"' in html
    assert "Ines Calloway" in html and "the bridge" in html
    assert '<meta name="viewport"' in html and "<style>" in html  # self-contained and phone-readable


def test_markdown_neutralises_markup() -> None:
    md = render_markdown(make_brief())
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\[vote\\](javascript" in md  # escaped brackets: no live link
    assert "<javascript" not in md
    assert "# Daily brief — 2026-11-28" in md
    assert "1 article · 1 story · 1 outlet · 1 skipped" in md


def test_safe_url() -> None:
    assert safe_url('https://a.example/x y">') == "https://a.example/x%20y%22%3E"
    assert safe_url("JavaScript:alert(1)") == ""
    assert safe_url("ftp://a.example/") == ""
    assert safe_url(None) == ""


def test_json_round_trips_with_offsets() -> None:
    data = json.loads(render_all(make_brief())["brief.json"])
    assert data["counts"] == {"articles": 1, "stories": 1, "sources": 1, "skipped": 1}
    article = data["stories"][0]["articles"][0]
    text = article["article"]["text"]
    for sentence in article["summary"]["sentences"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
    assert data["date"] == "2026-11-28"
    assert data["stories"][0]["sources"] == ["Harbour <b>Times</b>"]
    [entity] = article["facts"]["entities"]
    assert (entity["name"], entity["count"]) == ("Ines Calloway", 1)


def test_user_templates_override_bundled_ones(tmp_path) -> None:
    (tmp_path / "brief.md.j2").write_text("Custom brief for {{ brief.date.isoformat() }}\n")
    rendered = render_all(make_brief(), tmp_path)
    assert rendered["brief.md"] == "Custom brief for 2026-11-28\n"
    assert "<!DOCTYPE html>" in rendered["brief.html"]  # not overridden: the bundled one


def test_a_story_beyond_the_budget_links_its_headline_to_the_article_it_came_from() -> None:
    for url, linked in [("https://harbour.example/bridge", True), ("javascript:alert(1)", False)]:
        brief = make_brief(url=url)
        [story] = brief.stories
        story.in_full, story.headline_article_id = False, "a1"
        markdown, html = render_markdown(brief), render_html(brief)
        assert "## More stories (1)" in markdown
        assert ("](<https://harbour.example/bridge>) — Harbour" in markdown) is linked
        assert ('<a href="https://harbour.example/bridge">Bridge' in html) is linked
        assert "javascript" not in markdown.split("## More stories")[1] and 'href="javascript' not in html


def test_at_a_glance_names_the_outlet_as_text() -> None:
    markdown = render_markdown(make_brief())
    glance = markdown.split("## At a glance")[1].split("##")[0]
    assert "— Harbour \\<b\\>Times\\</b\\>" in glance and "1 outlet" not in glance


def test_a_long_skipped_list_opens_with_a_tally_by_reason() -> None:
    brief = make_brief()
    brief.skipped = [Skipped(f"feed-{n}", "not English (German)") for n in range(8)]
    brief.skipped += [Skipped(f"page-{n}", f"page could not be fetched: network error {n}") for n in range(5)]
    markdown, html = render_markdown(brief), render_html(brief)
    assert "_By reason: not English 8 · page could not be fetched 5_" in markdown
    assert "By reason: not English&nbsp;8 · page could not be fetched&nbsp;5" in html
    brief.skipped = brief.skipped[:3]
    assert "By reason" not in render_markdown(brief)  # a short list speaks for itself


def test_a_figure_is_shown_with_its_sentence_or_its_clause_verbatim() -> None:
    text = (
        "Rebels said on Sunday that their fighters had captured 40 government soldiers near the airport at Kindu "
        "after two days of heavy fighting in the hills, a spokesman for the movement said. The town has 9,000 people. "
        "The new order, issued by the agency late on Thursday evening, brings the number of people told to leave "
        "their homes since Wednesday night to about 4,800. Fishers lost an estimated 11,500 crowns. In 1960, women "
        "held 27 percent of the jobs in computing. The largest single contribution to the mission came from the host "
        "nation of the Kestrel Point spaceport, which paid 34% of the total cost of building and launching it."
    )
    article = Article(id="k", url=None, source="Wire", title="Kindu", text=text)
    story = Story(id="s", headline="Kindu", articles=[ArticleDigest(article, Summary("k", "none", []), Facts("k"))])

    def phrase(figure: str, counts: str = "") -> str:
        start = text.index(figure)
        return figure_phrase(Reading(figure, start, start + len(figure), article_id="k"), story, counts)

    # a short sentence whole: its subject and its time stay with the figure
    assert phrase("9,000") == "The town has 9,000 people."
    assert phrase("11,500") == "Fishers lost an estimated 11,500 crowns."
    assert phrase("27 percent") == "In 1960, women held 27 percent of the jobs in computing."
    # a long one: the clause around the figure, reaching back to its counted noun, or, for a relative clause, to
    # the whole clause that names whose the figure is
    assert phrase("40") == "…their fighters had captured 40 government soldiers near the airport at Kindu…"
    assert phrase("about 4,800", "people") == "…people told to leave their homes since Wednesday night to about 4,800"
    assert phrase("34%") == (
        "The largest single contribution to the mission came from the host nation of the Kestrel Point spaceport, "
        "which paid 34% of the total cost of building and…"
    )
    assert all(p.strip("…") in " ".join(text.split()) for p in (phrase("40"), phrase("34%")))
    # a relative clause whose sentence has no clause break before it starts at its sentence, not the article's start
    long_sentence = (
        "Fishers say the largest single contribution to the fund for the families of the crew came from the harbour "
        "board of Lindmoor, which paid 34% of the total cost of the search and the memorial."
    )
    text = "The harbour reopened on Monday. " + long_sentence
    article.text = text
    assert phrase("34%").startswith("Fishers say the largest")


def test_a_phrase_in_quote_marks_or_a_quote_nobody_is_named_for_is_not_shown_as_said() -> None:
    ref = SourceRef("x", 0, 1, article_id="a1")
    scare = StoryQuote("East Harbour network", "Ines Calloway", None, "direct", [ref])
    unnamed = StoryQuote("We will open the bridge on Monday", None, None, "direct", [ref])
    statement = StoryQuote("The bridge will carry trams by spring", "Ines Calloway", None, "direct", [ref])
    by_role = StoryQuote("The ferry will run every hour from May", None, "a spokeswoman", "direct", [ref])
    assert shown_quotes([scare, unnamed, by_role, statement]) == [statement, by_role]
    generic = StoryQuote("they deserve whatever they get from the company", "people", None, "reported", [ref])
    assert shown_quotes([generic, statement]) == [statement]  # "people" names no one


def test_a_story_dated_only_by_its_files_time_shows_no_time() -> None:
    brief = make_brief()
    assert "2026-11-27 08:30" in render_markdown(brief)
    brief.stories[0].articles[0].article.flags.append(DATE_FROM_FILE_TIME)
    markdown = render_markdown(brief)
    assert "2026-11-27 08:30" not in markdown and "(file date)" in markdown


def test_a_titled_story_keeps_its_summary_whole_under_its_title() -> None:
    brief = make_brief()
    [story] = brief.stories
    story.headline = "Officials said"  # a real title that a summary sentence happens to start with
    assert [s.text for s in body_sentences(story)] == [EVIL] and headline_sentence(story) is None


def test_an_untitled_storys_shortened_headline_is_given_whole_over_it_once_with_its_marker() -> None:
    brief = make_brief()
    [story] = brief.stories
    story.headline = "Officials said <script>…"  # shortened from its only summary sentence
    markdown = render_markdown(brief)
    block = markdown.split("## Top stories")[1]
    assert block.count("Officials said") == 1 and "[1]\n_**New**" in block
    assert "— Harbour" in markdown.split("## At a glance")[1].split("##")[0]  # the glance keeps the short form


def test_a_snippet_only_source_is_marked_in_every_format() -> None:
    brief = make_brief(url="https://harbour.example/bridge")
    brief.stories[0].articles[0].article.flags.append(SNIPPET_ONLY)
    sources = [
        render_markdown(brief).split("Sources: ")[1].split("\n")[0],
        render_html(brief).split('<p class="sources">')[1].split("</p>")[0],
        render_text(brief).split("Sources:\n")[1].split("\n")[0],
    ]
    assert all("(snippet only)" in line for line in sources), sources
    brief.stories[0].in_full = False  # listed by headline only: the line says it
    assert "Harbour \\<b\\>Times\\</b\\> (snippet only) (`a1`)" in render_markdown(brief)
    assert "— Harbour &lt;b&gt;Times&lt;/b&gt; (snippet only)</span></li>" in render_html(brief)
    assert "— Harbour <b>Times</b> (snippet only)\n\nSKIPPED" in render_text(brief)


def test_a_story_of_opinion_pieces_says_so_wherever_its_headline_stands_alone() -> None:
    brief = make_brief(url="https://harbour.example/opinion/bridge")
    brief.stories[0].articles[0].article.flags.append(OPINION)
    brief.glance = 1
    glance = render_markdown(brief).split("## At a glance")[1].split("##")[0]
    assert "— Harbour \\<b\\>Times\\</b\\> (opinion)" in glance
    brief.stories[0].in_full = False
    assert "Harbour \\<b\\>Times\\</b\\> (opinion) (`a1`)" in render_markdown(brief)
    assert "(opinion)</span></li>" in render_html(brief) and "(opinion)\n\nSKIPPED" in render_text(brief)


def test_a_day_only_date_is_shown_without_a_time() -> None:
    brief = make_brief()
    [story] = brief.stories
    article = story.articles[0].article
    article.published = datetime(2026, 11, 27, tzinfo=UTC)
    assert "· 2026-11-27 00:00 UTC_" in render_markdown(brief)
    article.flags.append(DATE_ONLY)
    markdown, html = render_markdown(brief), render_html(brief)
    assert "00:00" not in markdown.split("generated")[1] and "· 2026-11-27_" in markdown
    assert '<time datetime="2026-11-27">2026-11-27</time>' in html
    # a reading carries its article's day-only date with it: it may come from an earlier brief's article
    reading = Reading("40", 0, 2, article_id="gone", published=article.published, date_only=True)
    assert ref_time(reading) == "27 Nov"
    article.flags.remove(DATE_ONLY)
    reading.date_only = False
    assert ref_time(reading) == "27 Nov 00:00"
    assert (when(article), newest(story)) == ("2026-11-27 00:00 UTC", article)
    article.published = datetime(2026, 11, 27, 10, 15, tzinfo=timezone(timedelta(hours=-4)))  # a page's own offset
    reading.published = article.published
    assert (when(article), ref_time(reading)) == ("2026-11-27 14:15 UTC", "27 Nov 14:15")


def test_skipped_items_of_one_source_for_one_reason_are_one_line() -> None:
    brief = make_brief()
    feed = "https://avisos.example/rss"
    brief.skipped = [
        Skipped(feed, "not English (Portuguese)", f"https://avisos.example/{n}", f"Aviso {n}") for n in range(12)
    ]
    brief.skipped += [
        Skipped(feed, f"page could not be fetched: error {n}", f"https://avisos.example/p{n}") for n in range(2)
    ]
    brief.skipped += [Skipped("notes.txt", "too little text to use (3 words)")]
    markdown, html, text = render_markdown(brief), render_html(brief), render_text(brief)
    listed = markdown.split("## Skipped (15)")[1].split("\n\n")[1].splitlines()
    assert listed == [
        "- 12 items of <https://avisos.example/rss>: not English (Portuguese)",
        "- 2 items of <https://avisos.example/rss>: page could not be fetched",
        "- notes.txt: too little text to use (3 words)",
    ]
    assert '<li>12 items of <a href="https://avisos.example/rss">https://avisos.example/rss</a>: not English' in html
    assert "- 12 items of https://avisos.example/rss: not English (Portuguese)" in text
    assert "Aviso" not in markdown and "more, listed" not in markdown
    brief.skipped = [Skipped(f"feed-{n}", "feed could not be parsed") for n in range(13)]
    assert "- … and 3 more, listed with their reasons in brief.json" in render_markdown(brief)


def test_a_summary_sentence_says_when_its_figure_is_disputed_or_has_since_changed() -> None:
    """A summary states one outlet's figure; when another outlet gives another at about the same time, or a later
    report moves it, the reader learns so where the figure is read, not only in the Figures line."""
    brief = make_brief()
    [story] = brief.stories
    [sentence] = story.summary
    text = "Crews rescued 40 people from the harbour."
    sentence.text, sentence.start, sentence.end = text, 0, len(text)
    story.articles[0].article.text = text
    at = text.index("40")

    def reading(value: float, article_id: str, hour: int) -> Reading:
        published = datetime(2026, 11, 27, hour, tzinfo=UTC)
        return Reading("40", at, at + 2, article_id=article_id, source="x", published=published, value=value)

    cases = {
        "conflict": ([reading(40, "a1", 8), reading(55, "b2", 8)], "figure disputed"),
        "changed": ([reading(40, "a1", 8), reading(55, "b2", 14)], "figure since changed"),
        "agreed": ([reading(40, "a1", 8), reading(40, "b2", 9)], ""),
    }
    for status, (readings, note) in cases.items():
        story.facts.numbers = [StoryNumber("people", "CARDINAL", status, readings)]
        assert figure_note(sentence, story) == note
    story.facts.numbers = [StoryNumber("people", "CARDINAL", "changed", [reading(55, "b2", 6), reading(40, "a1", 8)])]
    assert figure_note(sentence, story) == ""  # the sentence gives the latest value
    story.facts.numbers = [StoryNumber("people", "CARDINAL", "conflict", cases["conflict"][0])]
    assert "(figure disputed)" in render_markdown(brief) and "(figure disputed)" in render_html(brief)
    assert "(figure disputed)" in render_text(brief)


def test_two_figures_of_one_short_sentence_show_it_once() -> None:
    text = "The blast at the harbour depot killed 13 people and injured 240. Divers searched 40 wrecks on Monday."
    article = Article(id="k", url=None, source="Wire", title="Depot", text=text)
    story = Story(id="s", headline="Depot", articles=[ArticleDigest(article, Summary("k", "none", []), Facts("k"))])

    def number(figure: str, counts: str) -> StoryNumber:
        at = re.search(rf"\b{figure}\b", text).start()  # type: ignore[union-attr]
        return StoryNumber(counts, "CARDINAL", "agreed", [Reading(figure, at, at + len(figure), article_id="k")])

    killed, injured, wrecks = number("13", "people"), number("240", "injured"), number("40", "wrecks")
    assert shown_figures([killed, injured, wrecks], story) == [killed, wrecks]
    assert shown_figures([killed, injured, wrecks], story, most=1) == [killed]
    told = "Divers searched 40 wrecks on Monday."
    story.summary = [SummarySentence(told, text.index(told), len(text), article_id="k")]
    assert shown_figures([killed, injured, wrecks], story) == [killed]  # the summary tells the wrecks already


def test_a_figure_whose_words_a_summary_sentence_holds_is_not_told_again() -> None:
    lead = (
        "Gunmen stormed the ferry terminal at Orrin on Wednesday afternoon after a long siege by the harbour police, "
        "killing at least 19 people, including 17 foreigners, in the worst attack on the island for a decade."
    )
    text = f"{lead} About 50 other people were wounded, the island's hospital said on Thursday."
    article = Article(id="t", url=None, source="Wire", title="Terminal attack", text=text)
    story = Story(id="s", headline="Attack", articles=[ArticleDigest(article, Summary("t", "none", []), Facts("t"))])

    def number(figure: str, counts: str) -> StoryNumber:
        at = text.index(figure)
        return StoryNumber(counts, "CARDINAL", "agreed", [Reading(figure, at, at + len(figure), article_id="t")])

    killed, foreigners, wounded = number("19", "people"), number("17", "foreigners"), number("50", "people")
    assert shown_figures([killed, foreigners, wounded], story) == [killed, foreigners, wounded]
    story.summary = [SummarySentence(lead, 0, len(lead), article_id="t")]
    assert shown_figures([killed, foreigners, wounded], story) == [wounded]
    story.summary = [SummarySentence("An earlier raid had wounded 150 people.", 0, 10, article_id="x")]
    assert shown_figures([wounded], story) == [wounded]  # "50 other people" is not in "150 people": whole words


def test_who_names_people_organisations_and_places_once() -> None:
    def entity(name: str, label: str) -> StoryEntity:
        return StoryEntity(name, label, 1, 1, ["Wire"])

    entities = [
        entity("Ines Calloway", "PERSON"),
        entity("Israeli", "NORP"),
        entity("Harbour Phone 7", "MISC"),
        entity("Lindmoor Harbour Board", "ORG"),
        entity("Ines Calloway", "PERSON"),
        entity("Regatta Week", "EVENT"),
        entity("Lindmoor", "GPE"),
        entity("North Pier", "FAC"),
        entity("Merrow", "LOC"),
    ]
    entities.insert(1, entity("DANDELION CROQUETTES", "ORG"))  # a heading in capitals, not a name
    assert who(entities) == ["Ines Calloway", "Lindmoor Harbour Board", "Lindmoor", "North Pier"]
    assert who([entity("UNICEF", "ORG"), entity("U.S.", "GPE")]) == ["UNICEF", "U.S."]  # acronyms
    assert "**Who:** Ines Calloway" in render_markdown(make_brief())


def test_each_story_has_its_own_line_at_a_glance_and_among_more_stories() -> None:
    brief = make_brief(url="https://harbour.example/bridge")
    [story] = brief.stories
    second = dataclasses.replace(story, id="a2", headline="Ferry timetable changes")
    brief.stories, brief.glance = [story, second], 2
    glance = [line for line in render_markdown(brief).split("## At a glance")[1].split("##")[0].splitlines() if line]
    assert len(glance) == 2 and glance[1].startswith("- Ferry timetable changes — ")
    text_glance = render_text(brief).split("AT A GLANCE")[1].split("\n\n")[0].strip().splitlines()
    assert len(text_glance) == 2
    for listed in brief.stories:
        listed.in_full = False
    more = render_text(brief).split("MORE STORIES")[1].split("SKIPPED")[0]
    assert [line for line in more.splitlines() if line.startswith("- ")] == [
        "- Bridge <img src=x onerror=alert(1)> — Harbour <b>Times</b>",
        "- Ferry timetable changes — Harbour <b>Times</b>",
    ]
