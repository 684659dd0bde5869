"""Precision of "who did what" triples on news nobody here wrote: a seeded sample to judge, and its score.

    python bench/triples_eval.py sample [--html DIR] [--summarize FILE ...] [--n 100] [--seed 10]
    python bench/triples_eval.py score [--judged bench/triples_judged.jsonl]

`sample` reads the saved pages in `../shared/eval/data/html` the way a page source is read (`page_article`:
trafilatura's main text, non-English and too-short pages skipped) and the articles of
`../shared/eval/data/summarize/{cnndm,xsum}_dev.jsonl`, runs the `newsbrief facts` command on them all, checks that
every span slices its article, and writes `--n` events drawn with `random.Random(seed)` from all of them, in a
fixed order, to `bench/triples_sample.jsonl`: per row the index, source file, article id, sentence, the triple as
the brief's data carries it (`shown`, with its flags), and the offsets of the sentence, subject and object. It
prints the article and triple counts.

`score` joins a judgments file (rows `{"index", "correct": true/false, "why"}`, one per sampled row, written by a
reader of the source sentences) with the sample and prints the precision, its 95% Wilson interval, whether it
reaches the 90% the brief needs, and the wrong triples with the reasons given. A triple is correct when, read with
its flags, it says only what its sentence says: the subject does (or undergoes, when passive) the action to the
object; a negated, modal or reported triple is read as exactly that.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from newsbrief.ingest.options import IngestOptions
from newsbrief.ingest.pages import page_article
from newsbrief.records import Article

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared/eval/data"
SAMPLE = ROOT / "bench/triples_sample.jsonl"
JUDGED = ROOT / "bench/triples_judged.jsonl"
TARGET = 0.90


def page_rows(folder: Path) -> list[dict]:  # type: ignore[type-arg]
    """One input row per English page folder (`source.html`), read as `newsbrief` reads a saved page."""
    rows = []
    for page in sorted(p for p in folder.iterdir() if (p / "source.html").is_file()):
        found = page_article((page / "source.html").read_bytes(), str(page), None, IngestOptions())
        if isinstance(found, Article):
            published = found.published.isoformat() if found.published else None
            rows.append({"id": page.name, "text": found.text, "published": published, "file": f"html/{page.name}"})
    return rows


def jsonl_rows(path: Path) -> list[dict]:  # type: ignore[type-arg]
    with path.open(encoding="utf-8") as lines:
        return [
            {"id": str(r["id"]), "text": r["text"], "file": f"{path.parent.name}/{path.name}"}
            for r in map(json.loads, lines)
        ]


def run_facts(rows: list[dict], workdir: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    """The `newsbrief facts` command's output rows by article id."""
    inputs, output = workdir / "input.jsonl", workdir / "facts.jsonl"
    with inputs.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps({k: v for k, v in row.items() if k != "file" and v}, ensure_ascii=False) + "\n")
    command = [sys.executable, "-c", "from newsbrief.cli import app; app()", "facts", str(inputs), "-o", str(output)]
    subprocess.run(command, check=True, cwd=ROOT)
    with output.open(encoding="utf-8") as lines:
        return {row["id"]: row for row in map(json.loads, lines)}


def shown(event: dict) -> str:  # type: ignore[type-arg]
    """The triple in one line, with what qualifies it spelled out."""
    flags = [name for name in ("negated", "passive", "reported") if event[name]]
    flags += [f"modal: {event['modal']}"] if event["modal"] else []
    return f"{event['subject']} — {event['action']} — {event['object']}" + (f"  [{', '.join(flags)}]" if flags else "")


def sample_rows(rows: list[dict], facts: dict[str, dict], n: int, seed: int) -> tuple[list[dict], int]:  # type: ignore[type-arg]
    """`n` triples drawn at random (seeded) from all of them, each with its sentence and offsets."""
    triples = []
    for row in rows:
        text = row["text"]
        for event in facts[row["id"]]["events"]:
            for span in (event, event["subject_span"], event["object_span"]):
                assert text[span["start"] : span["end"]] == span["text"], (row["id"], span)
            triples.append((row, event))
    picked = random.Random(seed).sample(range(len(triples)), min(n, len(triples)))
    sample = []
    for index, position in enumerate(sorted(picked)):
        row, event = triples[position]
        sample.append(
            {
                "index": index,
                "file": row["file"],
                "article_id": row["id"],
                "sentence": event["text"],
                "sentence_start": event["start"],
                "sentence_end": event["end"],
                "shown": shown(event),
                "subject": event["subject"],
                "action": event["action"],
                "object": event["object"],
                "subject_start": event["subject_span"]["start"],
                "subject_end": event["subject_span"]["end"],
                "object_start": event["object_span"]["start"],
                "object_end": event["object_span"]["end"],
                **{name: event[name] for name in ("negated", "modal", "passive", "reported")},
            }
        )
    return sample, len(triples)


def wilson(correct: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion (sound at 100 draws and proportions near 1)."""
    p = correct / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return round(centre - half, 3), round(centre + half, 3)


def score(sample_path: Path, judged_path: Path) -> dict:  # type: ignore[type-arg]
    sample = {row["index"]: row for row in map(json.loads, sample_path.read_text(encoding="utf-8").splitlines())}
    judged = {row["index"]: row for row in map(json.loads, judged_path.read_text(encoding="utf-8").splitlines())}
    if set(judged) != set(sample):
        raise SystemExit(f"judgments cover {len(set(judged) & set(sample))} of {len(sample)} sampled triples")
    correct = sum(bool(row["correct"]) for row in judged.values())
    precision = correct / len(judged)
    return {
        "judged": len(judged),
        "correct": correct,
        "precision": round(precision, 3),
        "wilson_95": wilson(correct, len(judged)),
        "meets_target": precision >= TARGET,
        "wrong": [
            {"index": i, "shown": sample[i]["shown"], "why": judged[i].get("why", "")}
            for i in sorted(judged)
            if not judged[i]["correct"]
        ],
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("sample", help="run `newsbrief facts` and write the seeded sample")
    make.add_argument("--html", type=Path, default=DATA / "html")
    make.add_argument(
        "--summarize",
        type=Path,
        nargs="*",
        default=[DATA / "summarize/cnndm_dev.jsonl", DATA / "summarize/xsum_dev.jsonl"],
    )
    make.add_argument("--n", type=int, default=100)
    make.add_argument("--seed", type=int, default=10)
    make.add_argument("--out", type=Path, default=SAMPLE)
    judge = commands.add_parser("score", help="precision of the sample from a judgments file")
    judge.add_argument("--sample", type=Path, default=SAMPLE)
    judge.add_argument("--judged", type=Path, default=JUDGED)
    args = parser.parse_args(argv)
    if args.command == "score":
        print(json.dumps(score(args.sample, args.judged), ensure_ascii=False, indent=2))
        return 0
    rows = page_rows(args.html) + [row for path in args.summarize for row in jsonl_rows(path)]
    if len({row["id"] for row in rows}) != len(rows):
        raise SystemExit("article ids repeat across the inputs: the facts output could not be joined back")
    with tempfile.TemporaryDirectory() as workdir:
        facts = run_facts(rows, Path(workdir))
    sample, total = sample_rows(rows, facts, args.n, args.seed)
    with args.out.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in sample)
    per_source = {name: sum(r["file"].startswith(name) for r in rows) for name in ("html", "summarize")}
    print(json.dumps({"articles": per_source, "triples": total, "sampled": len(sample), "out": str(args.out)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
