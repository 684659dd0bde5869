"""What the store saves: the same sources briefed twice, the second run reading digests and stories from the store.

Each run does what the flow does between reading the sources and rendering: ingest, the recency window, digests
and stories (each through the store's cache), and new-vs-developing against the store. Articles: the first N rows of a
JSONL file (default `summarize/cnndm_dev.jsonl`), all dated inside the brief's window. The store is a fresh file in
a temporary folder; an untimed run on another store loads the models first, so neither timed run pays for that.

    .venv/bin/python bench/incremental.py ../shared/eval/data/summarize/cnndm_dev.jsonl --articles 60
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from newsbrief.brief import digest_articles
from newsbrief.config import Config
from newsbrief.ingest import ingest_source
from newsbrief.memory import lookback_start, remember
from newsbrief.store import digest_with_cache, open_store, stories_with_cache
from newsbrief.stories import build_stories
from newsbrief.window import brief_window, select_recent, time_zone

DAY = date(2026, 12, 2)


def write_source(data: Path, folder: Path, count: int) -> Path:
    """The first `count` rows as a JSONL source, published an hour apart on the brief's day."""
    source = folder / "articles.jsonl"
    with data.open(encoding="utf-8") as rows, source.open("w", encoding="utf-8") as out:
        for n, line in zip(range(count), rows, strict=False):
            row = json.loads(line)
            published = datetime(2026, 12, 2, 0, 30) + timedelta(minutes=20 * n)
            out.write(json.dumps({"id": row["id"], "text": row["text"], "published": published.isoformat() + "Z"}))
            out.write("\n")
    return source


def one_run(source: Path, store_path: Path, config: Config) -> dict[str, float]:
    started = time.perf_counter()
    articles, _ = ingest_source(str(source), config.ingest)
    window = brief_window(DAY, time_zone("UTC"))
    articles, _ = select_recent(articles, window)
    read = time.perf_counter()
    store = open_store(store_path)
    digests, computed = digest_with_cache(
        articles,
        config.summariser,
        config.summary,
        store,
        lambda batch: digest_articles(batch, config.summariser, config.summary),
    )
    digested = time.perf_counter()
    stories = stories_with_cache(
        digests, config.stories, window.end, store, lambda: build_stories(digests, config.stories, window.end)
    )
    remember(stories, store.earlier_stories(DAY, lookback_start(DAY)), DAY)
    store.save_brief(DAY, window, store_path.parent / DAY.isoformat(), stories, window.end, window.end)
    store.close()
    done = time.perf_counter()
    return {
        "articles": len(articles),
        "digested": computed,
        "read_s": read - started,
        "digest_s": digested - read,
        "stories_s": done - digested,
        "total_s": done - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path, nargs="?", default=Path("../shared/eval/data/summarize/cnndm_dev.jsonl"))
    parser.add_argument("--articles", type=int, default=60)
    args = parser.parse_args()
    config = Config()
    with tempfile.TemporaryDirectory() as folder:
        source = write_source(args.data, Path(folder), args.articles)
        one_run(source, Path(folder) / "warm-up.db", config)  # loads every model the stages use, untimed
        first = one_run(source, Path(folder) / "nb.db", config)
        second = one_run(source, Path(folder) / "nb.db", config)
    for name, run in (("first", first), ("second", second)):
        print(name, " ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in run.items()))
    print(f"second/first total: {second['total_s'] / first['total_s']:.3f}")


if __name__ == "__main__":
    main()
