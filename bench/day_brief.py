"""A whole day's brief from a JSONL file of articles, without Prefect: how long the reader's brief is, and the cost.

    python bench/day_brief.py ../shared/eval/data/cluster/duc2004_dev.jsonl [--out /tmp/day] [--max-words 2500]

The DUC 2004 clustering dev set is 250 wire articles about 25 stories, a realistic day. Prints JSON: articles,
stories, Markdown words (as `wc -w` counts them), HTML kilobytes, stories told in full, and seconds per stage.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import UTC, date, datetime
from pathlib import Path

from newsbrief.brief import assemble_brief, digest_articles
from newsbrief.ingest import IngestOptions, ingest_source
from newsbrief.render import render_all, word_total
from newsbrief.stories import build_stories
from newsbrief.summarise import SummaryOptions

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="write brief.md/html/json here")
    parser.add_argument("--max-words", type=int, default=2500)
    args = parser.parse_args()
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(now - clock, 2)
        clock = now

    articles, skipped = ingest_source(str(args.data), IngestOptions())
    lap("ingest")
    digests = digest_articles(articles, "centrality", SummaryOptions(sentences=4, min_sentences=2))
    lap("summarise_and_facts")
    stories = build_stories(digests, cutoff=datetime.now(UTC))
    lap("stories")
    brief = assemble_brief(date.today(), stories, skipped, max_words=args.max_words)
    rendered = render_all(brief)
    lap("render")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, content in rendered.items():
            (args.out / name).write_text(content, encoding="utf-8")
    result = {
        "articles": len(articles),
        "skipped": len(skipped),
        "stories": len(stories),
        "stories_in_full": sum(s.in_full for s in stories),
        "markdown_words": word_total(rendered["brief.md"]),
        "html_kb": round(len(rendered["brief.html"].encode("utf-8")) / 1024, 1),
        "json_kb": round(len(rendered["brief.json"].encode("utf-8")) / 1024, 1),
        "seconds": seconds,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
