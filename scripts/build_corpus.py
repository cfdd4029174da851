"""Merge annotators' files into the corpus and split it, once, by a hash of each page's URL.

    python scripts/build_corpus.py [--review eval/corpus/review.jsonl] PART.jsonl [PART.jsonl ...]

Writes eval/corpus/{train,dev,test}.jsonl. A page's split depends only on its normalised URL, so
adding pages later never moves a page between splits. Pages whose normalised URL is listed in
../shared/eval/exclude-sha256.txt are refused, as are duplicates (by normalised URL).

--review applies a second annotator's corrections (JSON Lines {"id", "field", "old", "new",
"confidence", "reason"}, made by reading the pages and labels only, never predictions): the field
takes the new value and the page's notes record the change and its reason. A correction whose
"old" no longer matches the label is refused, so a stale review never overwrites a newer label.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "eval" / "corpus"
EXCLUDE = ROOT.parent / "shared" / "eval" / "exclude-sha256.txt"
TEST_SHARE, DEV_SHARE = 0.35, 0.15


def url_key(url: str) -> str:
    s = urlsplit(url.strip())
    host = s.netloc.lower().removeprefix("www.")
    return hashlib.sha256((host + s.path.rstrip("/")).lower().encode()).hexdigest()


def split_of(url: str) -> str:
    # a second hash of the key, so the split is not correlated with the exclusion list's digests
    share = int(hashlib.sha256(("split:" + url_key(url)).encode()).hexdigest()[:8], 16) / 2**32
    return "test" if share < TEST_SHARE else "dev" if share < TEST_SHARE + DEV_SHARE else "train"


def read_review(path: str) -> dict[str, list[dict]]:
    corrections: dict[str, list[dict]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            correction = json.loads(line)
            corrections.setdefault(correction["id"], []).append(correction)
    return corrections


def reviewed(record: dict, corrections: list[dict]) -> dict:
    for correction in corrections:
        field = correction["field"]
        if record.get(field) != correction["old"]:
            sys.exit(f"{record['id']}: review of {field} expects {correction['old']!r}, label is {record.get(field)!r}")
        record[field] = correction["new"]
        record["notes"] = (f"{record.get('notes') or ''} [Second review: {field} "
                           f"{json.dumps(correction['old'], ensure_ascii=False)} -> "
                           f"{json.dumps(correction['new'], ensure_ascii=False)}: {correction['reason']}]").strip()
    return record


def main(parts: list[str], review: dict[str, list[dict]] | None = None) -> None:
    review = review or {}
    excluded = {line.strip() for line in EXCLUDE.read_text().splitlines() if line.strip() and not line.startswith("#")}
    seen: set[str] = set()
    splits: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for part in parts:
        for line in Path(part).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            record = reviewed(record, review.pop(record["id"], []))
            key = url_key(record["url"])
            if key in excluded or key in seen:
                print(f"skipped {'excluded' if key in excluded else 'duplicate'}: {record['url']}", file=sys.stderr)
                continue
            seen.add(key)
            splits[split_of(record["url"])].append(json.dumps(record, ensure_ascii=False))
    if review:
        sys.exit(f"review names pages not in the parts: {sorted(review)}")
    CORPUS.mkdir(parents=True, exist_ok=True)
    for name, lines in splits.items():
        (CORPUS / f"{name}.jsonl").write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
        print(f"{name}: {len(lines)}")


if __name__ == "__main__":
    args = sys.argv[1:]
    corrections = None
    if args[:1] == ["--review"]:
        corrections, args = read_review(args[1]), args[2:]
    main(args, corrections)
