"""Access to the rule and gazetteer files shipped in the `models` package."""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

# `models` is a sibling of the `pipeline` package both in the repository and when installed.
# (Resolved from this file because importlib.resources fails on `models` under the editable
# install's namespace path.)
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
NLP_DIR = Path(__file__).resolve().parent


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


def data_fingerprint() -> str:
    """Short hash of everything that decides what extraction produces: the data files in `models/`
    and the component sources in `pipeline/nlp/`. Any change to a rule changes the fingerprint."""
    digest = hashlib.sha256()
    for root in (MODELS_DIR, NLP_DIR):
        for entry in sorted(root.iterdir(), key=lambda e: e.name):
            if entry.is_file() and entry.name.endswith((".toml", ".jsonl", ".json", ".py")):
                digest.update(entry.name.encode())
                digest.update(entry.read_bytes())
    # trained pipelines (models/kind/<lang>/...): every file, weights included
    for entry in sorted(p for p in MODELS_DIR.glob("*/*/**/*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(entry.relative_to(MODELS_DIR)).encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:10]
