"""Score the shipped NER model on a CoNLL-2003 file exactly as the shared scorer defines it.

    python bench/ner_eval.py ../shared/eval/data/ner/conll2003_testa.jsonl [--pred /tmp/ner_pred.jsonl]
    python bench/ner_eval.py ../shared/eval/data/ner/conll2003_testa.jsonl --ablate

Without options it asks `score.py ner-input` for the texts, tags them with `predict_entities` (the tagger alone),
writes `{id, entities}` rows, runs `score.py ner` on them, and prints one JSON object: the scorer's figures, per-type
precision/recall (computed with the scorer's own gold spans), load time, articles/s, words/s and peak RSS.

`--ablate` measures every rule around the model the way `newsbrief facts` applies it (spaCy parse, the tagger on the
parse's chunks, `extract_entities`, `check_spans`): the full stage, then the stage with each rule swapped for its
no-op, one at a time, and prints one JSON object with the F1 of each. Rules that only merge mentions into entities
cannot move a span score and are listed so that their zero is measured, not assumed. Ablations are for testa: the
dev file is scored once, at the end, through `newsbrief facts` (models/ner/README.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

import numpy as np

from newsbrief.facts import check_spans, load_nlp, ner_model
from newsbrief.facts import entities as rules
from newsbrief.facts.ner_model import TYPES, load_tagger, predict_entities, word_spans
from newsbrief.facts.parse import Parsed, parse_articles
from newsbrief.records import Article, Facts

Spans = list[list[tuple[int, int, str]]]
_NEVER = re.compile(r"(?!)")

# Each rule and what replaces it when it is left out: (module, attribute, no-op). "join_split_names" and
# "bio_viterbi" act inside the tagger and are handled where the spans are made (see `tagged_spans`).
ABLATIONS: dict[str, list[tuple[object, str, object]]] = {
    "join_split_names": [],
    "bio_viterbi": [],
    "trim_leading_the_and_quotes": [(rules, "_LEADING", _NEVER)],
    "trim_trailing_possessive_and_punctuation": [(rules, "_TRAILING", _NEVER)],
    "per_name_type_votes": [(rules, "_person_votes", lambda mentions: [m.label == "PERSON" for m in mentions])],
    "bare_org_word_may_be_a_surname": [(rules, "_bare_surname", lambda mention, key: False)],
    "names_of_a_person_typed_person": [(rules, "_as_people", lambda mentions: mentions)],
    # merge-only and label-refining rules: expected to leave the span score unchanged
    "spacy_finer_type": [(rules, "_finer_type", lambda conll, spacy: rules._CONLL_TO_SPACY.get(conll, conll))],
    "defined_acronyms": [
        (rules, "acronym_definitions", lambda text: {}),
        (rules, "_spelled_name", lambda mention, key, types: None),
    ],
    "compatible_longer_names": [(rules, "_longer_name", lambda key, kinds, names: None)],
}
TAGGER_ONLY = frozenset({"join_split_names", "bio_viterbi", "spacy_finer_type"})
SPACY_ONLY = frozenset({"trim_leading_the_and_quotes", "trim_trailing_possessive_and_punctuation"})


def run_scorer(scorer: Path, *args: str) -> dict:
    """The JSON object the scorer prints last."""
    out = subprocess.run([sys.executable, str(scorer), *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def load_scorer(scorer: Path):
    """The scorer as a module, to score many variants in one process with its own gold spans and rules."""
    spec = importlib.util.spec_from_file_location("conll_scorer", scorer)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def per_type_pr(scorer: Path, data: Path, predictions: dict[str, set]) -> dict:
    """Precision/recall/F1 per type, using the scorer's gold spans (the scorer itself reports only F1 per type)."""
    module = load_scorer(scorer)
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


def scorer_inputs(scorer: Path, data: Path) -> list[dict]:
    """The {id, text} rows the scorer says the project must be given."""
    inputs = Path(tempfile.mkdtemp(prefix="ner_eval_")) / "ner_in.jsonl"
    run_scorer(scorer, "ner-input", str(data), str(inputs))
    return [json.loads(line) for line in inputs.read_text(encoding="utf-8").splitlines() if line.strip()]


def tagger_alone(args: argparse.Namespace, scorer: Path) -> dict:
    """`predict_entities` on the raw texts, scored, with speed and memory."""
    rows = scorer_inputs(scorer, args.data)
    texts = [row["text"] for row in rows]
    pred_path = args.pred or Path(tempfile.mkdtemp(prefix="ner_eval_")) / "ner_pred.jsonl"
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
    return {
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


def tagged_spans(chunk_texts: Sequence[str], viterbi: bool) -> Spans:
    """The tagger's spans per chunk text before `join_split_names`, decoded with the BIO Viterbi or per-word argmax."""
    decode = ner_model.viterbi_bio if viterbi else (lambda log_probs: [int(i) for i in np.argmax(log_probs, 1)])
    with (
        mock.patch.object(ner_model, "join_split_names", lambda text, spans: spans),
        mock.patch.object(ner_model, "viterbi_bio", decode),
    ):
        return predict_entities(list(chunk_texts))


def facts_rows(parsed: Sequence[Parsed], spans: Iterator[list[tuple[int, int, str]]] | None) -> dict[str, dict]:
    """Prediction rows as `newsbrief facts` writes them, from the entity rules as currently patched (spaCy's
    entities alone when `spans` is None)."""
    rows = {}
    for article in parsed:
        conll = [next(spans) for _ in article.chunks] if spans is not None else None
        facts = check_spans(article.text, Facts(article.article.id, entities=rules.extract_entities(article, conll)))
        entities = [
            {"text": m.text, "label": m.label or e.label, "start": m.start, "end": m.end}
            for e in facts.entities
            for m in e.mentions
        ]
        rows[article.article.id] = {"entities": entities}
    return rows


def ablate(args: argparse.Namespace, scorer: Path) -> dict:
    """F1 of the full facts stage and of the stage without each rule (one left out at a time)."""
    module = load_scorer(scorer)
    data = module.rows(args.data)
    articles = [
        Article(id=row["id"], url=None, source="conll", title="", text=row["text"])
        for row in scorer_inputs(scorer, args.data)
    ]
    parsed = list(parse_articles(articles, load_nlp()))
    chunks = [doc.text for article in parsed for _, doc in article.chunks]
    raw = {} if args.spacy else {True: tagged_spans(chunks, viterbi=True), False: tagged_spans(chunks, viterbi=False)}

    def score(without: str | None) -> dict:
        spans = None
        if not args.spacy:
            spans = raw[without != "bio_viterbi"]
            if without != "join_split_names":
                spans = [ner_model.join_split_names(text, found) for text, found in zip(chunks, spans, strict=True)]
        with ExitStack() as stack:
            for owner, name, replacement in ABLATIONS.get(without or "", []):
                stack.enter_context(mock.patch.object(owner, name, replacement))
            return module.ner(data, facts_rows(parsed, iter(spans) if spans is not None else None))

    full = score(None)
    table: dict[str, dict] = {"full": full}
    for rule in ABLATIONS:
        if rule in (TAGGER_ONLY if args.spacy else SPACY_ONLY):
            continue  # a rule of the other path
        result = score(rule)
        table[f"without {rule}"] = {**result, "gain_f1": round(full["f1"] - result["f1"], 2)}
    tagger = "spacy" if args.spacy else "default"
    scores = {k: v["f1"] for k, v in table.items()}
    return {"data": str(args.data), "tagger": tagger, "articles": len(articles), "f1": scores, "table": table}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="CoNLL JSONL from the shared eval folder")
    parser.add_argument("--scorer", type=Path, help="score.py (default: two folders above the data file)")
    parser.add_argument("--pred", type=Path, help="where to write the prediction rows (default: a temp file)")
    parser.add_argument("--ablate", action="store_true", help="leave-one-out table of the facts stage's rules")
    parser.add_argument("--spacy", action="store_true", help="with --ablate: the spaCy-only path (no CoNLL tagger)")
    args = parser.parse_args()
    scorer = args.scorer or args.data.resolve().parents[2] / "score.py"
    run: Callable[[argparse.Namespace, Path], dict] = ablate if args.ablate else tagger_alone
    print(json.dumps(run(args, scorer)))


if __name__ == "__main__":
    main()
