"""Speed of the default summariser against a distilbart-cnn-12-6-shaped abstractive model, in one run.

    python bench/summarize.py [DATA.jsonl] [--articles 125] [--bart-articles 3] [--method centrality]

DATA is a summarisation file with `text` fields (e.g. ../shared/eval/data/summarize/cnndm_dev.jsonl); without it the
bundled seeds/articles are joined into CNN/DM-length texts, or synthetic text is made if those are absent too.
The reference model has distilbart-cnn-12-6's shape (12+6 layers, d_model 1024) with random weights: the same
compute, no download. It decodes with beam 4, 56..80 new tokens, from random token ids as long as the article
(~1.3 tokens per word, at most 1024). Prints one JSON object; `speedup` is summariser articles/s over the model's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

import torch

from newsbrief.records import Article
from newsbrief.summarise import SummaryOptions, get_summariser

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent
TOKENS_PER_WORD = 1.3  # BPE tokens per English word, roughly


def load_texts(data: Path | None, count: int) -> tuple[list[str], str]:
    """`count` article texts (repeated if the source has fewer) and where they came from."""
    seeds = sorted((REPO / "seeds/articles").glob("*.md"))
    if data is not None and data.exists():
        texts, source = [json.loads(line)["text"] for line in data.open(encoding="utf-8") if line.strip()], str(data)
    elif seeds:
        bodies = [p.read_text(encoding="utf-8").split("---", 2)[-1] for p in seeds]
        texts = [" ".join(bodies[(i + j) % len(bodies)] for j in range(3)) for i in range(len(bodies))]
        source = "seeds/articles"
    else:
        texts, source = [_synthetic(i) for i in range(count)], "synthetic"
    return (texts * (count // len(texts) + 1))[:count], source


def _synthetic(seed: int, words: int = 600) -> str:
    """News-shaped filler: sentences of 8-35 words from a small vocabulary, so splitting and scoring do real work."""
    rng = random.Random(seed)
    vocab = "council flood river police minister rescued people said on the in of and a to was after year city".split()
    out, total = [], 0
    while total < words:
        n = rng.randint(8, 35)
        out.append(" ".join(rng.choice(vocab) for _ in range(n)).capitalize() + ".")
        total += n
    return " ".join(out)


def time_summariser(texts: list[str], method: str) -> dict:
    articles = [Article(id=str(i), url=None, source="bench", title="", text=t) for i, t in enumerate(texts)]
    summariser = get_summariser(method, SummaryOptions())
    start = time.perf_counter()
    summariser.summarise(articles[:2])  # loads the model: reported apart from the steady-state rate
    warmup = time.perf_counter() - start
    start = time.perf_counter()
    summaries = summariser.summarise(articles)
    seconds = time.perf_counter() - start
    words = sum(len(s.text.split()) for summary in summaries for s in summary.sentences) / len(summaries)
    return {
        "articles": len(articles),
        "seconds": round(seconds, 3),
        "articles_per_s": round(len(articles) / seconds, 3),
        "first_call_s": round(warmup, 2),
        "mean_summary_words": round(words, 1),
    }


def time_distilbart_shape(texts: list[str]) -> dict:
    from transformers import BartConfig, BartForConditionalGeneration

    config = BartConfig(
        d_model=1024,
        encoder_layers=12,
        decoder_layers=6,
        encoder_attention_heads=16,
        decoder_attention_heads=16,
        encoder_ffn_dim=4096,
        decoder_ffn_dim=4096,
        vocab_size=50264,
    )
    torch.manual_seed(0)
    model = BartForConditionalGeneration(config).eval()
    lengths = [min(1024, max(16, int(len(t.split()) * TOKENS_PER_WORD))) for t in texts]
    start = time.perf_counter()
    new_tokens = []
    with torch.inference_mode():
        for n in lengths:
            ids = torch.randint(4, config.vocab_size, (1, n))
            out = model.generate(
                ids, attention_mask=torch.ones_like(ids), num_beams=4, min_new_tokens=56, max_new_tokens=80
            )
            new_tokens.append(out.shape[1])
    seconds = time.perf_counter() - start
    return {
        "articles": len(texts),
        "input_tokens": lengths,
        "output_tokens": new_tokens,
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(texts) / seconds, 5),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", default=None)
    parser.add_argument("--articles", type=int, default=125)
    parser.add_argument("--bart-articles", type=int, default=3)
    parser.add_argument("--method", default="centrality")
    args = parser.parse_args()

    texts, source = load_texts(args.data, max(args.articles, args.bart_articles))
    ours = time_summariser(texts[: args.articles], args.method)
    bart = time_distilbart_shape(texts[: args.bart_articles])
    print(
        json.dumps(
            {
                "source": source,
                "torch_threads": torch.get_num_threads(),
                "summariser": {"method": args.method, **ours},
                "distilbart_cnn_12_6_shape": bart,
                "speedup": round((ours["articles"] / ours["seconds"]) / (bart["articles"] / bart["seconds"]), 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
