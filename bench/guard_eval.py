"""Scores the hallucination guard as a faithfulness classifier on {id, source, summary, label} JSONL files.

    python bench/guard_eval.py ../shared/eval/data/factuality/qags_cnndm_dev.jsonl [MORE.jsonl ...]
        [--threshold 0.5] [--scorer ../shared/eval/score.py] [--pred-dir DIR]

For each file it writes PRED rows {id, score, consistent} (score = `guard.summary_score`, consistent = no sentence
flagged), runs the independent scorer's `consistency` task on them and prints one JSON object with its figures.
Summaries in these files are often lower-cased, so they are split at every sentence-final mark rather than with
`split_sentences`, which needs a capital to start a sentence.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsbrief.summarise.guard import DEFAULT_SUPPORT_THRESHOLD, Guard, summary_score

_DEFAULT_SCORER = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "score.py"


def predict(rows: list[dict], guard: Guard) -> list[dict]:
    summaries = [[s for s in re.split(r"(?<=[.!?])\s+", r["summary"].strip()) if s] for r in rows]
    checks = guard.check_batch([r["source"] for r in rows], summaries)
    return [
        {"id": r["id"], "score": round(summary_score(c), 4), "consistent": all(x.ok for x in c)}
        for r, c in zip(rows, checks, strict=True)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="+", type=Path)
    parser.add_argument("--threshold", type=float, default=DEFAULT_SUPPORT_THRESHOLD)
    parser.add_argument("--scorer", type=Path, default=_DEFAULT_SCORER)
    parser.add_argument("--pred-dir", type=Path, default=None, help="keep the PRED files here (default: temporary)")
    args = parser.parse_args(argv)
    guard = Guard(support_threshold=args.threshold)
    out_dir = args.pred_dir or Path(tempfile.mkdtemp(prefix="guard_eval_"))
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"threshold": args.threshold}
    for path in args.data:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        started = time.perf_counter()
        preds = predict(rows, guard)
        seconds = time.perf_counter() - started
        pred_path = out_dir / f"{path.stem}.pred.jsonl"
        pred_path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
        scored = subprocess.run(
            [sys.executable, str(args.scorer), "consistency", str(path), str(pred_path)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(scored.stdout.strip().splitlines()[-1])
        report[path.stem] = {**result, "seconds": round(seconds, 1), "pred": str(pred_path)}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
