"""Language check of real saved pages: every English page kept, every other one skipped naming its language.

    python bench/language_eval.py ../shared/eval/data/html

Each page folder holds `source.html` and `expected-metadata.json`; the publisher's declared `lang` (its primary
subtag) is the truth where there is one, pages that declare none are listed apart. Each page goes through the
real ingest path (`page_article`: trafilatura, then the checks every article passes) with default options. Nothing
here was tuned on these pages: the identifier is py3langid's stock model and its plain argmax.
Prints one JSON object: counts, and per page the declared language, the outcome and the skip reason.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from newsbrief.ingest.options import IngestOptions
from newsbrief.ingest.pages import page_article
from newsbrief.records import Article
from newsbrief.text import language_name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path, help="folder of page folders (../shared/eval/data/html)")
    folders = sorted(p for p in parser.parse_args().pages.iterdir() if (p / "source.html").is_file())
    rows = []
    started = time.perf_counter()
    for folder in folders:
        declared = json.loads((folder / "expected-metadata.json").read_text()).get("lang")
        truth = declared.split("-")[0].lower() if declared else None
        result = page_article((folder / "source.html").read_bytes(), folder.name, None, IngestOptions())
        kept = isinstance(result, Article)
        reason = None if kept else result.reason
        if truth is None:
            correct = None
        elif truth == "en":
            correct = kept
        else:
            correct = reason is not None and f"not English ({language_name(truth)}" in reason
        rows.append({"page": folder.name, "declared": declared, "kept": kept, "reason": reason, "correct": correct})
    judged = [row for row in rows if row["correct"] is not None]
    english = [row for row in judged if row["declared"].lower().startswith("en")]
    summary = {
        "pages": len(rows),
        "english_kept": f"{sum(row['kept'] for row in english)}/{len(english)}",
        "other_named": f"{sum(row['correct'] for row in judged if row not in english)}/{len(judged) - len(english)}",
        "undeclared": {row["page"]: row["reason"] or "kept" for row in rows if row["correct"] is None},
        "seconds": round(time.perf_counter() - started, 1),
        "per_page": rows,
    }
    print(json.dumps(summary, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
