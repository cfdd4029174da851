"""The made-up pages of the deadline tests are made up: no string in tests/test_deadline_*.py shares
a stretch of COPY_CHARS characters (spaces folded, case ignored) with a train or dev page's text. A
test that copies a page the rules were tuned on shows only that the rules read that page, which the
evaluation already measures."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY_CHARS = 40


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


def test_no_deadline_test_string_repeats_a_train_or_dev_page() -> None:
    stretches: dict[str, str] = {}  # a test string's stretch -> where the string stands
    for path in sorted(ROOT.glob("tests/test_deadline_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= COPY_CHARS:
                text = _folded(node.value)
                for i in range(len(text) - COPY_CHARS + 1):
                    stretches.setdefault(text[i : i + COPY_CHARS], f"{path.name}:{node.lineno}")
    assert stretches  # the glob found the test files
    copied = set()
    for split in ("train", "dev"):  # never the sealed test split
        for line in (ROOT / "eval" / "corpus" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            page = _folded(json.loads(line).get("text") or "") if line.strip() else ""
            copied.update(
                f"{stretches[s]} {s!r} ({split})"
                for s in (page[i : i + COPY_CHARS] for i in range(len(page) - COPY_CHARS + 1))
                if s in stretches
            )
    assert not copied, sorted(copied)
