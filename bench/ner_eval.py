"""Score the shipped NER model on a CoNLL-2003 file exactly as the shared scorer defines it.

    python bench/ner_eval.py ../shared/eval/data/ner/conll2003_dev.jsonl [--pred /tmp/ner_pred.jsonl]

It asks `score.py ner-input` for the texts, tags them with `predict_entities`, writes `{id, entities}` rows, runs
`score.py ner` on them, and prints one JSON object: the scorer's figures, per-type precision/recall (computed with
the scorer's own gold spans), load time, articles/s, words/s and peak RSS.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from newsbrief.facts.ner_model import TYPES, load_tagger, predict_entities, word_spans


def run_scorer(scorer: Path, *args: str) -> dict:
    """The JSON object the scorer prints last."""
    out = subprocess.run([sys.executable, str(scorer), *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def per_type_pr(scorer: Path, data: Path, predictions: dict[str, set]) -> dict:
    """Precision/recall/F1 per type, using the scorer's gold spans (the scorer itself reports only F1 per type)."""
    spec = importlib.util.spec_from_file_location("conll_scorer", scorer)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    counts = {t: Counter() for t in TYPES}
    for doc in module.rows(data):
        gold = module.gold_spans(doc)[1]
        pred = predictions.get(doc["id"], set())
        for name, spans in (("tp", gold & pred), ("fp", pred - gold), ("fn", gold - pred)):
            for span in spans:
                counts[span[2]][name] += 1
    table = {}
    for kind, c in counts.items():
        p = c["tp"] / max(1, c["tp"] + c["fp"])
        r = c["tp"] / max(1, c["tp"] + c["fn"])
        table[kind] = {"p": round(100 * p, 2), "r": round(100 * r, 2), "f1": round(200 * p * r / max(1e-9, p + r), 2)}
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="CoNLL JSONL from the shared eval folder")
    parser.add_argument("--scorer", type=Path, help="score.py (default: two folders above the data file)")
    parser.add_argument("--pred", type=Path, help="where to write the prediction rows (default: a temp file)")
    args = parser.parse_args()
    scorer = args.scorer or args.data.resolve().parents[2] / "score.py"
    workdir = Path(tempfile.mkdtemp(prefix="ner_eval_"))
    inputs, pred_path = workdir / "ner_in.jsonl", args.pred or workdir / "ner_pred.jsonl"
    run_scorer(scorer, "ner-input", str(args.data), str(inputs))
    rows = [json.loads(line) for line in inputs.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [row["text"] for row in rows]

    start = time.perf_counter()
    load_tagger()
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    spans = predict_entities(texts)
    tag_s = time.perf_counter() - start

    with pred_path.open("w", encoding="utf-8") as f:
        for row, text, found in zip(rows, texts, spans, strict=True):
            entities = [{"text": text[s:e], "label": label, "start": s, "end": e} for s, e, label in found]
            f.write(json.dumps({"id": row["id"], "entities": entities}) + "\n")
    words = sum(len(word_spans(text)) for text in texts)
    predictions = {row["id"]: set(found) for row, found in zip(rows, spans, strict=True)}
    report = {
        "data": str(args.data),
        "scorer": run_scorer(scorer, "ner", str(args.data), str(pred_path)),
        "per_type": per_type_pr(scorer, args.data, predictions),
        "articles": len(texts),
        "words": words,
        "load_seconds": round(load_s, 2),
        "tag_seconds": round(tag_s, 2),
        "articles_per_s": round(len(texts) / tag_s, 2),
        "words_per_s": round(words / tag_s, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pred": str(pred_path),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
