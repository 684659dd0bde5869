"""Story grouping on the DUC 2004 clustering dev set, scored by the independent scorer (B-cubed F1).

    python bench/stories_eval.py ../shared/eval/data/cluster/duc2004_dev.jsonl [--threshold 0.12]
    python bench/stories_eval.py ../shared/eval/data/cluster/duc2004_dev.jsonl --cv
    python bench/stories_eval.py ../shared/eval/data/cluster/duc2004_dev.jsonl --errors
    python bench/stories_eval.py ../shared/eval/data/cluster/duc2004_dev.jsonl --sparse-cv 300

The plain mode groups every row as one day and prints score.py's JSON line. `--cv` splits the stories into 5 folds
(whole stories, seeded shuffle), groups ALL rows as one day for every candidate (shared neighbours, related floor,
threshold), picks the candidate with the best B-cubed F1 on the 4 training folds' articles, scores the held-out
fold's articles (their part of the one-day grouping) through score.py, and prints one JSON line per fold, then the
mean, spread and the full dev set at the defaults. A merge with another fold's story is invisible to a fold's
score, so the fold figures flatter precision: the full-dev figure is the one a real day sees. `--errors` prints, for
the one-day grouping, each predicted story that mixes gold stories and each gold story split across predicted ones
(one JSON line each), then the ceiling any grouping of these texts can reach: copies share one story and texts
without words stand alone, so a text filed under two gold stories, or an empty one, costs every method alike.
`--sparse-cv DAYS` chooses `lone_similarity`, which the one-day set cannot see (no article of it is lone), the same
way on DAYS simulated sparse days (1 or 2 articles of every story each), pooled, and prints the pooled F1 of every
candidate too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from newsbrief.embed import encode
from newsbrief.records import Article
from newsbrief.stories.grouping import GroupingOptions, PreparedDay, lead_text

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled models never need the hub

FOLDS = 5
THRESHOLDS = np.round(np.arange(0.10, 0.61, 0.02), 2)
SHARED = (5, 8, 10, 15)
RELATED = (0.1, 0.15, 0.2)
LONE_SIMILARITIES = np.round(np.concatenate([[0.0], np.arange(0.10, 0.351, 0.02)]), 2)


def load(path: Path) -> tuple[list[dict], list[Article]]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    articles = [Article(id=r["id"], url=None, source="", title=r.get("title", ""), text=r["text"]) for r in rows]
    return rows, articles


def score(data: Path, rows: list[dict], stories: list[list[int]]) -> dict:
    """score.py's JSON for `rows` (a subset of the data file's rows) grouped into `stories` (indices into rows)."""
    story_of = {rows[i]["id"]: n for n, members in enumerate(stories) for i in members}
    with tempfile.TemporaryDirectory() as folder:
        gold, predicted = Path(folder) / "gold.jsonl", Path(folder) / "pred.jsonl"
        gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        predicted.write_text("".join(json.dumps({"id": r["id"], "story": story_of[r["id"]]}) + "\n" for r in rows))
        scorer = data.resolve().parents[2] / "score.py"
        result = subprocess.run(
            [sys.executable, str(scorer), "cluster", str(gold), str(predicted)], capture_output=True, text=True
        )
    result.check_returncode()
    return json.loads(result.stdout.strip().splitlines()[-1])


def b_cubed_f1(stories: list[list[int]], gold: list[str]) -> float:
    """B-cubed F1 for choosing constants on training folds (the reported figures come from score.py)."""
    predicted = {i: n for n, members in enumerate(stories) for i in members}
    pairs = Counter((predicted[i], gold[i]) for i in range(len(gold)))
    story_sizes, gold_sizes = Counter(predicted.values()), Counter(gold)
    precision = sum(count * count / story_sizes[s] for (s, _), count in pairs.items()) / len(gold)
    recall = sum(count * count / gold_sizes[g] for (_, g), count in pairs.items()) / len(gold)
    return 2 * precision * recall / (precision + recall)


def folds_of(rows: list[dict]) -> np.ndarray:
    stories = sorted({r["cluster"] for r in rows})
    order = np.random.default_rng(0).permutation(len(stories))
    fold_of_story = {stories[s]: n % FOLDS for n, s in enumerate(order)}
    return np.array([fold_of_story[r["cluster"]] for r in rows])


def subset_f1(stories: list[list[int]], gold: list[str], chosen: np.ndarray) -> float:
    """B-cubed F1 of the day's grouping restricted to the `chosen` articles (a boolean mask)."""
    kept = [[i for i in story if chosen[i]] for story in stories]
    index = {old: new for new, old in enumerate(np.flatnonzero(chosen))}
    return b_cubed_f1([[index[i] for i in story] for story in kept if story], [gold[i] for i in index])


def print_errors(data: Path, rows: list[dict], day: PreparedDay, stories: list[list[int]]) -> None:
    """Merged and split gold stories of `stories`, then score.py on the best grouping of texts (see the docstring)."""
    gold = [r["cluster"] for r in rows]
    for story in stories:
        if len({gold[i] for i in story}) > 1:
            print(json.dumps({"merged": Counter(gold[i] for i in story), "first_texts": _openings(rows, story)}))
    for name in sorted(set(gold)):
        pieces = Counter(n for n, story in enumerate(stories) for i in story if gold[i] == name)
        if len(pieces) > 1:
            print(json.dumps({"split": name, "piece_sizes": sorted(pieces.values(), reverse=True)}))
    text_story = {i: gold[day.copies.get(i, i)] for i in range(len(rows)) if i not in set(day.blank)}
    best = [[i for i in text_story if text_story[i] == name] for name in set(text_story.values())]
    ceiling = score(data, rows, [story for story in best if story] + [[i] for i in day.blank])
    print(json.dumps({"ceiling_copies_together_blank_alone": ceiling, "as_grouped": score(data, rows, stories)}))


def _openings(rows: list[dict], story: list[int], words: int = 8) -> list[str]:
    return [" ".join(rows[i]["text"].split()[:words]) for i in story[:3]]


def cross_validate(data: Path, rows: list[dict], articles: list[Article], base: GroupingOptions) -> None:
    """Group all rows as one day per candidate; choose on 4 folds' labels, score the 5th fold's articles."""
    vectors = encode([lead_text(a, base.lead_words) for a in articles])
    day = PreparedDay.of(articles, options=base, vectors=vectors)
    fold = folds_of(rows)
    candidates = [
        replace(base, shared_neighbours=k, related_floor=r, threshold=float(t))
        for k in SHARED
        for r in RELATED
        for t in THRESHOLDS
    ]
    groupings = [day.stories(options) for options in candidates]
    labels = [(o.shared_neighbours, o.related_floor, o.threshold) for o in candidates]
    summary = choose_and_score(data, rows, fold, groupings, labels, "shared_neighbours_related_floor_threshold")
    print(json.dumps({**summary, "full_dev_at_defaults": score(data, rows, day.stories(base))}))


def choose_and_score(
    data: Path, rows: list[dict], fold: np.ndarray, groupings: list[list[list[int]]], labels: list, name: str
) -> dict:
    """For each fold, the grouping (of `groupings`, one per candidate labelled by `labels`) with the best B-cubed F1
    on the other folds' rows, scored by score.py on the fold's rows; prints one line per fold, returns the summary."""
    gold = [r["cluster"] for r in rows]
    results, chosen = [], []
    for held_out in range(FOLDS):
        training = [subset_f1(stories, gold, fold != held_out) for stories in groupings]
        best = int(np.argmax(training))  # the first of equally good candidates
        test = np.flatnonzero(fold == held_out)
        stories = [[int(np.searchsorted(test, i)) for i in story if fold[i] == held_out] for story in groupings[best]]
        results.append(score(data, [rows[i] for i in test], [story for story in stories if story]))
        chosen.append(labels[best])
        print(json.dumps({"fold": held_out, name: chosen[-1], **results[-1]}))
    f1 = [r["bcubed_f1"] for r in results]
    return {
        "cv_bcubed_f1_mean": round(float(np.mean(f1)), 2),
        "cv_min": min(f1),
        "cv_max": max(f1),
        "cv_std": round(float(np.std(f1)), 2),
        "chosen": chosen,
    }


def sparse_cross_validate(
    data: Path, rows: list[dict], articles: list[Article], base: GroupingOptions, days: int, seed: int = 1
) -> None:
    """Cross-validate `lone_similarity` on simulated sparse days: each day takes 1 or 2 articles (a seeded draw) of
    every gold story, so an article has at most one related neighbour. All days are grouped per candidate; rows are
    the days' articles pooled (ids and stories made unique per day), folds as in `--cv`."""
    vectors = encode([lead_text(a, base.lead_words) for a in articles])
    gold = np.array([r["cluster"] for r in rows])
    rng = np.random.default_rng(seed)
    members = [np.flatnonzero(gold == story) for story in sorted(set(gold))]
    drawn = [
        np.sort(np.concatenate([rng.choice(m, size=rng.integers(1, 3), replace=False) for m in members]))
        for _ in range(days)
    ]
    prepared = [PreparedDay.of([articles[i] for i in day], options=base, vectors=vectors[day]) for day in drawn]
    pooled = [
        {**rows[i], "id": f"{d}:{rows[i]['id']}", "cluster": f"{d}:{gold[i]}"}
        for d, day in enumerate(drawn)
        for i in day
    ]
    offsets = np.cumsum([0, *(len(day) for day in drawn)])
    groupings = [
        [[int(offsets[d] + i) for i in story] for d, day in enumerate(prepared) for story in day.stories(options)]
        for options in (replace(base, lone_similarity=float(lone)) for lone in LONE_SIMILARITIES)
    ]
    fold = folds_of(rows)[np.concatenate(drawn)]
    summary = choose_and_score(data, pooled, fold, groupings, LONE_SIMILARITIES.tolist(), "lone_similarity")
    at = {
        float(lone): score(data, pooled, g)["bcubed_f1"] for lone, g in zip(LONE_SIMILARITIES, groupings, strict=True)
    }
    print(json.dumps({**summary, "days": days, "articles": len(pooled), "pooled_bcubed_f1_by_lone_similarity": at}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--threshold", type=float, default=GroupingOptions.threshold)
    parser.add_argument("--neighbours", type=int, default=GroupingOptions.neighbours)
    parser.add_argument("--lead-words", type=int, default=GroupingOptions.lead_words)
    parser.add_argument("--shared-neighbours", type=int, default=GroupingOptions.shared_neighbours)
    parser.add_argument("--related-floor", type=float, default=GroupingOptions.related_floor)
    parser.add_argument("--cv", action="store_true", help="5-fold cross-validation of the constants.")
    parser.add_argument("--errors", action="store_true", help="Merged and split gold stories, and the ceiling.")
    parser.add_argument(
        "--sparse-cv", type=int, metavar="DAYS", help="Cross-validate lone_similarity on DAYS sparse days."
    )
    args = parser.parse_args()
    options = GroupingOptions(
        threshold=args.threshold,
        neighbours=args.neighbours,
        lead_words=args.lead_words,
        shared_neighbours=args.shared_neighbours,
        related_floor=args.related_floor,
    )
    rows, articles = load(args.data)
    if args.cv:
        cross_validate(args.data, rows, articles, options)
        return
    if args.sparse_cv:
        sparse_cross_validate(args.data, rows, articles, options, args.sparse_cv)
        return
    day = PreparedDay.of(articles, options=options)
    if args.errors:
        print_errors(args.data, rows, day, day.stories(options))
    else:
        print(json.dumps(score(args.data, rows, day.stories(options))))


if __name__ == "__main__":
    main()
