"""The digest stage (summarise + extract facts) of a 1,000-article day on each task runner: Prefect's default thread
pool and a local Dask cluster, wall time and peak memory of the whole process tree (Dask workers included).

    python bench/scale.py ../shared/eval/data/cluster/duc2004_dev.jsonl [--articles 1000] [--workers 2]

Each runner runs in a fresh child process, so each pays its own model loads and neither inherits the other's memory;
the child runs a Prefect flow that calls the daily flow's `digest_in_batches` (the same batches and tasks) on the
articles. The rows' distinct texts are taken in order and repeated under new ids up to --articles: the digest stage
does not deduplicate, so a repeat costs what a new article of that length does (the whole flow would collapse
copies). Memory is sampled every SAMPLE_S over the child and all its descendants (Dask workers, Prefect's
temporary server): RSS summed (shared libraries count once per process) and PSS (shared pages split between the
processes that map them), the peak of each sum. Prints JSON and writes it to --output (bench/scale.json).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
REPO = Path(__file__).resolve().parent.parent
SAMPLE_S = 0.5  # a model load grows memory over seconds; finer sampling would itself load the 2 cores


def day_of(paths: list[Path], count: int) -> list[dict]:
    """`count` article rows {id, text}: the files' distinct texts in order, repeated under new ids as needed."""
    texts: dict[str, None] = {}
    for path in paths:
        for line in path.open(encoding="utf-8"):
            if line.strip():
                texts.setdefault(json.loads(line)["text"].strip(), None)
    distinct = [t for t in texts if t]
    return [{"id": f"a{i}", "text": distinct[i % len(distinct)]} for i in range(count)]


def run_one(paths: list[Path], count: int, runner: str, workers: int) -> dict:
    """In the child: the digest stage as a Prefect flow on `runner`; seconds, and a hash of the digests."""
    from prefect import flow

    from flows.daily_brief import digest_in_batches
    from newsbrief.config import Config
    from newsbrief.records import Article, to_jsonable
    from newsbrief.runners import RunnerOptions, prefect_api_for_workers, task_runner_for

    @flow(name="scale-bench")
    def digest_stage() -> dict:
        articles = [
            Article(id=r["id"], url=None, source="bench", title="", text=r["text"]) for r in day_of(paths, count)
        ]
        settings = Config()
        started = time.perf_counter()
        digests = digest_in_batches(articles, settings.summariser, settings.summary)
        seconds = time.perf_counter() - started
        digest_json = json.dumps([to_jsonable(d) for d in digests], sort_keys=True, default=str)
        return {"digest_s": round(seconds, 1), "digests_sha256": hashlib.sha256(digest_json.encode()).hexdigest()}

    options = RunnerOptions("dask", dask_workers=workers) if runner == "dask" else RunnerOptions()
    task_runner = task_runner_for(options)
    stage = digest_stage.with_options(task_runner=task_runner) if task_runner else digest_stage
    with prefect_api_for_workers(options):
        return stage()


class TreeMemory:
    """Peak summed RSS and PSS of a process and its descendants, sampled every SAMPLE_S on a thread."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_rss = self.peak_pss = 0
        self.most_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            rss = pss = 0
            try:
                tree = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for process in tree:
                try:
                    memory = process.memory_full_info()
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                rss, pss = rss + memory.rss, pss + memory.pss
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.most_processes = max(self.most_processes, len(tree))


def measure(paths: list[Path], count: int, runner: str, workers: int) -> dict:
    """One runner in a child process: its wall time (Prefect server, cluster start and model loads included),
    the digest stage's own time, and the tree's peak memory."""
    command = [sys.executable, __file__, *map(str, paths), "--articles", str(count), "--workers", str(workers)]
    started = time.perf_counter()
    child = subprocess.Popen([*command, "--one", runner], stdout=subprocess.PIPE, text=True, cwd=REPO)
    with TreeMemory(child.pid) as memory:
        out, _ = child.communicate()
    if child.returncode:
        raise SystemExit(f"the {runner} run failed with exit status {child.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    return {
        "runner": runner if runner == "threads" else f"dask, local cluster of {workers} workers x 1 thread",
        "process_s": round(time.perf_counter() - started, 1),
        **result,
        "articles_per_s": round(count / result["digest_s"], 2),
        "peak_rss_mb": round(memory.peak_rss / 2**20, 1),
        "peak_pss_mb": round(memory.peak_pss / 2**20, 1),
        "processes": memory.most_processes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="+", help="JSONL rows with a 'text' (e.g. duc2004_dev.jsonl)")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="the local Dask cluster's worker processes")
    parser.add_argument("--output", type=Path, default=REPO / "bench" / "scale.json")
    parser.add_argument("--one", choices=["threads", "dask"], help=argparse.SUPPRESS)  # the child's own run
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.data, args.articles, args.one, args.workers)), flush=True)
        return
    from flows.daily_brief import DIGEST_BATCH

    load_before = os.getloadavg()
    runs = [measure(args.data, args.articles, runner, args.workers) for runner in ("threads", "dask")]
    texts = len({row["text"] for row in day_of(args.data, args.articles)})
    report = {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": args.articles,
        "distinct_texts": texts,
        "batch": DIGEST_BATCH,
        "cpus": os.cpu_count(),
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "same_digests": len({run["digests_sha256"] for run in runs}) == 1,
        "runs": runs,
    }
    args.output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
