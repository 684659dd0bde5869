"""Cost of the stories stage as the day grows: wall time and peak memory of near-duplicate detection, grouping and
story summaries, printed as JSON lines. (Merging facts needs each article's facts, whose extraction dominates a
real day: `bench/day_brief.py` measures the whole stage on a day of real articles.)

    python bench/stories.py ../shared/eval/data/cluster/duc2004_dev.jsonl ../shared/eval/data/summarize/*.jsonl \
        ../shared/eval/data/multidoc/duc2004_dev.jsonl ../shared/eval/data/quotes/polnear_dev.jsonl \
        [--sizes 250 1000 4000]

Every article of a day is a DISTINCT text (copies would be collapsed and cost nothing): the distinct texts of the
files (rows' `text`, or `docs[].text`), cut into consecutive windows of three sentences, as many as the size needs.
A last stage groups 5,000 identical copies. Peak RSS is the process's high-water mark (resource.getrusage), so it
only grows from stage to stage.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path

from newsbrief.records import Article
from newsbrief.stories.grouping import group_articles, near_duplicates
from newsbrief.summarise.multidoc import summarise_stories
from newsbrief.text import split_sentences

os.environ.setdefault("HF_HUB_OFFLINE", "1")

WINDOW_SENTENCES = 3


def distinct_texts(paths: list[Path]) -> list[str]:
    """The files' texts, each once, in order."""
    texts: dict[str, None] = {}
    for path in paths:
        for line in path.open(encoding="utf-8"):
            if line.strip():
                row = json.loads(line)
                for text in [row["text"]] if "text" in row else [d["text"] for d in row.get("docs", [])]:
                    texts.setdefault(text.strip(), None)
    return [t for t in texts if t]


def windows(texts: list[str]) -> list[str]:
    """Consecutive three-sentence windows of every text: distinct news-like articles, more of them than texts."""
    found: dict[str, None] = {}
    for text in texts:
        sentences = [s.text for s in split_sentences(text)]
        for start in range(0, len(sentences), WINDOW_SENTENCES):
            found.setdefault(" ".join(sentences[start : start + WINDOW_SENTENCES]), None)
    return list(found)


def day_of(texts: list[str], size: int) -> list[Article]:
    if size > len(texts):
        raise SystemExit(f"only {len(texts)} distinct texts for a day of {size}: give more files")
    return [
        Article(id=str(i), url=None, source=f"outlet-{i % 40}", title="", text=t) for i, t in enumerate(texts[:size])
    ]


def measure(stage: str, size: int, work: Callable[[], object]) -> tuple[dict, object]:
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row = {"stage": stage, "articles": size, "seconds": round(seconds, 2), "peak_rss_mib": round(peak_mib, 1)}
    if isinstance(result, dict):
        row["copies"] = len(result)
    elif isinstance(result, list):
        row["stories"] = len(result)
    print(json.dumps(row), flush=True)
    return row, result


def near_duplicate_stage(articles: list[Article]) -> dict:
    return measure("near_duplicates", len(articles), lambda: near_duplicates(articles))[0]


def grouping_stage(articles: list[Article]) -> tuple[dict, list[list[int]]]:
    """group_articles end to end, embedding included."""
    row, groups = measure("group_articles", len(articles), lambda: group_articles(articles))
    return row, groups  # type: ignore[return-value]


def story_summary_stage(articles: list[Article], groups: list[list[int]]) -> dict:
    """One multi-document summary for every story of more than one article, as the flow batches them."""
    stories = [[articles[i] for i in group] for group in groups if len(group) > 1]
    return measure("summarise_stories", len(articles), lambda: summarise_stories(stories))[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="+")
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000, 4000])
    parser.add_argument("--identical", type=int, default=5000)
    args = parser.parse_args()
    texts = windows(distinct_texts(args.data))
    rows = []
    for size in args.sizes:
        articles = day_of(texts, size)
        grouped, groups = grouping_stage(articles)
        rows += [near_duplicate_stage(articles), grouped, story_summary_stage(articles, groups)]
    same = [
        Article(id=str(i), url=None, source=f"outlet-{i % 40}", title="", text=texts[0]) for i in range(args.identical)
    ]
    grouped, groups = grouping_stage(same)
    rows += [near_duplicate_stage(same), grouped, story_summary_stage(same, groups)]
    growth = {r["stage"]: [] for r in rows}
    for row in rows[: 3 * len(args.sizes)]:
        growth[row["stage"]].append([row["articles"], row["seconds"]])
    print(json.dumps({"growth_seconds": growth}))


if __name__ == "__main__":
    main()
