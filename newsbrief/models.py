"""The registry of known abstractive summarisers (`models/registry.toml`) and how a model name is resolved.

A user names a model three ways: a registry name ("distilbart-cnn-12-6"), a Hugging Face hub id
("facebook/bart-large-cnn") or a local folder. Registry names and hub ids that the registry lists get the
registry's settings (input prefix, context size, generation settings); anything else gets the model's own. A
registry name prefers the local copy in `models/checkpoints/<name>` over the hub, so an offline machine works once
someone has put the weights there.

The registry and the NER tagger's weights live in the repo's top-level `models/`, shipped as the package
`newsbrief.model_data` (see pyproject.toml) and found through the import system, so a wheel install reads the very
files a checkout does; `$NEWSBRIEF_MODELS_DIR` points elsewhere.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

MODEL_DATA = "newsbrief.model_data"
MODELS_DIR = Path(os.environ.get("NEWSBRIEF_MODELS_DIR") or str(files(MODEL_DATA)))


class ModelUnavailable(RuntimeError):
    """A model could not be loaded here (offline and not cached, no network, missing folder); says what to do."""


@dataclass(frozen=True)
class ModelSpec:
    """Settings for one summarisation model; `None` means "use what the model's own config says"."""

    name: str
    hub_id: str | None = None
    prefix: str = ""
    max_input_tokens: int | None = None
    generation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ResolvedModel:
    """Where to load a model from: a local folder (`local=True`) or a hub id, with its settings."""

    spec: ModelSpec
    location: str
    local: bool


@dataclass(frozen=True)
class Registry:
    default: str
    models: dict[str, ModelSpec]
    checkpoints: Path

    def by_hub_id(self, hub_id: str) -> ModelSpec | None:
        return next((m for m in self.models.values() if m.hub_id == hub_id), None)


@lru_cache(maxsize=4)
def load_registry(path: Path = MODELS_DIR / "registry.toml") -> Registry:
    """Parses the registry TOML; checkpoints live in `checkpoints/` beside it."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    models = {
        name: ModelSpec(
            name=name,
            hub_id=entry.get("hub_id"),
            prefix=entry.get("prefix", ""),
            max_input_tokens=entry.get("max_input_tokens"),
            generation=dict(entry.get("generation", {})),
        )
        for name, entry in data.get("models", {}).items()
    }
    default = data.get("default", next(iter(models), ""))
    return Registry(default=default, models=models, checkpoints=path.parent / "checkpoints")


def resolve(name: str | None, registry: Registry | None = None) -> ResolvedModel:
    """Registry name -> local checkpoint or hub id; existing folder -> itself; anything else -> a hub id.

    Raises `ModelUnavailable` for something that is plainly meant as a path ("./x", "/x", "~/x") but is not there.
    """
    registry = registry or load_registry()
    name = name or registry.default
    if name in registry.models:
        spec = registry.models[name]
        checkpoint = registry.checkpoints / name
        if (checkpoint / "config.json").is_file():
            return ResolvedModel(spec, str(checkpoint), local=True)
        if not spec.hub_id:
            raise ModelUnavailable(f"registry model {name!r} has no hub_id and no local copy in {checkpoint}")
        return ResolvedModel(spec, spec.hub_id, local=False)
    path = Path(name).expanduser()
    if path.is_dir():
        return ResolvedModel(ModelSpec(name=path.name), str(path), local=True)
    if name.startswith((".", "/", "~")) or name.count("/") > 1 or (os.sep != "/" and os.sep in name):
        raise ModelUnavailable(
            f"model folder {name!r} does not exist; point at a folder holding config.json and the weights, "
            f"or use one of the registry names: {', '.join(sorted(registry.models))}"
        )
    spec = registry.by_hub_id(name)
    if spec is not None:
        checkpoint = registry.checkpoints / spec.name
        if (checkpoint / "config.json").is_file():
            return ResolvedModel(spec, str(checkpoint), local=True)
        return ResolvedModel(spec, name, local=False)
    return ResolvedModel(ModelSpec(name=name.rsplit("/", 1)[-1], hub_id=name), name, local=False)


def download_hint(resolved: ResolvedModel) -> str:
    """The command that makes a hub model available offline, for error messages."""
    target = MODELS_DIR / "checkpoints" / resolved.spec.name
    if target.is_relative_to(Path.cwd()):
        target = target.relative_to(Path.cwd())
    return (
        f"on a machine with network run `hf download {resolved.location} --local-dir {target}` and copy the folder "
        f"here (or pass a local folder as the model)"
    )
