"""Main-text extraction of saved news pages against their expected article text (bag-of-words token F1).

    python bench/pages_eval.py ../shared/eval/data/html

Each page folder holds `source.html`, `expected.html` and `expected-metadata.json`; non-English pages are left out
(the brief is English-only). Prints one JSON object: mean precision / recall / F1, exact title matches, per page F1.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path

import lxml.html

from newsbrief.ingest.pages import extract_page

_WORD = re.compile(r"\w+")


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))


def token_f1(predicted: str, expected: str) -> tuple[float, float, float]:
    got, want = words(predicted), words(expected)
    common = sum((got & want).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path, help="folder of page folders (../shared/eval/data/html)")
    args = parser.parse_args()
    started = time.perf_counter()
    scores: dict[str, tuple[float, float, float]] = {}
    titles = 0
    for folder in sorted(p for p in args.pages.iterdir() if p.is_dir()):
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        if not (meta.get("lang") or "en").lower().startswith("en"):
            continue
        expected = lxml.html.fromstring((folder / "expected.html").read_bytes()).text_content()
        page = extract_page((folder / "source.html").read_bytes(), None)
        scores[folder.name] = token_f1(page.text if page else "", expected)
        titles += bool(page and page.title and meta.get("title") and words(page.title) == words(meta["title"]))
    n = len(scores)
    mean = [round(sum(s[i] for s in scores.values()) / n, 3) for i in range(3)]
    print(
        json.dumps(
            {
                "pages": n,
                "precision": mean[0],
                "recall": mean[1],
                "f1": mean[2],
                "titles_exact": titles,
                "seconds": round(time.perf_counter() - started, 1),
                "f1_per_page": {k: round(v[2], 3) for k, v in scores.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
