"""The real-page corpus in eval/corpus: well-formed annotations, no page kept out of every corpus,
no page in two splits, each page in the split its URL hashes to (so the sealed test stays sealed)."""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "eval" / "corpus"
EXCLUDE = ROOT.parent / "shared" / "eval" / "exclude-sha256.txt"
SPLITS = ("train", "dev", "test")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

spec = importlib.util.spec_from_file_location("build_corpus", ROOT / "scripts" / "build_corpus.py")
build_corpus = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_corpus)


def records() -> list[tuple[str, dict]]:
    return [(split, json.loads(line)) for split in SPLITS
            for line in (CORPUS / f"{split}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def test_no_corpus_page_is_on_the_exclusion_list() -> None:
    if not EXCLUDE.exists():
        pytest.skip("../shared/eval/exclude-sha256.txt is not beside the project")
    excluded = {line.strip() for line in EXCLUDE.read_text().splitlines() if line.strip() and not line.startswith("#")}
    assert len(excluded) > 100
    listed = [r["url"] for _, r in records() if build_corpus.url_key(r["url"]) in excluded]
    assert listed == []


def test_each_page_is_once_and_in_the_split_its_url_hashes_to() -> None:
    keys = [build_corpus.url_key(r["url"]) for _, r in records()]
    assert len(keys) == len(set(keys))
    assert [(s, r["id"]) for s, r in records() if build_corpus.split_of(r["url"]) != s] == []


def test_annotations_follow_the_schema() -> None:
    topics = set(tomllib.loads((ROOT / "models" / "taxonomy.toml").read_text(encoding="utf-8"))["topics"])
    kinds = {"funding-call", "partner-search", "event", "news", "project", "info"}
    for _, r in records():
        assert r["url"].startswith("http") and DATE.match(r["retrieved"]) and DATE.match(r["reference_date"]), r["id"]
        assert r["kind"] in kinds and len(r["text"]) >= 200, r["id"]
        assert r["call_status"] in (("open", "closed", "forthcoming", None) if r["kind"] == "funding-call"
                                    else (None,)), r["id"]
        assert all(d is None or DATE.match(d) for d in (r["deadline"], r["opening"], *r["events"])), r["id"]
        assert set(r["topics"]) <= topics, r["id"]
        assert all(f and all(isinstance(a, str) for a in f) for f in r["funders"]), r["id"]
        assert all(isinstance(a["value"], int | float) and a["currency"] for a in r["amounts"]), r["id"]
