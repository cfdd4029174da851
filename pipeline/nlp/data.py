"""The fingerprint of what decides extraction: the data files in `models/` and the component sources."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.model_files import MODELS_DIR

NLP_DIR = Path(__file__).resolve().parent


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
