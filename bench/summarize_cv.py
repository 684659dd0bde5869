"""K-fold check of the centrality summariser against Lead-3: constants chosen on the other folds, scored held out.

    python bench/summarize_cv.py ../shared/eval/data/summarize/cnndm_dev.jsonl --folds 5 [--cache /tmp/emb.npz]
        [--window 0 5]

Every grid point (POSITION_DECAY x DEFAULT_WORDS x PARAPHRASE_COSINE x CANDIDATE_WINDOW) summarises every article
once; each article's ROUGE-1/2 F1 (rouge_score, stemmed, as the independent scorer computes them) is kept, so a
fold's choice is the grid point with the best mean (R1 + R2) / 2 on the other folds. Folds are a seeded shuffle.
Lead-3 is the project's `lead` summariser on the same articles; `clean-lead` (no constants) is compared with it
too. The product rule: the summariser must beat Lead-3 on R-1 AND R-2 in every held-out fold, else the brief uses
Lead. `--window N` adds a lead-biased variant (CANDIDATE_WINDOW = N; 0 = every sentence). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer
from summarize_eval import cached_encoder

from newsbrief.records import Article
from newsbrief.summarise import SummaryOptions, centrality, get_summariser

os.environ.setdefault("HF_HUB_OFFLINE", "1")
DECAYS = (5.0, 8.0, 12.0)
TARGET_WORDS = (45, 50, 55)
COSINES = (0.6, 0.8)
SEED = 13


def article_scores(summaries: list[list[str]], references: list[str]) -> np.ndarray:
    """(articles, 2) ROUGE-1 and ROUGE-2 F1 x100 of each summary against its reference."""
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    out = np.zeros((len(summaries), 2))
    for i, (summary, reference) in enumerate(zip(summaries, references, strict=True)):
        scores = scorer.score(reference, "\n".join(s.strip() for s in summary))
        out[i] = 100 * scores["rouge1"].fmeasure, 100 * scores["rouge2"].fmeasure
    return out


def summaries_of(method: str, articles: list[Article], sentences: int) -> list[list[str]]:
    summariser = get_summariser(method, SummaryOptions(sentences=sentences))
    return [[s.text for s in summary.sentences] for summary in summariser.summarise(articles)]


def grid_scores(grid: list[dict], articles: list[Article], references: list[str], sentences: int) -> np.ndarray:
    """(grid points, articles, 2): the centrality summariser with each point's constants set on the module."""
    saved = {name: getattr(centrality, name) for name in grid[0]}
    try:
        out = []
        for point in grid:
            for name, value in point.items():
                setattr(centrality, name, value)
            out.append(article_scores(summaries_of("centrality", articles, sentences), references))
        return np.stack(out)
    finally:
        for name, value in saved.items():
            setattr(centrality, name, value)


def folds_of(count: int, folds: int) -> np.ndarray:
    order = list(range(count))
    random.Random(SEED).shuffle(order)
    fold = np.empty(count, dtype=int)
    for position, index in enumerate(order):
        fold[index] = position % folds
    return fold


def cross_validate(scores: np.ndarray, lead: np.ndarray, fold: np.ndarray, grid: list[dict]) -> dict:
    """Per held-out fold: the point chosen on the rest, its R1/R2, Lead-3's, and whether it beats Lead on both."""
    rows = []
    for k in range(fold.max() + 1):
        train, test = fold != k, fold == k
        best = int(np.argmax(scores[:, train].mean(1).mean(-1)))
        ours, base = scores[best, test].mean(0), lead[test].mean(0)
        rows.append(
            {
                "fold": k,
                "n": int(test.sum()),
                "chosen": grid[best],
                "rouge1": round(float(ours[0]), 2),
                "rouge2": round(float(ours[1]), 2),
                "lead3_rouge1": round(float(base[0]), 2),
                "lead3_rouge2": round(float(base[1]), 2),
                "margin_rouge1": round(float(ours[0] - base[0]), 2),
                "margin_rouge2": round(float(ours[1] - base[1]), 2),
            }
        )
    spread = {
        key: {
            "mean": round(statistics.mean(r[key] for r in rows), 2),
            "stdev": round(statistics.stdev(r[key] for r in rows), 2),
            "min": min(r[key] for r in rows),
            "max": max(r[key] for r in rows),
        }
        for key in ("rouge1", "rouge2", "margin_rouge1", "margin_rouge2")
    }
    beats = all(r["margin_rouge1"] > 0 and r["margin_rouge2"] > 0 for r in rows)
    return {"folds": rows, "spread": spread, "beats_lead3_every_fold": beats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument(
        "--window", type=int, nargs="+", default=[0], help="CANDIDATE_WINDOW values: each is its own method (0 = all)"
    )
    args = parser.parse_args()

    if args.cache:
        centrality.encode = cached_encoder(args.cache)
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    articles = [Article(id=r["id"], url=None, source="eval", title=r.get("title", ""), text=r["text"]) for r in rows]
    references = ["\n".join(r["reference"]) if isinstance(r["reference"], list) else r["reference"] for r in rows]
    fold = folds_of(len(rows), args.folds)
    lead = article_scores(summaries_of("lead", articles, args.sentences), references)
    report: dict = {"data": str(args.data), "articles": len(rows), "folds": args.folds, "seed": SEED}
    clean_lead = article_scores(summaries_of("clean-lead", articles, args.sentences), references)
    report["clean_lead"] = cross_validate(clean_lead[None], lead, fold, [{}])
    for window in [w or None for w in args.window]:
        grid = [
            {"POSITION_DECAY": d, "DEFAULT_WORDS": w, "PARAPHRASE_COSINE": c, "CANDIDATE_WINDOW": window}
            for d, w, c in itertools.product(DECAYS, TARGET_WORDS, COSINES)
        ]
        scores = grid_scores(grid, articles, references, args.sentences)
        report[f"window_{window or 'all'}"] = cross_validate(scores, lead, fold, grid)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
