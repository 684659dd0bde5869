"""Errors a person can act on: each bad argument or setting is one line on stderr naming it and what is expected,
with exit status 2, before anything runs; a failed source is a one-line warning; a Prefect API that is down
does not stop the brief."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from newsbrief.cli import app
from newsbrief.config import load_config
from newsbrief.errors import ConfigError, UsageError
from newsbrief.ingest import ingest_source

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "articles" / "valdoria-rate-cut.md"  # published 2026-11-26


def closed_port() -> int:
    """A local port nothing listens on: bound, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_cli(*arguments: str) -> tuple[int, list[str]]:
    """Exit status and the non-empty lines written to stderr."""
    result = CliRunner().invoke(app, ["run", *arguments])
    return result.exit_code, [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--date", "2026-13-45"], "--date: cannot read the date '2026-13-45': use YYYY-MM-DD"),
        (["--window", "soon"], "--window: cannot read the window 'soon'"),
        (["--since", "yesterday"], "cannot read --since 'yesterday'"),
        (["--summariser", "best"], "--summariser: unknown summariser 'best'; expected one of: "),
        (["--config", "no-such-file.toml"], "cannot read the config file no-such-file.toml: No such file"),
    ],
)
def test_bad_arguments_are_one_line_and_status_2(arguments: list[str], message: str) -> None:
    status, lines = run_cli(*arguments)
    assert status == 2
    assert len(lines) == 1 and message in lines[0], lines


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--bogus"], "error: No such option: --bogus"),
        (["summarize"], "error: Missing argument 'input'."),
        (["no-such-command"], "error: No such command 'no-such-command'."),
    ],
)
def test_parser_errors_are_one_line_and_status_2(
    argv: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsbrief.cli import main
    from newsbrief.supervisor import SUPERVISED

    monkeypatch.setattr(sys, "argv", ["newsbrief", *argv])
    monkeypatch.setenv(SUPERVISED, "1")  # parse here, in this process, rather than in a supervised child
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    [line] = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert line.startswith(message)


def test_out_pointing_at_a_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "brief.md"
    target.write_text("an earlier brief")
    status, [line] = run_cli("--sources", str(SEED), "--out", str(target))
    assert status == 2
    assert line == f"error: --out: {str(target)!r} is a file; expected a folder for the briefs"
    assert target.read_text() == "an earlier brief"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('sources = ["a"\nout = "out"', "not valid TOML: "),
        ('sourcez = ["a"]', "unknown key 'sourcez' (did you mean 'sources'?)"),
        ('top_entities = "8"', "top_entities = '8': expected a valid integer"),
        ('sources = "dir"', "sources = 'dir': expected a list, e.g. sources = ['dir']"),
        ('[email]\nport = "25"', "email.port = '25': expected a valid integer"),
        ("[summary]\nsentences = 3\nwords = true", "summary.words = True: expected a valid integer"),
        ('[[watch]]\nname = "Ports"\nterms = ["strike"]\n[[watch]]\nname = "Rates"\nterm = ["rate"]', "[[watch]] "),
        ('[[watch]]\nname = "Ports"', "watchlist 'Ports' needs at least one of terms or entities"),
        ('timezone = "Europe/Atlantis"', "unknown time zone 'Europe/Atlantis'"),
        ('window = "1 fortnight"', "cannot read the window '1 fortnight'"),
        ("date = 2026-11-29", "date = datetime.date(2026, 11, 29): expected a valid string"),
    ],
)
def test_bad_configs_are_one_line_and_status_2(tmp_path: Path, body: str, message: str) -> None:
    config = tmp_path / "nb.toml"
    config.write_text(body + "\n")
    status, lines = run_cli("--config", str(config))
    assert status == 2
    assert len(lines) == 1 and lines[0].startswith(f"error: {config}: ") and message in lines[0], lines
    assert not (tmp_path / "out").exists() and not (tmp_path / "briefs").exists()


def test_unknown_key_in_a_list_of_tables_is_located_and_a_name_suggested(tmp_path: Path) -> None:
    config = tmp_path / "nb.toml"
    config.write_text('[[watch]]\nname = "Ports"\nterms = ["strike"]\n[[watch]]\nname = "Rates"\nterm = ["rate"]\n')
    with pytest.raises(ConfigError, match=r"\[\[watch\]\] entry 2 unknown key 'term' \(did you mean 'terms'\?\)"):
        load_config(config)


def test_every_problem_of_a_config_is_named_on_one_line(tmp_path: Path) -> None:
    config = tmp_path / "nb.toml"
    config.write_text('glance = "8"\n[ingest]\ntimeout = "fast"\nretries = 3\n')
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    message = str(caught.value)
    assert "\n" not in message
    for part in ("glance = '8'", "ingest.timeout = 'fast': expected a valid number", "[ingest] unknown key 'retries'"):
        assert part in message
    assert isinstance(caught.value, UsageError) and caught.value.exit_code == 2


def test_a_valid_config_with_every_kind_of_value_loads(tmp_path: Path) -> None:
    config = tmp_path / "nb.toml"
    config.write_text(
        'sources = ["seeds"]\nout = "out"\ntop_entities = 5\nwindow = "36h"\ndate = "2026-11-29"\n'
        'timezone = "Europe/Berlin"\nmax_words = 900\n[summary]\nwords = 60\n[email]\ntimeout = 10\n'
        '[[watch]]\nname = "Ports"\nterms = ["strike"]\n'
    )
    settings = load_config(config)
    assert settings.sources == [str(tmp_path / "seeds")] and settings.out == tmp_path / "out"
    assert (settings.top_entities, settings.summary.words, settings.email.timeout) == (5, 60, 10)
    assert settings.watch[0].terms == ["strike"]


def test_feed_that_does_not_parse_is_named_with_the_parsers_message(tmp_path: Path) -> None:
    feed = tmp_path / "harbour.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Elvane Gazette</title>'
        "<item><title>Harbour of Port Elvane reopens</title><description>The harbour of Port Elvane reopened"
    )
    articles, [entry] = ingest_source(str(feed))
    assert articles == []
    assert entry.reason.startswith("feed could not be parsed (") and "no element found" in entry.reason


def test_json_rows_that_are_not_objects_are_skipped_without_their_content(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('"the private notes of Ilse Varga"\n42\n["a", "list"]\nnull\n{"text": \n')
    articles, skipped = ingest_source(str(rows))
    assert articles == []
    assert [entry.reason for entry in skipped] == [
        "invalid JSON (Expecting value: line 1 column 10 (char 9))",
        "row is a JSON string, not an object with a 'text' field",
        "row is a JSON number, not an object with a 'text' field",
        "row is a JSON array, not an object with a 'text' field",
        "row is a JSON null, not an object with a 'text' field",
    ]
    assert all("Ilse Varga" not in f"{entry}" for entry in skipped)


def test_down_prefect_api_and_failing_page_still_give_a_brief_without_tracebacks(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """A real `newsbrief run` process: the Prefect API's port has no server, one source answers 500 to every
    attempt. The run says so in one line each and writes the brief from the other source."""
    httpserver.expect_request("/desk/late-edition").respond_with_data("upstream broke", status=500)
    broken = httpserver.url_for("/desk/late-edition")
    shutil.copy(SEED, tmp_path / "valdoria.md")
    environment = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{closed_port()}/api", "COLUMNS": "200"}
    arguments = ["run", "-s", str(tmp_path / "valdoria.md"), "-s", broken, "--out", str(tmp_path / "out")]
    finished = subprocess.run(
        [sys.executable, "-m", "newsbrief.cli", *arguments, "--date", "2026-11-27", "--window", "3d"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr
    assert (tmp_path / "out" / "2026-11-27" / "brief.md").exists()
    log = finished.stderr
    assert "Traceback" not in log
    assert "cannot be reached" in log and "running the flow locally" in log
    attempts = [line for line in log.splitlines() if "Task run failed with exception" in line]
    assert len(attempts) == 3 and all("500" in line for line in attempts), log  # the first try and two retries
    [warning] = [line for line in log.splitlines() if f"source {broken} could not be read" in line]
    assert "WARNING" in warning


def test_an_unexpected_error_is_one_line_unless_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    from newsbrief.cli import _reported_errors

    with pytest.raises(typer.Exit) as stopped, _reported_errors(verbose=False):
        raise KeyError("brief.html.j2")
    assert stopped.value.exit_code == 1
    assert capsys.readouterr().err == "error: KeyError: 'brief.html.j2' (--verbose shows the traceback)\n"
    with pytest.raises(KeyError), _reported_errors(verbose=True):
        raise KeyError("brief.html.j2")
