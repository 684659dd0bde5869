"""Story grouping on the DUC 2004 clustering dev set, scored by the independent scorer (B-cubed F1).

    python bench/stories_eval.py ../shared/eval/data/cluster/duc2004_dev.jsonl [--threshold 0.4]

Writes the {id, story} predictions next to a temp file, runs score.py beside the data, prints its JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from newsbrief.embed import encode
from newsbrief.stories import DEFAULT_THRESHOLD, cluster, lead_text

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled models never need the hub


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    groups = cluster(encode([lead_text(r["text"]) for r in rows]), args.threshold)
    story_of = {rows[i]["id"]: n for n, members in enumerate(groups) for i in members}
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        out.writelines(json.dumps({"id": r["id"], "story": story_of[r["id"]]}) + "\n" for r in rows)
    scorer = args.data.resolve().parents[2] / "score.py"
    result = subprocess.run(
        [sys.executable, str(scorer), "cluster", str(args.data), out.name], capture_output=True, text=True, check=True
    )
    print(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
