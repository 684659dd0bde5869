"""Quotes and speakers on PolNeAR (`../shared/eval/data/quotes/polnear_dev.jsonl`) through `newsbrief facts`.

    python bench/quotes_eval.py [DATA.jsonl] [--folds 5] [--predictions PRED.jsonl]

Builds the `{id, text, title, published}` input rows from the data file, runs the `newsbrief facts` command on them
(or reads earlier predictions with --predictions), scores the whole file and each of `--folds` article folds with
`score.py quotes`, and prints one JSON object: the whole-file scores, per-fold direct and all-attribution F1, and
their spread. Folds are fixed by a hash of the article id, so they never change with the file's order.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from scoring import scorer_line

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/eval/data/quotes/polnear_dev.jsonl"
FOLD_KEYS = ("direct_attrib_f1", "all_attrib_f1", "direct_quote_f1", "all_quote_f1")


def fold_numbers(ids: list[str], folds: int) -> dict[str, int]:
    """Folds of (nearly) equal size, dealt in the order of a hash of the id (crc32), so that a file's row order
    does not change them."""
    ranked = sorted(ids, key=lambda article_id: (zlib.crc32(article_id.encode("utf-8")), article_id))
    return {article_id: rank % folds for rank, article_id in enumerate(ranked)}


def write_rows(path: Path, rows: list[dict]) -> None:  # type: ignore[type-arg]
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def run_facts(data: list[dict], workdir: Path) -> Path:  # type: ignore[type-arg]
    """The `newsbrief facts` command's output for the data's articles (input rows as a user would give them)."""
    inputs = workdir / "input.jsonl"
    write_rows(inputs, [{k: row[k] for k in ("id", "text", "title", "published") if row.get(k)} for row in data])
    predictions = workdir / "facts.jsonl"
    command = [sys.executable, "-m", "newsbrief.cli", "facts", str(inputs), "--output", str(predictions)]
    subprocess.run(command, check=True)
    return predictions


def score(data: list[dict], predictions: Path, workdir: Path, name: str) -> dict:  # type: ignore[type-arg]
    path = workdir / f"{name}.jsonl"
    write_rows(path, data)
    line = scorer_line("quotes", path, predictions)
    if line is None:
        raise SystemExit("score.py not found beside the repository")
    return json.loads(line)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--predictions", type=Path, help="score these facts rows instead of running the command")
    args = parser.parse_args(argv)
    with args.data.open(encoding="utf-8") as f:
        data = [json.loads(line) for line in f if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        predictions = args.predictions or run_facts(data, workdir)
        result = {"data": str(args.data), "whole": score(data, predictions, workdir, "whole")}
        fold = fold_numbers([r["id"] for r in data], args.folds)
        per_fold = [
            score([r for r in data if fold[r["id"]] == k], predictions, workdir, f"fold{k}") for k in range(args.folds)
        ]
    result["folds"] = [{"n": s["n"], **{key: s[key] for key in FOLD_KEYS}} for s in per_fold]
    result["spread"] = {
        key: {
            "mean": round(statistics.mean(s[key] for s in per_fold), 2),
            "min": min(s[key] for s in per_fold),
            "max": max(s[key] for s in per_fold),
            "stdev": round(statistics.stdev(s[key] for s in per_fold), 2),
        }
        for key in FOLD_KEYS
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
