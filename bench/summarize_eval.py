"""Run a summariser over a summarisation dev file and score it with the independent scorer.

    python bench/summarize_eval.py ../shared/eval/data/summarize/cnndm_dev.jsonl --sentences 3 [--method centrality]
        [--words N] [--out pred.jsonl] [--cache /tmp/emb.npz]

Writes PRED rows `{id, summary: [sentences]}` and, when ../shared/eval/score.py is there, prints its JSON line.
`--cache` keeps sentence embeddings between runs (text -> vector), so trying selection changes costs no MiniLM time.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scoring import scorer_line

from newsbrief.records import Article
from newsbrief.summarise import SummaryOptions, centrality, get_summariser

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def cached_encoder(path: Path):
    """`encode` with a text -> vector store on disk, saved after every call that embedded something new."""
    store: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path) as saved:
            store = dict(zip(saved["texts"].tolist(), saved["vectors"], strict=True))
    encode = centrality.encode

    def encode_cached(texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return encode(texts)
        missing = sorted({t for t in texts if t not in store})
        if missing:
            store.update(zip(missing, encode(missing), strict=True))
            np.savez(path, texts=np.array(list(store)), vectors=np.stack(list(store.values())))
        return np.array([store[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)

    return encode_cached


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--method", default="centrality")
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--words", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("/tmp/newsbrief-summarize-pred.jsonl"))
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()

    if args.cache:
        centrality.encode = cached_encoder(args.cache)
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    articles = [Article(id=r["id"], url=None, source="eval", title=r.get("title", ""), text=r["text"]) for r in rows]
    summariser = get_summariser(args.method, SummaryOptions(sentences=args.sentences, words=args.words))
    with args.out.open("w", encoding="utf-8") as out:
        for summary in summariser.summarise(articles):
            out.write(json.dumps({"id": summary.article_id, "summary": [s.text for s in summary.sentences]}) + "\n")
    line = scorer_line("summarize", args.data, args.out)
    if line is not None:
        print(line, flush=True)


if __name__ == "__main__":
    main()
