"""Story grouping and near-duplicates on invented articles, with the real MiniLM encoder."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest
from typer.testing import CliRunner

from newsbrief.cli import app
from newsbrief.records import DATE_FROM_FILE_TIME, SOURCE_FROM_LOCATION, UNTITLED, Article
from newsbrief.stories.grouping import (
    GroupingOptions,
    _shared_neighbours,
    capitalised_runs,
    group_articles,
    near_duplicates,
    story_features,
)

DAY = datetime(2031, 3, 4, 9, 0)

FLOOD_NORTH = (
    "Floodwater broke through the Karst Ridge dam above Vellmar early on Tuesday, forcing 3,000 residents from "
    "their homes. Engineer Tomas Brevik said the spillway gave way after four days of heavy rain. Rescue boats "
    "from the Orlen Valley Fire Service carried elderly people from flooded streets. The regional governor, "
    "Ilse Marrow, declared an emergency and opened schools as shelters."
)
FLOOD_SOUTH = (
    "Thousands of people fled their homes in Vellmar after the Karst Ridge dam failed on Tuesday morning. "
    "Days of torrential rain had swollen the reservoir until the spillway collapsed, according to engineer "
    "Tomas Brevik. Governor Ilse Marrow declared a state of emergency, and fire crews from the Orlen Valley used "
    "boats to reach stranded families. Schools across the district are serving as emergency shelters."
)
FLOOD_UPDATE_LINE = " By evening the water had begun to fall, and officials said no one had died."
CHESS = (
    "Vellmar hosted the final of the Northern Chess Open on Sunday, where grandmaster Pia Oskarsen defeated "
    "Lev Danner in a tense endgame. Oskarsen sacrificed a bishop on move 31 to open the king's file. The prize "
    "of 20,000 crowns is the largest in the tournament's history. Danner said he had missed the rook lift."
)
PROBE = (
    "The Orlanth space probe sent its first images of the icy moon Sephine on Monday. Mission scientists at the "
    "Tarrow Observatory said the pictures show long cracks in the surface ice. The probe launched six years ago "
    "and will fly past the moon twice more. Its camera was built by a team of students."
)


def article(
    identifier: str, text: str, title: str = "", published: datetime | None = None, source: str = ""
) -> Article:
    return Article(id=identifier, url=None, source=source or identifier, title=title, text=text, published=published)


@pytest.fixture(scope="module")
def day() -> list[Article]:
    return [
        article("north", FLOOD_NORTH, "Dam bursts above Vellmar", DAY),
        article("chess", CHESS, "Oskarsen wins Northern Chess Open", DAY - timedelta(days=1)),
        article("south", FLOOD_SOUTH, "Thousands flee as Karst Ridge dam fails", DAY + timedelta(hours=2)),
        article("probe", PROBE, "Orlanth probe sends first images of Sephine", DAY),
        article("wire-copy", FLOOD_NORTH, "Dam bursts above Vellmar", DAY + timedelta(hours=1), "Coast Daily"),
        article("south-updated", FLOOD_SOUTH + FLOOD_UPDATE_LINE, "", DAY + timedelta(hours=6), "south"),
    ]


def test_two_outlets_copies_and_updates_form_one_story_and_other_stories_stay_apart(day: list[Article]) -> None:
    assert group_articles(day) == [[0, 2, 4, 5], [1], [3]]


def test_caller_entities_give_the_same_stories(day: list[Article]) -> None:
    entities = [
        {"Vellmar", "Karst Ridge", "Tomas Brevik", "Ilse Marrow", "Orlen Valley"},
        {"Vellmar", "Northern Chess Open", "Pia Oskarsen", "Lev Danner"},
        {"Vellmar", "Karst Ridge", "Tomas Brevik", "Ilse Marrow", "Orlen Valley"},
        {"Orlanth", "Sephine", "Tarrow Observatory"},
        {"Vellmar", "Karst Ridge", "Tomas Brevik", "Ilse Marrow", "Orlen Valley"},
        {"Vellmar", "Karst Ridge", "Tomas Brevik", "Ilse Marrow", "Orlen Valley"},
    ]
    assert group_articles(day, entities=entities) == [[0, 2, 4, 5], [1], [3]]


def test_stories_sharing_only_one_entity_stay_apart() -> None:
    pair = [article("flood", FLOOD_NORTH), article("chess", CHESS)]
    assert group_articles(pair) == [[0], [1]]
    assert group_articles(pair, entities=[{"Vellmar", "Tomas Brevik"}, {"Vellmar", "Pia Oskarsen"}]) == [[0], [1]]


def test_two_forms_of_one_name_count_as_one_shared_name() -> None:
    pair = [article("flood", FLOOD_NORTH), article("chess", CHESS)]
    ends = np.array([0]), np.array([1])

    def similarity(names: set[str]) -> float:
        return float(story_features(pair, [names, names]).similarity(*ends)[0, 0])

    one = similarity({"Vellmar"})
    assert similarity({"Vellmar", "Vellmarians"}) == pytest.approx(one)
    assert similarity({"Vellmar", "Vellmar's"}) == pytest.approx(one)
    assert similarity({"Vellmar", "Tomas Brevik"}) > one + 0.3


def test_near_duplicates_map_copies_to_the_original_or_the_update(day: list[Article]) -> None:
    # the wire copy repeats the original word for word: the earlier stands; the update adds a sentence: it stands
    assert near_duplicates(day) == {4: 0, 2: 5}


def test_syndicated_copies_point_to_the_earliest_published() -> None:
    copies = [
        article("late", FLOOD_NORTH, published=DAY + timedelta(hours=3)),
        article("undated", FLOOD_NORTH),
        article("first", FLOOD_NORTH, published=DAY),
        article("retitled", FLOOD_NORTH, "Dam bursts", published=DAY + timedelta(hours=1)),
    ]
    assert near_duplicates(copies) == {0: 2, 1: 2, 3: 2}


def test_differing_versions_point_to_the_fullest_then_the_latest() -> None:
    corrected = FLOOD_NORTH.replace("opened schools as shelters", "opened two sports halls as shelters for families")
    versions = [
        article("first", FLOOD_NORTH, published=DAY),
        article("corrected", corrected, published=DAY + timedelta(hours=2)),
        article("extended", FLOOD_NORTH + FLOOD_UPDATE_LINE + FLOOD_UPDATE_LINE, published=DAY + timedelta(hours=1)),
    ]
    assert near_duplicates(versions[:2]) == {0: 1}  # about as full: the later correction supersedes
    assert near_duplicates(versions) == {0: 2, 1: 2}  # one version is much fuller: it stands, though not the latest


def test_reworded_coverage_is_not_a_copy() -> None:
    assert near_duplicates([article("north", FLOOD_NORTH), article("south", FLOOD_SOUTH)]) == {}


def test_articles_without_titles_or_dates() -> None:
    bare = [article("a", FLOOD_NORTH), article("b", PROBE), article("c", FLOOD_SOUTH)]
    assert group_articles(bare) == [[0, 2], [1]]


def test_zero_one_and_identical_articles() -> None:
    assert group_articles([]) == []
    assert near_duplicates([]) == {}
    assert group_articles([article("only", PROBE)]) == [[0]]
    same = [article(f"copy-{i}", PROBE) for i in range(40)]
    assert group_articles(same) == [list(range(40))]
    assert near_duplicates(same) == {i: 0 for i in range(1, 40)}


def test_articles_without_words_stand_alone() -> None:
    # no text is no evidence of a story: blank articles join neither each other nor a story
    assert group_articles([article("a", ""), article("b", " ")]) == [[0], [1]]
    assert group_articles([article("a", FLOOD_NORTH), article("b", ""), article("c", FLOOD_SOUTH)]) == [[0, 2], [1]]


def test_shared_neighbours_weigh_pairs_by_common_related_neighbours() -> None:
    # articles 0-2 list each other; 3 lists 0 but 0 does not list 3; 4's only neighbour is unrelated
    neighbours = np.array([[1, 2], [0, 2], [0, 1], [0, 1], [0, 1]])
    related = np.array([[True, True], [True, True], [True, True], [True, True], [False, False]])
    shared = _shared_neighbours(neighbours, related, size=2).toarray()
    assert shared[0, 1] == pytest.approx(1.0)  # {0, 1, 2} both
    assert shared[0, 3] == pytest.approx(2 / 3)  # {0, 1} of {0, 1, 2} and {3, 0, 1}
    assert shared[0, 4] == pytest.approx(0.0)  # 4 lists only itself
    assert shared[4, 4] == pytest.approx(1 / 3)


def test_similarity_decays_with_days_between_publications() -> None:
    options = GroupingOptions()
    close = story_features([article("a", FLOOD_NORTH, published=DAY), article("b", FLOOD_SOUTH, published=DAY)])
    apart = story_features(
        [article("a", FLOOD_NORTH, published=DAY), article("b", FLOOD_SOUTH, published=DAY + timedelta(days=7))]
    )
    pair = np.array([0]), np.array([1])
    decayed = apart.similarity(*pair, options.half_life_days)[0, 0]
    assert decayed == pytest.approx(close.similarity(*pair, options.half_life_days)[0, 0] / 4, rel=1e-4)


def test_capitalised_runs_keep_names_and_drop_sentence_starts() -> None:
    runs = capitalised_runs("The Bank of Vellmar lent money. But Ilse Marrow said no.")
    assert runs == ["bank of vellmar", "ilse marrow"]


def test_weekdays_and_months_are_not_names() -> None:
    assert capitalised_runs("On Friday the Harbour Board met. In March Tavey voted. Sept. saw rain.") == [
        "harbour board",
        "tavey",
    ]


PORT_STRIKE = [
    "Dockers at the port of Marlport stayed on strike on Friday as the Marlport Dock Union rejected a pay offer "
    "from the harbour board. Forty ships waited at anchor off the harbour and ferries were delayed.",
    "The Marlport Dock Union said on Friday its members would not return to the quays until the harbour board "
    "improved its offer. Ships queued outside the port for a fourth day and freight was diverted.",
    "Talks between the Marlport Dock Union and the port's harbour board broke up on Friday without a deal, leaving "
    "ships waiting at anchor. Union leader Ada Quill said members were ready to stay out until Monday.",
]
FERRY = (
    "Ferry sailings between Orrin and the island of Tavey resumed on Friday after repairs to the harbour quay. "
    "The first ferry left the harbour with 140 passengers, and islanders said timetables return on Monday."
)


def test_an_article_naming_nothing_the_story_names_is_a_story_of_its_own() -> None:
    articles = [Article(id=str(i), url=None, source="", title="", text=t) for i, t in enumerate([*PORT_STRIKE, FERRY])]
    assert group_articles(articles) == [[0, 1, 2], [3]]


def test_cluster_command_reads_dates_and_writes_stories(tmp_path) -> None:
    rows = [
        {"id": "n", "text": FLOOD_NORTH, "title": "Dam bursts", "published": "2031-03-04"},
        {"id": "p", "text": PROBE, "published": "2031-03-04T08:00:00+00:00"},
        {"id": "s", "text": FLOOD_SOUTH},
    ]
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["cluster", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    story = {row["id"]: row["story"] for row in map(json.loads, target.read_text().splitlines())}
    assert story["n"] == story["s"] != story["p"]


def test_a_copy_dated_by_its_files_time_is_not_the_first_and_a_copy_with_its_metadata_beats_an_extract() -> None:
    guessed = article("extract", FLOOD_NORTH, published=DAY - timedelta(days=3))
    guessed.flags.append(DATE_FROM_FILE_TIME)  # mtime of a saved extract: a guess, however early
    page = article("page", FLOOD_NORTH, "Dam bursts above Northbrook", published=DAY)
    assert near_duplicates([guessed, page]) == {0: 1}
    undated_extract = article("extract", FLOOD_NORTH)
    undated_extract.flags.append(UNTITLED)
    undated_page = article("page", FLOOD_NORTH, "Dam bursts above Northbrook")
    assert near_duplicates([undated_extract, undated_page]) == {0: 1}
    saved = article("expected", FLOOD_NORTH, "Dam bursts above Northbrook")
    saved.flags.append(SOURCE_FROM_LOCATION)  # named after its file: the outlet's own name was lost
    assert near_duplicates([saved, undated_page]) == {0: 1}
    saved_update = article("expected", FLOOD_NORTH + " Two roads reopened.", "Dam bursts above Northbrook")
    saved_update.flags.append(SOURCE_FROM_LOCATION)  # a few words fuller, but without its outlet's name
    assert near_duplicates([saved_update, undated_page]) == {0: 1}


MATCH_LIVE = (
    "Live: Harlow Rovers against Dunmere City in the league, as the transfer window nears its close. Rovers lead 1-0 "
    "at half-time through a header from Tomo Ekwe after a corner. City have had more of the ball but few chances, "
    "and their manager has made a substitution. Kick-off was delayed by ten minutes because of heavy rain on the pitch."
)
DEADLINE_DAY = (
    "Transfer deadline day: Castlebrook sign winger Luis Padra for 20 million, while Westford complete a loan deal "
    "for defender Ivo Strand. Follow every signing as clubs race to finish business before the window closes at "
    "11pm. Agents say more late deals are expected across the division tonight. Harlow Rovers are said to be "
    "chasing a striker."
)
SOUP = (
    "To make a simple lentil soup, soften an onion and two carrots in olive oil, add red lentils, cumin and stock, "
    "and simmer for twenty minutes. Blend half of the soup for a creamy texture and finish with lemon juice."
)
BULBS = (
    "Autumn is the time to plant tulip bulbs: choose a sunny spot with well-drained soil, set the bulbs twice their "
    "own depth, pointed end up, and water them once. A layer of mulch protects them from hard frost."
)


def test_on_a_sparse_day_lone_articles_sharing_a_topic_stay_apart_and_two_reports_still_merge() -> None:
    # every article has at most one related neighbour: the scale floor and a two-article neighbour share alone
    # lifted the football pair (one league, one club name in common) into one story
    texts = [MATCH_LIVE, DEADLINE_DAY, FLOOD_NORTH, FLOOD_SOUTH, CHESS, PROBE, FERRY, SOUP, BULBS]
    sparse = [article(str(i), text, published=DAY) for i, text in enumerate(texts)]
    stories = [[0], [1], [2, 3], [4], [5], [6], [7], [8]]
    assert group_articles(sparse) == stories
    assert group_articles(sparse, GroupingOptions(lone_similarity=0.0)) == [[0, 1], *stories[2:]]


def test_on_a_tiny_day_a_shared_topic_is_no_story_and_one_event_is() -> None:
    # with fewer than k other articles no article has k related neighbours: every pair needs absolute evidence
    tiny = [article("live", MATCH_LIVE), article("deadline", DEADLINE_DAY), article("soup", SOUP)]
    assert group_articles(tiny) == [[0], [1], [2]]
    assert group_articles(tiny, GroupingOptions(lone_similarity=0.0)) == [[0, 1], [2]]
    assert group_articles([article("north", FLOOD_NORTH), article("south", FLOOD_SOUTH), tiny[2]]) == [[0, 1], [2]]
