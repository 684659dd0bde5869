"""Run the story summariser over multi-document clusters (DUC rows {id, docs: [{doc_id, text}], references}) and
score it with the independent scorer (`score.py multidoc`: ROUGE F1, 100-word cut, mean over references).

    python bench/multidoc_eval.py ../shared/eval/data/multidoc/duc2004_dev.jsonl [--out pred.jsonl] [--no-paraphrases]
    python bench/multidoc_eval.py ../shared/eval/data/multidoc/duc2004_dev.jsonl --cv 5

Plain mode writes PRED rows {id, summary, spans: [[doc_id, start, end]]} with the module's constants (`--cosine`
sets the paraphrase bar), prints the scorer's JSON line, the speed and the redundancy left: pairs of one summary's
sentences above MiniLM cosines 0.6/0.7/0.8. `--cv K` splits the clusters into K folds (cluster i goes to fold i % K);
for each fold it picks (position_decay, shared_power, paraphrase_cosine, quoted_weight) from the grid by mean ROUGE-1
on the other folds (a tie goes to the lower cosine, the stricter bar, then the lower quoted weight), scores the
held-out fold with them, and prints every fold, the mean and the spread. Cluster scores come from
score.py's own `rouge`.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import time
from pathlib import Path

import numpy as np
from scoring import SCORER, scorer_line

from newsbrief.embed import encode
from newsbrief.records import Article
from newsbrief.summarise.multidoc import PARAPHRASE_COSINE, StorySummaryOptions, summarise_stories

os.environ.setdefault("HF_HUB_OFFLINE", "1")
DECAYS = (4.0, 6.0, 8.0)
POWERS = (1.0, 1.5, 2.0)
COSINES = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
QUOTED_WEIGHTS = (0.0, 0.5, 1.0)


def stories_of(rows: list[dict]) -> list[list[Article]]:
    return [
        [
            Article(id=d["doc_id"], url=None, source=d.get("source", ""), title=d.get("title") or "", text=d["text"])
            for d in row["docs"]
        ]
        for row in rows
    ]


def predictions(rows: list[dict], options: StorySummaryOptions) -> list[dict]:
    summaries = summarise_stories(stories_of(rows), options)
    return [
        {
            "id": row["id"],
            "summary": [s.text for s in summary],
            "spans": [[s.article_id, s.start, s.end] for s in summary],
        }
        for row, summary in zip(rows, summaries, strict=True)
    ]


def close_pairs(preds: list[dict], cosines: tuple[float, ...] = (0.6, 0.7, 0.8)) -> dict[str, int]:
    """How many pairs of one summary's sentences MiniLM puts above each cosine: the redundancy a reader sees."""
    found = dict.fromkeys(cosines, 0)
    for pred in preds:
        vectors = encode(pred["summary"])
        similar = (vectors @ vectors.T)[np.triu_indices(len(vectors), 1)]
        for cosine in cosines:
            found[cosine] += int((similar > cosine).sum())
    return {f"pairs_over_{cosine}": n for cosine, n in found.items()}


def cluster_rouge1(scorer, rows: list[dict], preds: list[dict]) -> np.ndarray:
    """ROUGE-1 of each cluster on its own, by the scorer's function (same cut and reference averaging)."""
    by_id = {p["id"]: p for p in preds}
    return np.array([scorer.rouge([row], by_id, lambda r: r["references"], max_words=100)["rouge1"] for row in rows])


def cross_validate(rows: list[dict], folds: int, paraphrases: bool) -> None:
    spec = importlib.util.spec_from_file_location("score", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    grid = list(itertools.product(DECAYS, POWERS, COSINES if paraphrases else (1.0,), QUOTED_WEIGHTS))
    scores = {}
    for decay, power, cosine, quoted in grid:
        options = StorySummaryOptions(
            position_decay=decay,
            shared_power=power,
            paraphrases=paraphrases,
            paraphrase_cosine=cosine,
            quoted_weight=quoted,
        )
        scores[decay, power, cosine, quoted] = cluster_rouge1(scorer, rows, predictions(rows, options))
    fold_of = np.arange(len(rows)) % folds
    held_out = []
    for fold in range(folds):
        best = max(grid, key=lambda g: scores[g][fold_of != fold].mean())
        score = float(scores[best][fold_of == fold].mean())
        held_out.append(score)
        print(
            json.dumps(
                {
                    "fold": fold,
                    "decay": best[0],
                    "power": best[1],
                    "cosine": best[2],
                    "quoted_weight": best[3],
                    "rouge1": round(score, 2),
                }
            ),
            flush=True,
        )
    print(
        json.dumps(
            {
                "cv_rouge1_mean": round(float(np.mean(held_out)), 2),
                "cv_rouge1_std": round(float(np.std(held_out)), 2),
                "min": round(min(held_out), 2),
                "max": round(max(held_out), 2),
                "grid_full_dev": {"/".join(map(str, g)): round(float(s.mean()), 2) for g, s in scores.items()},
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, default=Path("/tmp/newsbrief-multidoc-pred.jsonl"))
    parser.add_argument("--cv", type=int, default=0, help="number of folds; 0 scores the module's constants")
    parser.add_argument("--no-paraphrases", action="store_true", help="skip the MiniLM paraphrase bar")
    parser.add_argument("--cosine", type=float, default=PARAPHRASE_COSINE, help="the paraphrase bar (plain mode)")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    if args.cv:
        cross_validate(rows, args.cv, not args.no_paraphrases)
        return
    started = time.perf_counter()
    preds = predictions(rows, StorySummaryOptions(paraphrases=not args.no_paraphrases, paraphrase_cosine=args.cosine))
    seconds = time.perf_counter() - started
    with args.out.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in preds)
    print(
        json.dumps(
            {
                "stories": len(rows),
                "seconds": round(seconds, 2),
                "stories_per_s": round(len(rows) / seconds, 1),
                **close_pairs(preds),
            }
        )
    )
    line = scorer_line("multidoc", args.data, args.out)
    if line is not None:
        print(line, flush=True)


if __name__ == "__main__":
    main()
