"""Benchmark the key-facts stage; prints one JSON object.

    python bench/facts.py [CNNDM.jsonl] [--n 125]       # articles/s and peak RSS over CNN/DM-length articles
    python bench/facts.py --ner IN.jsonl OUT.jsonl      # tag score.py's ner-input rows -> {id, entities} rows

Without a data file (or if it is missing) the speed run uses generated news-like text of CNN/DM length, so the
figure is comparable between machines but not with a run on real articles.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

from newsbrief.facts import conll_tagger, extract_facts, load_nlp
from newsbrief.records import Article

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/eval/data/summarize/cnndm_dev.jsonl"


def generated_articles(n: int, seed: int = 0) -> list[Article]:
    """Synthetic articles of about 700 words built from a few templates (names, numbers, dates, quotes)."""
    rng = random.Random(seed)
    people = ["Maria Lopez", "John Carter", "Aiko Tanaka", "Peter Novak", "Grace Mensah"]
    orgs = ["the Finance Ministry", "Acme Shipping", "the World Bank", "the City Council", "Northwind Energy"]
    places = ["Lisbon", "Nairobi", "Ohio", "Jakarta", "Quebec"]
    templates = [
        "{p} said on {d} that {o} would spend ${n} million on new projects in {l}.",
        '"We expect {n} new jobs in {l} by next year," {p}, a spokesperson for {o}, told reporters.',
        "{o} sanctioned {n} companies last week after an inquiry in {l}, according to {p}.",
        "Prices in {l} rose {n}% in {d}, the fastest pace since 2019, {o} said in a statement.",
    ]
    days = ["Monday", "Tuesday", "last month", "March", "November 3"]
    articles = []
    for i in range(n):
        parts = []
        for _ in range(6):
            sentences = [
                rng.choice(templates).format(
                    p=rng.choice(people),
                    o=rng.choice(orgs),
                    l=rng.choice(places),
                    d=rng.choice(days),
                    n=rng.randint(2, 900),
                )
                for _ in range(5)
            ]
            parts.append(" ".join(sentences))
        articles.append(
            Article(id=f"gen-{i}", url=None, source="generated", title="Generated", text="\n\n".join(parts))
        )
    return articles


def load_articles(path: Path | None, n: int) -> tuple[list[Article], str]:
    if path is not None and path.is_file():
        with path.open(encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()][:n]
        return [Article(id=r["id"], url=None, source="cnndm", title="", text=r["text"]) for r in rows], str(path)
    return generated_articles(n), "generated"


def speed(path: Path | None, n: int) -> dict[str, object]:
    started = time.perf_counter()
    nlp = load_nlp()
    load_s = time.perf_counter() - started
    articles, source = load_articles(path, n)
    started = time.perf_counter()
    facts = extract_facts(articles, nlp)
    elapsed = time.perf_counter() - started
    return {
        "source": source,
        "articles": len(articles),
        "chars_mean": round(sum(len(a.text) for a in articles) / max(1, len(articles))),
        "conll_tagger": conll_tagger() is not None,
        "model_load_s": round(load_s, 2),
        "seconds": round(elapsed, 2),
        "articles_per_s": round(len(articles) / elapsed, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "facts_per_article": {
            kind: round(sum(len(getattr(f, kind)) for f in facts) / max(1, len(facts)), 1)
            for kind in ("entities", "quotes", "dates", "numbers", "events")
        },
    }


def tag_for_scorer(in_path: Path, out_path: Path) -> dict[str, object]:
    """Entity mentions of score.py's ner-input texts, one {id, entities:[{text,label,start,end}]} row each."""
    with in_path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    articles = [Article(id=r["id"], url=None, source="conll", title="", text=r["text"]) for r in rows]
    facts = extract_facts(articles)
    with out_path.open("w", encoding="utf-8") as f:
        for fact in facts:
            mentions = [m for e in fact.entities for m in e.mentions]
            entities = [{"text": m.text, "label": m.label, "start": m.start, "end": m.end} for m in mentions]
            f.write(json.dumps({"id": fact.article_id, "entities": entities}) + "\n")
    return {"documents": len(rows), "written": str(out_path), "conll_tagger": conll_tagger() is not None}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=125, help="number of articles for the speed run")
    parser.add_argument("--ner", nargs=2, type=Path, metavar=("IN", "OUT"), help="tag score.py ner-input rows")
    args = parser.parse_args(argv)
    result = tag_for_scorer(*args.ner) if args.ner else speed(args.data, args.n)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
