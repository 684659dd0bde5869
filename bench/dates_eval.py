"""Time expressions measured on TempEval-3 news (TimeBank + AQUAINT, TimeML values); prints JSON.

    python bench/dates_eval.py [DATA.jsonl]          # `newsbrief facts` on {id, text, published} rows, scored whole
                                                     # and on 5 folds of the articles
    python bench/dates_eval.py [DATA.jsonl] --cv     # also choose `NEAR_DAYS` on 4 folds, score it on the fifth
    python bench/dates_eval.py [DATA.jsonl] --errors # also count the misses by gold type and kind of expression

DATA defaults to `../shared/eval/data/dates/tbaq_dev.jsonl`; the scorer is `../shared/eval/score.py dates` (DATE
value F1 and all-types value F1, relaxed match). The facts stage runs with spaCy's tagger alone
(`NEWSBRIEF_FACTS_NER=spacy`): dates come from spaCy's parse whichever entity tagger runs, and the CoNLL tagger would
only add minutes. Folds: articles sorted by id and dealt round-robin after a seeded shuffle, so every run splits alike.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import scorer_line

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared/eval/data/dates/tbaq_dev.jsonl"
FOLDS = 5
NEAR_DAYS_GRID = (183, 220, 250, 280, 366)  # 183: always the nearest year; 366: always the tense's choice
REPORTED = ("value_f1", "all_types_value_f1", "extract_f1", "value_accuracy")
# coarse kinds of expression for the error table, first match wins
KINDS = (
    ("weekday", r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"),
    ("week", r"\bweek"),
    ("quarter or year back", r"quarter|period|year.(?:ago|earlier)"),
    ("month", r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"),
    ("reference word", r"\b(?:now|current(?:ly)?|recent(?:ly)?|future|soon|previously|already|past)\b"),
    ("today, yesterday", r"\b(?:today|tonight|yesterday|tomorrow)\b"),
    ("year", r"\d{4}|\byear"),
    ("day or time of day", r"\b(?:days?|night|morning|evening|afternoon|noon|a\.m|p\.m)\b"),
    ("other length or unit", r"\b(?:hours?|minutes?|months|decades?|centur)"),
)


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_rows(path: Path, rows: Sequence[dict]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return path


def fold_of(ids: Sequence[str], folds: int = FOLDS, seed: int = 0) -> dict[str, int]:
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    return {doc_id: i % folds for i, doc_id in enumerate(order)}


def score(data: Sequence[dict], predictions: Sequence[dict], work: Path) -> dict:
    """score.py dates on these data rows and predictions (rows matched by id)."""
    line = scorer_line("dates", write_rows(work / "data.jsonl", data), write_rows(work / "pred.jsonl", predictions))
    if line is None or not line.startswith("{"):
        raise SystemExit(f"score.py failed: {line}")
    return json.loads(line)


def per_fold(data: Sequence[dict], predictions: Sequence[dict], folds: dict[str, int], work: Path) -> list[dict]:
    return [
        {key: result[key] for key in REPORTED}
        for k in range(FOLDS)
        for result in [score([r for r in data if folds[r["id"]] == k], predictions, work)]
    ]


def run_facts(data: Sequence[dict], work: Path) -> list[dict]:
    """The `newsbrief facts` command on {id, text, published} rows; its output rows."""
    inputs = write_rows(
        work / "in.jsonl", [{"id": r["id"], "text": r["text"], "published": r["published"]} for r in data]
    )
    output = work / "facts.jsonl"
    command = [sys.executable, "-c", "from newsbrief.cli import app; app()", "facts", str(inputs), "-o", str(output)]
    subprocess.run(command, check=True, cwd=ROOT, env=os.environ | {"NEWSBRIEF_FACTS_NER": "spacy"})
    return read_rows(output)


def kind_of(text: str) -> str:
    lowered = text.casefold()
    return next((kind for kind, pattern in KINDS if re.search(pattern, lowered)), "other")


def error_table(data: Sequence[dict], predictions: Sequence[dict]) -> dict[str, dict[str, int]]:
    """Counts of outcomes by gold type and kind of expression: a gold timex is `right` when a prediction overlapping it
    has its value, `wrong` when overlapping ones all have another, `missed` when none overlaps; a prediction that
    overlaps no gold timex is `spurious` (by its own kind). Values are compared as score.py does only roughly
    (case and trailing -XX), so the counts guide the analysis; the F1 figures come from score.py."""
    by_id = {row["id"]: row.get("dates", []) for row in predictions}
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for row in data:
        found = by_id.get(row["id"], [])
        touched = set()
        for gold in row["timexes"]:
            overlapping = [i for i, p in enumerate(found) if p["start"] < gold["end"] and gold["start"] < p["end"]]
            touched.update(overlapping)
            wanted = _plain(gold["value"])
            outcome = (
                "missed"
                if not overlapping
                else "right"
                if any(_plain(found[i].get("iso")) == wanted for i in overlapping)
                else "wrong"
            )
            table[f"{gold['type']} {kind_of(gold['text'])}"][outcome] += 1
        for i, p in enumerate(found):
            if i not in touched:
                table[f"(none) {kind_of(p['text'])}"]["spurious"] += 1
    return {key: dict(counts) for key, counts in sorted(table.items())}


def _plain(value: str | None) -> str | None:
    return re.sub(r"(?:-XX)+$", "", value.upper()) if value else None


def cross_validate(data: Sequence[dict], folds: dict[str, int], work: Path) -> dict:
    """For each fold: the `NEAR_DAYS` with the best DATE value F1 on the other folds, and its score on this one."""
    from newsbrief.facts import load_nlp
    from newsbrief.facts.dates import extract_dates
    from newsbrief.facts.parse import parse_articles
    from newsbrief.ingest.build import parse_datetime
    from newsbrief.records import Article

    articles = [Article(r["id"], None, "", "", r["text"], parse_datetime(r["published"])) for r in data]
    parsed = list(parse_articles(articles, load_nlp()))
    predictions = {
        near: [
            {
                "id": p.article.id,
                "dates": [{"start": d.start, "end": d.end, "iso": d.iso} for d in extract_dates(p, near)],
            }
            for p in parsed
        ]
        for near in NEAR_DAYS_GRID
    }
    chosen = []
    for k in range(FOLDS):
        train = [r for r in data if folds[r["id"]] != k]
        test = [r for r in data if folds[r["id"]] == k]
        train_f1 = {near: score(train, predictions[near], work)["value_f1"] for near in NEAR_DAYS_GRID}
        best = max(NEAR_DAYS_GRID, key=lambda near: (train_f1[near], -abs(near - 250)))
        held_out = score(test, predictions[best], work)
        chosen.append(
            {"fold": k, "near_days": best, "train_value_f1": train_f1, "held_out_value_f1": held_out["value_f1"]}
        )
    return {"grid": NEAR_DAYS_GRID, "folds": chosen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cv", action="store_true", help="choose NEAR_DAYS by cross-validation over the folds")
    parser.add_argument("--errors", action="store_true", help="count the misses by gold type and kind of expression")
    args = parser.parse_args()
    data = read_rows(args.data)
    folds = fold_of([r["id"] for r in data])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        predictions = run_facts(data, work)
        report: dict = {"data": str(args.data), "whole": score(data, predictions, work)}
        fold_scores = per_fold(data, predictions, folds, work)
        report["folds"] = fold_scores
        for key in ("value_f1", "all_types_value_f1"):
            values = [f[key] for f in fold_scores]
            report[f"{key}_fold_range"] = [min(values), max(values)]
        if args.errors:
            report["errors"] = error_table(data, predictions)
        if args.cv:
            report["cv_near_days"] = cross_validate(data, folds, work)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
