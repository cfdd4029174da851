"""The data files shipped in the `models` package (taxonomy, funder registry, rules, trained
pipelines): where they are and their parsed TOML. Read by extraction and by the digest (labels),
so it sits at the bottom with the store and the vocabulary."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

# `models` is a sibling of the `pipeline` package both in the repository and when installed.
# (Resolved from this file because importlib.resources fails on `models` under the editable
# install's namespace path.)
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"


def model_path(name: str) -> Path:
    """Path of a data file in the `models` package."""
    return MODELS_DIR / name


@cache
def load_model_toml(name: str) -> dict[str, Any]:
    """Parse a TOML data file from `models/` once per process."""
    path = model_path(name)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: extraction data file is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
