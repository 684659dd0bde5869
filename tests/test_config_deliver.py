"""Config loading (the [email] settings checked at load) and atomic brief files; the email itself is tested in
test_email_delivery.py."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from newsbrief.config import load_config
from newsbrief.deliver import write_atomic, write_files
from newsbrief.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def test_bundled_example_config_loads() -> None:
    config = load_config(REPO / "newsbrief.toml")
    assert config.sources == [str(REPO / "seeds/articles")]
    assert config.out == REPO / "briefs"
    assert (config.summary.min_sentences, config.summary.sentences) == (2, 4) and config.ingest.max_bytes == 3_000_000
    assert config.email.enabled is False and config.email.subject == "Daily brief {date}"


def test_cli_overrides_win_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "nb.toml").write_text(
        'sources = ["news", "https://x.example/rss"]\nout = "out"\n[summary]\nsentences = 2\n'
    )
    config = load_config(tmp_path / "nb.toml")
    assert config.sources == [str(tmp_path / "news"), "https://x.example/rss"]
    assert config.out == tmp_path / "out" and config.summary.sentences == 2
    overridden = load_config(tmp_path / "nb.toml", sources=["a.md"], out=Path("elsewhere"), summariser=None)
    assert overridden.sources == ["a.md"] and overridden.out == Path("elsewhere")
    assert overridden.summariser == "clean-lead"  # the default: centrality failed the per-fold check (README)


def test_unknown_settings_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("sourcez = []\n")
    with pytest.raises(ValueError, match="sourcez"):
        load_config(tmp_path / "bad.toml")
    (tmp_path / "bad2.toml").write_text("[email]\nhots = 'x'\n")
    with pytest.raises(ValueError, match=r"\[email\].*hots"):
        load_config(tmp_path / "bad2.toml")


def test_watchlists_and_the_length_budget_are_read_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "nb.toml").write_text(
        'max_words = 900\nstory_words = 80\n[[watch]]\nname = "Ports"\nterms = ["dock strike"]\n'
        '[[watch]]\nname = "Banks"\nentities = ["Bank of Valdoria"]\n'
    )
    config = load_config(tmp_path / "nb.toml")
    assert [(w.name, w.terms, w.entities) for w in config.watch] == [
        ("Ports", ["dock strike"], []),
        ("Banks", [], ["Bank of Valdoria"]),
    ]
    assert config.max_words == 900 and config.stories.summary.words == 80 and config.stories.watch == config.watch
    (tmp_path / "bad.toml").write_text('[[watch]]\nname = "Empty"\n')
    with pytest.raises(ValueError, match="needs at least one of terms or entities"):
        load_config(tmp_path / "bad.toml")
    (tmp_path / "bad2.toml").write_text('[[watch]]\nname = "X"\nterm = ["typo"]\n')
    with pytest.raises(ValueError, match="term"):
        load_config(tmp_path / "bad2.toml")


def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "day" / "brief.md"
    write_atomic(target, "first")
    write_atomic(target, "second")
    assert target.read_text() == "second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["brief.md"]
    paths = write_files({"a.md": "A", "b.html": "<p>B</p>"}, tmp_path / "x")
    assert [p.read_text() for p in paths] == ["A", "<p>B</p>"]


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_brief_files_get_the_usual_permissions_under_the_umask(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        paths = write_files({"brief.md": "A", "brief.html": "<p>A</p>"}, tmp_path / "day")
    finally:
        os.umask(previous)
    assert [stat.S_IMODE(p.stat().st_mode) for p in paths] == [0o666 & ~umask] * 2


def test_email_settings_are_read_with_bcc_secret_and_brief_url(tmp_path: Path) -> None:
    (tmp_path / "nb.toml").write_text(
        '[email]\nenabled = true\nrecipients = ["Desk <desk@x.test>"]\nbcc = ["chief@x.test"]\nusername = "nb"\n'
        'password_secret = "smtp-password"\nbrief_url = "https://x.test/briefs/{date}/brief.html"\nretries = 0\n'
    )
    email = load_config(tmp_path / "nb.toml").email
    assert (email.bcc, email.password_secret, email.retries) == (["chief@x.test"], "smtp-password", 0)
    assert email.brief_url == "https://x.test/briefs/{date}/brief.html"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ('username = "nb"', "email.username = 'nb' needs a password: set password_env"),
        ('username = "nb"\npassword_env = "P"\npassword_secret = "s"', "are both set: set one"),
        ('password_env = "P"', "email.password_env is set but email.username is not"),
        ("enabled = true", "email.recipients and email.bcc are empty"),
        ('enabled = true\nbcc = ["chief"]', "email.bcc: 'chief' is not an email address"),
        ('brief_url = "https://x.test/{day}/brief.html"', "the only placeholder it may hold is {date}"),
        ('brief_url = "/briefs/{date}"', "expected an http(s) URL"),
        ("ssl = true\nstarttls = true", "use ssl (implicit TLS, port 465) or starttls (587)"),
        ("retries = -1", "email.retries must be 0 to 50"),
    ],
)
def test_unusable_email_settings_are_one_line_errors_at_load(tmp_path: Path, settings: str, expected: str) -> None:
    (tmp_path / "nb.toml").write_text(f"[email]\n{settings}\n")
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path / "nb.toml")
    assert expected in str(error.value) and str(error.value).startswith(str(tmp_path / "nb.toml"))
    assert "\n" not in str(error.value)
