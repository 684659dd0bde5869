"""Choose `newsbrief.memory.SIMILARITY` by cross-validation: does yesterday's story match today's continuation?

Data: `cluster/duc2004_dev.jsonl` (rows {id, text, cluster}). Each cluster is split in file order into an earlier
and a later half, each told as a story text (the lead sentence of up to three articles, as a brief's summary is).
Every later half is decided twice: with the earlier halves of all clusters (it should continue its own) and with
its own earlier half removed (it should be new). Folds are by cluster; each fold's threshold is the one with the
best decision accuracy on the other folds, reported on the held-out fold.

    .venv/bin/python bench/memory_eval.py ../shared/eval/data/cluster/duc2004_dev.jsonl --folds 5
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

import numpy as np

from newsbrief.embed import encode
from newsbrief.text import split_sentences

GRID = np.round(np.arange(0.30, 0.91, 0.02), 2)


def story_text(texts: list[str]) -> str:
    leads = []
    for text in texts[:3]:
        sentences = split_sentences(text)
        if sentences:
            leads.append(sentences[0].text)
    return " ".join(leads)


def decisions(similarity: np.ndarray, clusters: list[int], threshold: float) -> list[bool]:
    """Correct or not, for each later half with its earlier half present and then removed."""
    correct = []
    for later in clusters:
        row = similarity[later]
        best = int(np.argmax(row))
        correct.append(row[best] >= threshold and best == later)
        others = row.copy()
        others[later] = -1.0
        correct.append(others.max() < threshold)
    return correct


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    by_cluster: dict[str, list[str]] = defaultdict(list)
    with open(args.data, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            by_cluster[row["cluster"]].append(row["text"])
    names = sorted(by_cluster)
    earlier = [story_text(by_cluster[n][: len(by_cluster[n]) // 2]) for n in names]
    later = [story_text(by_cluster[n][len(by_cluster[n]) // 2 :]) for n in names]
    similarity = encode(later) @ encode(earlier).T
    folds = [list(range(f, len(names), args.folds)) for f in range(args.folds)]
    chosen, held_out = [], []
    for fold in folds:
        train = [c for c in range(len(names)) if c not in fold]
        accuracy = [np.mean(decisions(similarity, train, t)) for t in GRID]
        threshold = float(GRID[int(np.argmax(accuracy))])
        chosen.append(threshold)
        held_out.append(float(np.mean(decisions(similarity, fold, threshold))))
    print(f"{len(names)} clusters, {args.folds} folds")
    for n, (t, a) in enumerate(zip(chosen, held_out, strict=True)):
        print(f"fold {n}: threshold {t:.2f}  held-out accuracy {a:.3f}")
    print(f"held-out accuracy mean {np.mean(held_out):.3f}  min {min(held_out):.3f}  max {max(held_out):.3f}")
    print(f"thresholds: median {np.median(chosen):.2f}  range {min(chosen):.2f}-{max(chosen):.2f}")


if __name__ == "__main__":
    main()
