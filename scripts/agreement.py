"""How often an independent second annotator agrees with the corpus labels: the ceiling a
page-kind, deadline or funder figure can be read against.

    python scripts/agreement.py [FILE ...]   (default: eval/corpus/agreement.jsonl and agreement2.jsonl)

Each file holds a second annotator's labels ({"id", "kind", "deadline", and optionally
"call_status", "funders", "confidence"}) for a random sample of corpus pages, made from the text
alone without seeing the corpus labels or any prediction. Funders are scored as `callwatch eval`
scores them (a funder agrees when one of its written forms is one of the corpus funder's forms).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import Counts, read_gold  # noqa: E402

CORPUS = ROOT / "eval" / "corpus"
DEFAULT_FILES = (CORPUS / "agreement.jsonl", CORPUS / "agreement2.jsonl")


def funder_counts(gold: list[list[str]], second: list[list[str]]) -> Counts:
    """Second-annotator funders against the corpus's, each matched at most once."""
    unmatched = [{form.casefold() for form in forms} for forms in gold]
    counts = Counts()
    for forms in second:
        wanted = {form.casefold() for form in forms}
        hit = next((i for i, gold_forms in enumerate(unmatched) if wanted & gold_forms), None)
        if hit is None:
            counts.fp += 1
        else:
            counts.tp += 1
            del unmatched[hit]
    counts.fn += len(unmatched)
    return counts


def report(path: Path, gold: dict[str, dict[str, Any]], split_of: dict[str, str]) -> None:
    second = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [(gold[label["id"]], label) for label in second if label["id"] in gold]
    sure = [(g, s) for g, s in pairs if s.get("confidence") == "sure"]
    calls = Counter((g["kind"] == "funding-call", s["kind"] == "funding-call") for g, s in pairs)
    call = Counts(tp=calls[(True, True)], fp=calls[(False, True)], fn=calls[(True, False)])
    splits = Counter(split_of[g["id"]] for g, _ in pairs)
    print(f"{path.name}: {len(pairs)} pages ({', '.join(f'{n} {split}' for split, n in sorted(splits.items()))})")
    agreed = sum(g["kind"] == s["kind"] for g, s in pairs)
    kind_line = f"  kind agreement       {agreed / len(pairs):.3f}"
    if sure:
        agreed_sure = sum(g["kind"] == s["kind"] for g, s in sure)
        kind_line += f"  ({agreed_sure / len(sure):.3f} on the {len(sure)} marked sure)"
    print(kind_line)
    print(f"  funding-call         P {call.precision:.3f}  R {call.recall:.3f}  F1 {call.f1:.3f}"
          "  (the second annotator scored against the corpus)")
    print(f"  deadline agreement   {sum(g.get('deadline') == s.get('deadline') for g, s in pairs) / len(pairs):.3f}")
    with_funders = [(g, s) for g, s in pairs if "funders" in s]
    if with_funders:
        each = [funder_counts(g.get("funders") or [], s.get("funders") or []) for g, s in with_funders]
        funders = Counts(tp=sum(c.tp for c in each), fp=sum(c.fp for c in each), fn=sum(c.fn for c in each))
        print(f"  funders              P {funders.precision:.3f}  R {funders.recall:.3f}  F1 {funders.f1:.3f}")
    for (first, other), n in Counter((g["kind"], s["kind"]) for g, s in pairs if g["kind"] != s["kind"]).most_common():
        print(f"    corpus {first:<14} second annotator {other:<14} {n}")


def main(paths: list[Path]) -> None:
    gold: dict[str, dict[str, Any]] = {}
    split_of: dict[str, str] = {}
    for split in ("train", "dev", "test"):
        for record in read_gold(CORPUS / f"{split}.jsonl"):
            gold[record["id"]] = record
            split_of[record["id"]] = split
    for path in paths:
        report(path, gold, split_of)


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]] or list(DEFAULT_FILES))
