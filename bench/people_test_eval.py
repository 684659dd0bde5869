"""How well the casualty ranking's people test (`newsbrief.stories.rank.counts_people`) tells person nouns from
others, on the head nouns that the DUC 2004 dev day's story figures count.

    python bench/people_test_eval.py ../shared/eval/data/cluster/duc2004_dev.jsonl

Builds the day's stories (about 2.5 minutes on 2 cores), takes the head noun of every counted phrase of a count
(CARDINAL) that is not itself a harm word, and scores the test against hand labels of those heads (PEOPLE below,
written from the list of heads before any test scored them; AMBIGUOUS heads are left out). The earlier test, MiniLM's
nearest of "people" / "animals" / "things" for the bare head, is scored beside it. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from newsbrief.brief import digest_articles
from newsbrief.embed import encode
from newsbrief.facts.numbers import HARM
from newsbrief.ingest import IngestOptions, ingest_source
from newsbrief.stories import build_stories
from newsbrief.stories.rank import counts_people
from newsbrief.summarise import SummaryOptions
from newsbrief.text import LETTERS

os.environ.setdefault("HF_HUB_OFFLINE", "1")

PEOPLE = set(
    """americans athletes cambodians children citizens civilians conservatives customers delegates democrats deputies
    dissidents employees fighters hondurans inhabitants journalists koreans legislators locals member members men
    moderates muslims officers palestinians passengers people players prisoner prisoners rebels republicans residents
    serbs soldiers students subscribers supporters taxpayers teachers tourists troops tutsis vacationers watchers
    westerners witnesses women workers""".split()
)
AMBIGUOUS = set(
    "coalition committees majority others nation nations tribes bodies teams unions parties units senate nationalities"
    " partners".split()
)


def counted_heads(data: Path) -> set[str]:
    articles, _ = ingest_source(str(data), IngestOptions())
    digests = digest_articles(articles, "clean-lead", SummaryOptions())
    heads = set()
    for story in build_stories(digests, cutoff=datetime(2004, 1, 1, tzinfo=UTC)):
        for number in story.facts.numbers:
            if number.kind == "CARDINAL" and number.counts and not HARM.search(number.counts):
                heads.add((LETTERS.findall(number.counts) or [""])[-1].casefold())
    return {h for h in heads if h and h not in AMBIGUOUS}


def bare_prototype_test(heads: list[str]) -> dict[str, bool]:
    vectors = encode(["people", "animals", "things", *heads])
    nearest = (vectors[3:] @ vectors[:3].T).argmax(axis=1)
    return {h: int(i) == 0 for h, i in zip(heads, nearest, strict=True)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    heads = sorted(counted_heads(parser.parse_args().data))
    result: dict[str, object] = {"heads": len(heads), "person_heads": sum(h in PEOPLE for h in heads)}
    for name, called in (("counts_people", counts_people(heads)), ("bare_prototypes", bare_prototype_test(heads))):
        result[name] = {
            "people_called_people": sum(called[h] for h in heads if h in PEOPLE),
            "others_called_people": sum(called[h] for h in heads if h not in PEOPLE),
            "missed": [h for h in heads if h in PEOPLE and not called[h]],
            "wrongly_called": [h for h in heads if h not in PEOPLE and called[h]],
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
