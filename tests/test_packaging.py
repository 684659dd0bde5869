"""The package is the product: templates, the model registry and the NER weights ship inside it.

The full check (a wheel installed into a fresh venv briefs the seeds exactly as the checkout does) is in `.ci/run`;
these tests catch the usual ways it breaks: a new subpackage missing from pyproject's list, package data left out
of the wheel, data read from the repo's layout instead of through the import system, a silent model fallback.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from newsbrief.facts import ner_model
from newsbrief.models import MODEL_DATA, load_registry
from newsbrief.render import BUNDLED_TEMPLATES, environment

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SHIPPED = {
    "newsbrief/templates/brief.md.j2",
    "newsbrief/templates/brief.html.j2",
    "newsbrief/templates/brief.txt.j2",
    "newsbrief/templates/brief.compact.html.j2",
    "newsbrief/model_data/registry.toml",
    "newsbrief/model_data/ner/model.safetensors",
    "newsbrief/model_data/ner/ner_config.json",
}


def test_every_python_package_in_the_tree_is_listed_for_the_wheel() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    in_tree = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("newsbrief", "flows")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert in_tree <= listed


def test_bundled_files_are_found_through_the_import_system() -> None:
    templates = files(BUNDLED_TEMPLATES)
    assert templates.joinpath("brief.md.j2").is_file() and templates.joinpath("brief.html.j2").is_file()
    assert files(MODEL_DATA).joinpath("ner", ner_model.WEIGHTS_FILE).is_file()
    assert load_registry().models  # the shipped registry parses and names models
    assert environment().get_template("brief.md.j2").filename.endswith("brief.md.j2")


def test_a_users_template_overrides_the_bundled_one_by_name(tmp_path: Path) -> None:
    (tmp_path / "brief.md.j2").write_text("mine")
    env = environment(tmp_path)
    assert env.get_template("brief.md.j2").render() == "mine"
    assert not env.get_template("brief.html.j2").filename.startswith(str(tmp_path))  # the other still bundled


def test_the_wheel_holds_templates_registry_and_tagger_weights(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy, so setuptools' build/ folder (stale files included) stays out of the repo
    skipped = shutil.ignore_patterns(".*", "build", "briefs", "checkpoints", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT, source, ignore=skipped)
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w"]
    subprocess.run([*command, str(tmp_path), str(source)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("newsbrief-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert names >= SHIPPED
    assert "newsbrief/render.py" in names and "flows/daily_brief.py" in names
    assert not any("checkpoints" in name or name.endswith("train.py") for name in names)


def test_a_missing_tagger_is_a_warning_that_names_the_file_and_the_cost(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(ner_model.MODEL_ENV, str(tmp_path))
    with caplog.at_level(logging.WARNING, logger=ner_model.__name__):
        assert not ner_model.ner_available()
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert str(tmp_path / ner_model.WEIGHTS_FILE) in record.getMessage()
    assert "spaCy alone" in record.getMessage()


def test_a_missing_tagger_is_warned_about_once_per_process_not_per_batch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(ner_model.MODEL_ENV, str(tmp_path))
    with caplog.at_level(logging.WARNING, logger=ner_model.__name__):
        assert not any(ner_model.ner_available() for _ in range(3))
    assert len(caplog.records) == 1


def test_the_shipped_tagger_is_found_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=ner_model.__name__):
        assert ner_model.ner_available()
    assert not caplog.records
