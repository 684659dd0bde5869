"""`--task-runner dask`: the brief made on a real 2-worker local Dask cluster equals the default runner's, progress
lines come while batches run (in this process or on Dask workers), and bad runner settings are one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import free_port
from typer.testing import CliRunner

from newsbrief.cli import app

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLES = REPO / "seeds" / "articles"
DAY = "2026-11-28"
PROGRESS = re.compile(r"summarised (\d+)/(\d+) articles, \d+\.\d/s")


@pytest.fixture(scope="module")
def runs(prefect_harness, tmp_path_factory) -> dict[str, tuple[str, Path]]:
    """The seed brief made by `newsbrief run` (stderr is not a terminal here) on each runner: batches of 4 articles
    so the 17 seed articles make 5 tasks that both Dask workers share, and a progress line every 0.05 s."""
    from flows import daily_brief
    from newsbrief import progress

    made = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(daily_brief, "DIGEST_BATCH", 4)
        patch.setattr(progress, "LOG_EVERY_S", 0.05)
        for name, flags in {"threads": [], "dask": ["--task-runner", "dask", "--dask-workers", "2"]}.items():
            out = tmp_path_factory.mktemp(name)
            arguments = ["--config", str(REPO / "newsbrief.toml"), "--sources", str(SEED_ARTICLES), "--out", str(out)]
            result = CliRunner().invoke(app, ["run", *arguments, "--date", DAY, *flags])
            assert result.exit_code == 0, result.output
            made[name] = (result.output, out / DAY / "brief.json")
    return made


def brief_without_generated_time(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("generated_at")
    return data


@pytest.mark.slow
def test_dask_brief_equals_the_default_runners(runs) -> None:
    threads, dask = (brief_without_generated_time(runs[name][1]) for name in ("threads", "dask"))
    assert len(dask["stories"]) == 4
    assert dask == threads


@pytest.mark.slow
@pytest.mark.parametrize("runner", ["threads", "dask"])
def test_progress_is_logged_while_batches_run(runs, runner: str) -> None:
    output = runs[runner][0]
    counts = [(int(done), int(total)) for done, total in PROGRESS.findall(output)]
    assert counts, output
    english = len([p for p in SEED_ARTICLES.glob("*.md") if not p.stem.endswith("-es")])
    assert {total for _, total in counts} == {english}
    done = [d for d, _ in counts]
    assert done == sorted(done), "the count only grows"
    assert any(0 < d < english for d in done), "batches are counted as they finish, in this process"
    assert "newsbrief.progress: summarised" in output  # a plain log line, not a bar: stderr is not a terminal


def test_unreachable_dask_address_is_one_line_error(tmp_path) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"  # free: nobody listens
    flags = ["--task-runner", "dask", "--dask-address", address]
    result = CliRunner().invoke(app, ["run", "--sources", str(SEED_ARTICLES), "--out", str(tmp_path / "out"), *flags])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"error: no Dask scheduler answers at {address} within 5 s; start one with `dask scheduler` or leave "
        "dask_address unset for a local cluster"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--task-runner", "spark"], "--task-runner: unknown task runner 'spark'; expected one of: threads, dask"),
        (["--dask-address", "tcp://127.0.0.1:8786"], "--dask-address: applies to the dask task runner only"),
        (["--task-runner", "dask", "--dask-address", "127.0.0.1"], "cannot use the Dask address '127.0.0.1'"),
        (["--task-runner", "dask", "--dask-workers", "0"], "--dask-workers: 0 workers: expected 1 or more"),
    ],
)
def test_bad_runner_flags_are_usage_errors(tmp_path, flags: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["run", "--sources", str(SEED_ARTICLES), "--out", str(tmp_path / "out"), *flags])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("error: ") and message in line
    assert not (tmp_path / "out").exists()


def test_runner_table_in_the_config_is_checked(tmp_path) -> None:
    config = tmp_path / "nb.toml"
    config.write_text('[runner]\ntask_runner = "dask"\ndask_address = "tcp://10.0.0.5:8786"\ndask_workers = 3\n')
    result = CliRunner().invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: {config}: runner.dask_workers: sizes a local cluster; the cluster at the Dask address has its own "
        "workers"
    )
    config.write_text('[runner]\ntask_runner = "dask"\ndask_wokers = 3\n')
    result = CliRunner().invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 2
    assert "[runner] unknown key 'dask_wokers' (did you mean 'dask_workers'?)" in result.output


def test_a_flag_overrides_the_configs_runner(tmp_path) -> None:
    from newsbrief.config import load_config
    from newsbrief.runners import RunnerOptions, with_flags

    config = tmp_path / "nb.toml"
    config.write_text('[runner]\ntask_runner = "dask"\ndask_workers = 3\n')
    settings = load_config(config)
    assert settings.runner == RunnerOptions("dask", dask_workers=3)
    assert with_flags(settings.runner, "threads", None, None) == RunnerOptions("threads")
    assert with_flags(settings.runner, None, "tcp://10.0.0.5:8786", None) == RunnerOptions(
        "dask", "tcp://10.0.0.5:8786"
    )
    assert with_flags(settings.runner, None, None, 1) == RunnerOptions("dask", dask_workers=1)
