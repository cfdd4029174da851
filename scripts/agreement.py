"""How often an independent second annotator agrees with the corpus labels: the ceiling a
page-kind or deadline figure can be read against.

    python scripts/agreement.py [eval/corpus/agreement.jsonl]

The file holds a second annotator's labels ({"id", "kind", "call_status", "deadline",
"confidence"}) for a random sample of corpus pages, made from the text alone without seeing the
corpus labels or any prediction.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import Counts, read_gold  # noqa: E402

CORPUS = ROOT / "eval" / "corpus"


def main(path: Path) -> None:
    splits = [read_gold(CORPUS / f"{split}.jsonl") for split in ("train", "dev", "test")]
    gold = {record["id"]: record for records in splits for record in records}
    second = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [(gold[label["id"]], label) for label in second if label["id"] in gold]
    sure = [(g, s) for g, s in pairs if s.get("confidence") == "sure"]
    calls = Counter((g["kind"] == "funding-call", s["kind"] == "funding-call") for g, s in pairs)
    call = Counts(tp=calls[(True, True)], fp=calls[(False, True)], fn=calls[(True, False)])
    print(f"pages                {len(pairs)}")
    print(f"kind agreement       {sum(g['kind'] == s['kind'] for g, s in pairs) / len(pairs):.3f}"
          f"  ({sum(g['kind'] == s['kind'] for g, s in sure) / max(1, len(sure)):.3f} on the {len(sure)} marked sure)")
    print(f"funding-call F1      {call.f1:.3f}  (one annotator scored against the other)")
    print(f"deadline agreement   {sum(g['deadline'] == s['deadline'] for g, s in pairs) / len(pairs):.3f}")
    for (first, other), n in Counter((g["kind"], s["kind"]) for g, s in pairs if g["kind"] != s["kind"]).most_common():
        print(f"  corpus {first:<14} second annotator {other:<14} {n}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS / "agreement.jsonl")
