"""Deployments against a real `prefect server start` on 127.0.0.1 with its own PREFECT_HOME: `newsbrief serve` and
`prefect deploy` of prefect.yaml with a process worker, each run triggered through the API and awaited; the brief's
date follows the schedule's zone; the brief and the skipped sources are artifacts; newsbrief's log lines reach the
run's logs; and the mistakes an operator makes are one-line errors before anything runs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import yaml
from conftest import free_port

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLES = REPO / "seeds" / "articles"
BIN = Path(sys.executable).parent
SERVER_START_WAIT = 180  # seconds: a first start migrates a new database, slow on a busy 2-core machine
RUN_WAIT = 420  # seconds for one deployed run: a fresh process loads the models before the flow starts

pytestmark = pytest.mark.slow


def _env(home: Path, api_url: str | None) -> dict[str, str]:
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def _stop(process: subprocess.Popen) -> None:
    """Interrupt a process group (server, serve, worker and their children) and wait for it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real Prefect server (no UI) in a PREFECT_HOME of its own; yields the environment that points at it."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**_env(home, None), "PREFECT_UI_ENABLED": "false"}
    log = (home / "server.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + SERVER_START_WAIT
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"prefect server did not start: {(home / 'server.log').read_text()[-2000:]}")
            time.sleep(1)
        yield _env(home, url)
    finally:
        _stop(process)
        log.close()


def _prefect(env: dict[str, str], *arguments: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(BIN / "prefect"), *arguments], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _api(env: dict[str, str], method: str, path: str, **json: object) -> object:
    """One API call, retried on the transient answers Prefect's own client retries (429, 502, 503): a temporary
    SQLite server answers 503 while the serving process holds its database to write the deployment's schedule."""
    for attempt in range(5):
        response = httpx.request(method, env["PREFECT_API_URL"] + path, json=json or None, timeout=30)
        if response.status_code not in (429, 502, 503) or attempt == 4:
            break
        time.sleep(2**attempt)
    response.raise_for_status()
    return response.json()


def _deployment(env: dict[str, str], name: str, waiting: subprocess.Popen | None = None) -> dict:
    """The deployment daily-brief/NAME, waiting for it to appear (a served one is registered at start-up)."""
    deadline = time.monotonic() + RUN_WAIT
    while True:
        response = httpx.get(f"{env['PREFECT_API_URL']}/deployments/name/daily-brief/{name}", timeout=30)
        if response.status_code == 200:
            return response.json()
        if (waiting is not None and waiting.poll() is not None) or time.monotonic() > deadline:
            pytest.fail(f"deployment daily-brief/{name} never appeared")
        time.sleep(1)


def _await_run(env: dict[str, str], run_id: str) -> dict:
    deadline = time.monotonic() + RUN_WAIT
    while time.monotonic() < deadline:
        run = _api(env, "GET", f"/flow_runs/{run_id}")
        if run["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return run
        time.sleep(2)
    pytest.fail(f"flow run {run_id} did not finish in {RUN_WAIT} s")


def _write_config(folder: Path, extra: str = "") -> Path:
    config = folder / "nb.toml"
    config.write_text(f'sources = ["{SEED_ARTICLES}"]\nout = "briefs"\n{extra}')
    return config


def test_serve_runs_the_flow_on_the_server_and_dates_the_brief_in_the_schedules_zone(
    server: dict[str, str], tmp_path: Path
) -> None:
    # Berlin is an hour ahead of UTC in November: a run scheduled for 23:30 UTC on the 28th is 00:30 on the 29th
    # there, so its brief is the 29th's, in the zone the schedule was read in.
    config = _write_config(tmp_path, 'timezone = "Europe/Berlin"\nschedule = "30 0 * * *"\nwindow = "72h"\n')
    serving = subprocess.Popen(
        [str(BIN / "newsbrief"), "serve", "--config", str(config), "--name", "berlin"],
        env=server,
        stdout=(tmp_path / "serve.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deployment = _deployment(server, "berlin", serving)
        assert deployment["parameters"] == {"config": str(config), "timezone": "Europe/Berlin"}
        [schedule] = deployment["schedules"]
        assert (schedule["schedule"]["cron"], schedule["schedule"]["timezone"]) == ("30 0 * * *", "Europe/Berlin")
        scheduled = datetime(2026, 11, 28, 23, 30, tzinfo=UTC).isoformat()
        run = _api(
            server,
            "POST",
            f"/deployments/{deployment['id']}/create_flow_run",
            state={"type": "SCHEDULED", "state_details": {"scheduled_time": scheduled}},
        )
        finished = _await_run(server, run["id"])
        assert finished["state"]["type"] == "COMPLETED", (tmp_path / "serve.log").read_text()[-3000:]
        # A second serve of the same deployment is refused while this one serves it: stopping either would pause
        # the schedule both share.
        second = _serve(server, config, "berlin")
        assert second.returncode == 2 and "daily-brief/berlin is being served already" in second.stderr
    finally:
        _stop(serving)
    folder = tmp_path / "briefs" / "2026-11-29"
    assert all((folder / name).stat().st_size > 0 for name in ("brief.md", "brief.html", "brief.json"))
    assert "Europe/Berlin" in (tmp_path / "serve.log").read_text()  # it said which zone rules the schedule

    [artifact] = _api(server, "POST", "/artifacts/filter", artifacts={"key": {"any_": ["daily-brief"]}})
    assert artifact["type"] == "markdown" and artifact["flow_run_id"] == run["id"]
    assert artifact["data"] == (folder / "brief.md").read_text(encoding="utf-8")
    [skipped] = _api(server, "POST", "/artifacts/filter", artifacts={"key": {"any_": ["skipped-sources"]}})
    assert skipped["type"] == "table" and "not English" in str(skipped["data"])  # the seeds hold a German article
    logs = _api(server, "POST", "/logs/filter", logs={"flow_run_id": {"any_": [run["id"]]}})
    newsbrief_lines = [entry["message"] for entry in logs if entry["name"].startswith("newsbrief")]
    assert any(line.startswith("wrote ") and "2026-11-29" in line for line in newsbrief_lines), newsbrief_lines
    tasks = _api(server, "POST", "/task_runs/filter", flow_runs={"id": {"any_": [run["id"]]}})
    names = {task["name"].rsplit("-", 1)[0] for task in tasks}
    assert {"group stories", "render brief", "write brief files"} <= names
    assert any(name.startswith("ingest ") and str(SEED_ARTICLES) in name for name in names)


def test_serve_refuses_to_take_over_another_configs_deployment(server: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    first = _write_config(tmp_path / "a")
    _api(server, "POST", "/flows/", name="daily-brief")
    [flow] = _api(server, "POST", "/flows/filter", flows={"name": {"any_": ["daily-brief"]}})
    _api(server, "POST", "/deployments/", name="taken", flow_id=flow["id"], parameters={"config": str(first)})
    done = _serve(server, _write_config(tmp_path), "taken")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: the deployment daily-brief/taken runs the config {first}; give this one its own --name, or free "
        "the name with `prefect deployment delete 'daily-brief/taken'`"
    ]


def _serve(env: dict[str, str], config: Path, name: str) -> subprocess.CompletedProcess:
    """`newsbrief serve` that is expected to stop at its checks."""
    command = [str(BIN / "newsbrief"), "serve", "--config", str(config), "--name", name]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_prefect_yaml_deploys_the_daily_brief_for_a_process_worker(server: dict[str, str], tmp_path: Path) -> None:
    """The README's way (a): `prefect deploy` of the checked-in prefect.yaml, then a run through the API, picked up
    by `prefect worker start` on the process pool. Run from a copy of the project's flows and prefect.yaml beside a
    config of the same name, so the brief goes to the temporary folder."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "flows", project / "flows", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "prefect.yaml", project / "prefect.yaml")
    _write_config(project, 'date = "2026-11-28"\nwindow = "72h"\n').rename(project / "newsbrief.toml")
    spec = yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"][0]
    pool = spec["work_pool"]["name"]

    _prefect(server, "work-pool", "create", pool, "--type", "process")
    _prefect(server, "--no-prompt", "deploy", "--name", "daily", cwd=project)
    deployment = _deployment(server, "daily")
    [schedule] = deployment["schedules"]
    assert schedule["schedule"]["cron"] == "0 7 * * *"
    assert deployment["parameters"]["timezone"] == schedule["schedule"]["timezone"]  # one zone, by the yaml anchor
    output = _prefect(server, "deployment", "run", "daily-brief/daily")
    run_id = next(line.split("UUID:")[1].strip() for line in output.splitlines() if "UUID:" in line)
    worker = subprocess.Popen(
        [str(BIN / "prefect"), "worker", "start", "--pool", pool, "--run-once"],
        env=server,
        cwd=project,
        stdout=(tmp_path / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        finished = _await_run(server, run_id)
    finally:
        _stop(worker)
    assert finished["state"]["type"] == "COMPLETED", (tmp_path / "worker.log").read_text()[-3000:]
    folder = project / "briefs" / "2026-11-28"
    assert all((folder / name).stat().st_size > 0 for name in ("brief.md", "brief.html", "brief.json"))


def test_the_checked_in_deployment_keeps_one_zone_for_schedule_and_brief() -> None:
    [spec] = yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]
    assert spec["entrypoint"] == "flows/daily_brief.py:daily_brief" and spec["name"] == "daily"
    [schedule] = spec["schedules"]
    assert spec["parameters"]["timezone"] == schedule["timezone"]
    from newsbrief.config import load_config

    assert load_config(REPO / spec["parameters"]["config"]).timezone == schedule["timezone"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--schedule", "0 7 * *"], "--schedule: schedule = '0 7 * *' is not a valid cron schedule"),
        (["--schedule", "0 25 * * *"], "--schedule: schedule = '0 25 * * *' is not a valid cron schedule"),
        (["--timezone", "Mars/Olympus"], "--timezone"),
        (["--name", "desk/berlin"], "--name 'desk/berlin': expected a name without '/'"),
    ],
)
def test_a_bad_schedule_or_zone_is_one_line_before_anything_runs(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    done = subprocess.run(
        [str(BIN / "newsbrief"), "serve", *arguments],
        env=_env(tmp_path, None),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line


def test_serve_without_a_server_says_how_to_start_one(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(BIN / "newsbrief"), "serve"], env=_env(tmp_path, None), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "prefect server start" in line and "PREFECT_API_URL" in line
    down = f"http://127.0.0.1:{free_port()}/api"
    done = subprocess.run(
        [str(BIN / "newsbrief"), "serve"], env=_env(tmp_path, down), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert down in line and "cannot be reached" in line
