"""Merge annotators' files into the corpus and split it, once, by a hash of each page's URL.

    python scripts/build_corpus.py PART.jsonl [PART.jsonl ...]

Writes eval/corpus/{train,dev,test}.jsonl. A page's split depends only on its normalised URL, so
adding pages later never moves a page between splits. Pages whose normalised URL is listed in
../shared/eval/exclude-sha256.txt are refused, as are duplicates (by normalised URL).
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


def main(parts: list[str]) -> None:
    excluded = {line.strip() for line in EXCLUDE.read_text().splitlines() if line.strip() and not line.startswith("#")}
    seen: set[str] = set()
    splits: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for part in parts:
        for line in Path(part).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            key = url_key(record["url"])
            if key in excluded or key in seen:
                print(f"skipped {'excluded' if key in excluded else 'duplicate'}: {record['url']}", file=sys.stderr)
                continue
            seen.add(key)
            splits[split_of(record["url"])].append(json.dumps(record, ensure_ascii=False))
    CORPUS.mkdir(parents=True, exist_ok=True)
    for name, lines in splits.items():
        (CORPUS / f"{name}.jsonl").write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
        print(f"{name}: {len(lines)}")


if __name__ == "__main__":
    main(sys.argv[1:])
