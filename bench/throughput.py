"""Throughput of the model stages of the daily brief: summarise + extract facts, batched as the flow runs them.

    python bench/throughput.py [--data ../shared/eval/data/summarize/cnndm_dev.jsonl] [--articles 100]

Without --data, CNN/DM-length articles are made by joining the bundled seed articles. Prints one JSON object:
articles/s for the whole stage and each part, and peak RSS (resident memory) of the process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

from newsbrief.facts import extract_facts, load_nlp
from newsbrief.records import Article
from newsbrief.summarise import SummaryOptions, get_summariser

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled models never need the hub
REPO = Path(__file__).resolve().parent.parent


def load_articles(data: Path | None, count: int) -> list[Article]:
    if data is not None:
        rows = [json.loads(line) for line in data.open(encoding="utf-8") if line.strip()]
        texts = [r["text"] for r in rows]
    else:
        bodies = [
            p.read_text(encoding="utf-8").split("---", 2)[2] for p in sorted((REPO / "seeds/articles").glob("*.md"))
        ]
        texts = [bodies[i % len(bodies)] + "\n\n" + bodies[(i + 1) % len(bodies)] for i in range(count)]
    texts = (texts * (count // max(1, len(texts)) + 1))[:count]
    return [Article(id=str(i), url=None, source="bench", title="", text=t) for i, t in enumerate(texts)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="JSONL rows {id, text} (e.g. cnndm_dev.jsonl)")
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--summariser", default="centrality")
    args = parser.parse_args()
    articles = load_articles(args.data, args.articles)
    summariser = get_summariser(args.summariser, SummaryOptions())
    started = time.perf_counter()
    summariser.summarise(articles[:2])  # warm-up: model load is not throughput
    load_nlp()
    warm = time.perf_counter() - started

    started = time.perf_counter()
    summariser.summarise(articles)
    summarise_s = time.perf_counter() - started
    started = time.perf_counter()
    extract_facts(articles)
    facts_s = time.perf_counter() - started
    words = sum(len(a.text.split()) for a in articles)
    print(
        json.dumps(
            {
                "articles": len(articles),
                "mean_words": round(words / len(articles), 1),
                "summariser": args.summariser,
                "model_load_s": round(warm, 2),
                "summarise_articles_per_s": round(len(articles) / summarise_s, 2),
                "facts_articles_per_s": round(len(articles) / facts_s, 2),
                "articles_per_s": round(len(articles) / (summarise_s + facts_s), 2),
                "peak_rss_mb": round(peak_rss_mb(), 1),
                "threads": __import__("torch").get_num_threads(),
            }
        )
    )


if __name__ == "__main__":
    main()
