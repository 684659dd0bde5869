"""Bounded cost of `newsbrief run`: time, peak memory and brief size on inputs built to be too big; prints JSON.

    .venv/bin/python bench/limits.py article          # one 1 MB article          (target: < 20 s, < 1.5 GB RSS)
    .venv/bin/python bench/limits.py run-on           # a 100 KB paragraph without punctuation (brief.json size)
    .venv/bin/python bench/limits.py feed             # a 2,000-item full-text feed served from 127.0.0.1 (< 300 s)
    .venv/bin/python bench/limits.py calibrate ../shared/eval/data --folds 5

The inputs are invented: the seed articles' paragraphs, numbered and repeated. Each run is a real `newsbrief run`
subprocess; peak RSS is the largest resident set of the run's own process (ru_maxrss of the child from wait4, which
excludes Prefect's server, a process of its own).

`calibrate` checks the two length caps against real news text (CNN/DM and XSum dev articles, DUC 2004 dev
documents, the main text of the 18 dev HTML pages), in folds of the texts: per fold, the longest held-in sentence
and article, the cap each would choose (rounded up to 1, 2 or 5 times a power of ten) and how many held-out
sentences or articles exceed the shipped constants. `MAX_SENTENCE_CHARS` and `max_article_chars` saw only these
lengths (and the time targets above); neither was tuned on a score.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from newsbrief import text as text_module
from newsbrief.ingest import IngestOptions
from newsbrief.ingest.files import split_front_matter
from newsbrief.ingest.pages import extract_page
from newsbrief.text import split_sentences

REPO = Path(__file__).resolve().parents[1]
DAY = "2026-11-27"


def seed_paragraphs() -> list[str]:
    """Body paragraphs of the invented seed articles (front matter and headings dropped)."""
    paragraphs = []
    for path in sorted((REPO / "seeds" / "articles").glob("*.md")):
        _, body = split_front_matter(path.read_text(encoding="utf-8"))
        paragraphs += [p.strip() for p in body.split("\n\n") if p.strip() and not p.startswith("#")]
    return paragraphs


def long_text(chars: int) -> str:
    """About `chars` characters of news prose: seed paragraphs, each opened with its running number."""
    paragraphs, out, size = seed_paragraphs(), [], 0
    while size < chars:
        paragraph = f"Update {len(out) + 1}. {paragraphs[len(out) % len(paragraphs)]}"
        out.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(out)[:chars]


def article_file(folder: Path, name: str, body: str) -> None:
    front = f"---\ntitle: {name.replace('-', ' ').title()}\npublished: {DAY}T09:00:00+00:00\nsource: Bench Wire\n---\n"
    (folder / f"{name}.md").write_text(front + body + "\n", encoding="utf-8")


def run_brief(source: str, out: Path) -> dict:
    """One `newsbrief run` over `source`: wall time, peak RSS, exit status and the size of brief.json."""
    command = [str(Path(sys.executable).parent / "newsbrief"), "run", "--sources", source, "--out", str(out)]
    command += ["--date", DAY, "--window", "48h"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    out.mkdir(parents=True)
    with (out / "stdout.txt").open("w") as stdout_file, (out / "stderr.txt").open("w") as stderr_file:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO, env=env, stdout=stdout_file, stderr=stderr_file)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not the sum over earlier runs
        seconds = time.perf_counter() - started
    stdout, stderr = (out / "stdout.txt").read_text(), (out / "stderr.txt").read_text()
    briefs = list(out.glob("*/brief.json"))
    result = {
        "exit_status": os.waitstatus_to_exitcode(status),
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "brief_json_bytes": briefs[0].stat().st_size if briefs else None,
        "summary": stdout.strip().splitlines()[0] if stdout.strip() else stderr.strip()[-500:],
    }
    if briefs:
        brief = json.loads(briefs[0].read_text(encoding="utf-8"))
        sentences = [s for story in brief["stories"] for s in story.get("summary", [])]
        result["longest_summary_sentence"] = max((len(s["text"]) for s in sentences), default=0)
        result["truncation_notes"] = sum("max_article_chars" in s["reason"] for s in brief["skipped"])
        result["items_over_cap"] = sum("max_items_per_feed" in s["reason"] for s in brief["skipped"])
    return result


def bench_article(work: Path, chars: int) -> dict:
    """The long article, and a 2,000-character one for the fixed cost of a run (start-up, models, Prefect)."""
    results = {}
    for name, size in (("baseline_2k", 2000), ("article", chars)):
        folder = work / name
        folder.mkdir()
        article_file(folder, "long-harbour-ledger", long_text(size))
        results[name] = {"input_chars": size, **run_brief(str(folder), work / f"{name}-out")}
    return results


def bench_run_on(work: Path, chars: int) -> dict:
    folder = work / "in"
    folder.mkdir()
    words = " ".join(seed_paragraphs()).replace(".", "").replace("?", "").replace("!", "").split()
    body = " ".join(words[i % len(words)] for i in range(chars // 6))[:chars]
    article_file(folder, "run-on-ledger", body)
    return {"input_chars": len(body), **run_brief(str(folder), work / "out")}


def bench_feed(work: Path, items: int) -> dict:
    """A full-text RSS feed of `items` items served over HTTP from 127.0.0.1 for the run."""
    paragraphs = seed_paragraphs()
    entries = []
    for i in range(items):
        body = " ".join(paragraphs[(i + k) % len(paragraphs)] for k in range(3))
        entries.append(
            f"<item><title>Harbour update {i}</title><link>http://127.0.0.1/item/{i}</link>"
            f"<pubDate>Fri, 27 Nov 2026 {i % 24:02d}:{i % 60:02d}:00 +0000</pubDate>"
            f"<description>{escape(f'Update {i}. {body}')}</description></item>"
        )
    site = work / "site"
    site.mkdir()
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench Wire</title>{"".join(entries)}</channel></rss>'
    )
    (site / "feed.xml").write_text(feed, encoding="utf-8")
    handler = partial(_QuietHandler, directory=str(site))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        result = run_brief(url, work / "out")
        server.shutdown()
    return {"items": items, "feed_bytes": len(feed.encode()), **result}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _round_up(value: int) -> int:
    """The next round number at or above `value` (1, 2 or 5 times a power of ten)."""
    power = 10 ** max(0, int(math.log10(max(value, 1))))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def calibrate(data: Path, folds: int) -> dict:
    """Per fold: the cap the held-in lengths would choose, and held-out lengths over the shipped constants."""
    texts = []
    for name in ("summarize/cnndm_dev.jsonl", "summarize/xsum_dev.jsonl"):
        texts += [json.loads(line)["text"] for line in (data / name).read_text(encoding="utf-8").splitlines() if line]
    for line in (data / "multidoc/duc2004_dev.jsonl").read_text(encoding="utf-8").splitlines():
        texts += [doc["text"] for doc in json.loads(line)["docs"]] if line else []
    pages = (extract_page(path.read_bytes()) for path in sorted((data / "html").glob("*/source.html")))
    texts += [page.text for page in pages if page]
    shipped_sentence, shipped_article = text_module.MAX_SENTENCE_CHARS, IngestOptions().max_article_chars
    text_module.MAX_SENTENCE_CHARS = sys.maxsize  # measure sentences as the splitter finds them, uncut
    sentence_lengths = [[len(s.text) for s in split_sentences(text)] for text in texts]
    text_module.MAX_SENTENCE_CHARS = shipped_sentence
    report = []
    for fold in range(folds):
        held_in = [i for i in range(len(texts)) if i % folds != fold]
        held_out = [i for i in range(len(texts)) if i % folds == fold]
        longest_sentence = max(max(sentence_lengths[i], default=0) for i in held_in)
        longest_article = max(len(texts[i]) for i in held_in)
        report.append(
            {
                "fold": fold,
                "longest_held_in_sentence": longest_sentence,
                "sentence_cap_from_held_in": _round_up(longest_sentence),
                "longest_held_in_article": longest_article,
                "article_cap_from_held_in": _round_up(longest_article),
                "held_out_sentences": sum(len(sentence_lengths[i]) for i in held_out),
                "held_out_sentences_over_shipped": sum(
                    n > shipped_sentence for i in held_out for n in sentence_lengths[i]
                ),
                "held_out_articles": len(held_out),
                "held_out_articles_over_shipped": sum(len(texts[i]) > shipped_article for i in held_out),
            }
        )
    return {
        "texts": len(texts),
        "shipped": {"MAX_SENTENCE_CHARS": shipped_sentence, "max_article_chars": shipped_article},
        "folds": report,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", choices=["article", "run-on", "feed", "calibrate"])
    parser.add_argument("data", nargs="?", type=Path, help="../shared/eval/data (calibrate only)")
    parser.add_argument("--chars", type=int, help="input size (default: 1,000,000 for article, 100,000 for run-on)")
    parser.add_argument("--items", type=int, default=2000, help="feed items")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if args.case == "calibrate":
        if args.data is None:
            parser.error("calibrate needs the data folder")
        print(json.dumps(calibrate(args.data, args.folds), indent=2))
        return
    with tempfile.TemporaryDirectory(prefix="newsbrief-limits-") as folder:
        work = Path(folder)
        if args.case == "article":
            result = bench_article(work, args.chars or 1_000_000)
        elif args.case == "run-on":
            result = bench_run_on(work, args.chars or 100_000)
        else:
            result = bench_feed(work, args.items)
    print(json.dumps({"case": args.case, **result}, indent=2))


if __name__ == "__main__":
    main()
