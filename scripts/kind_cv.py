"""5-fold cross-validation of the kind decision on train+dev: the classifier retrained on four
folds and combined with the cue rules as extraction combines them (KindClassifier.decide), on the
fifth. Prints accuracy and funding-call precision, recall and F1 for each fold seed.

Folds by a hash of the page id and the seed; every page is analysed once per pipeline language
(each language's classifier learns from all pages, read with its own tokenizer, as `callwatch
train` does) and scored by the classifier of its own language. Never reads the sealed test.
--fraction trains on that share of each fold's training pages (a fixed hashed subset): the
learning curve. About two minutes a seed at 10 epochs on two cores.

Usage: python scripts/kind_cv.py [--seeds a b] [--epochs 10] [--fraction 1.0]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import evaluate  # noqa: E402
from pipeline.nlp.build import LANGUAGES  # noqa: E402
from pipeline.nlp.kind import KindClassifier  # noqa: E402
from pipeline.nlp.kind_model import TEXTCAT, classifier_doc  # noqa: E402
from pipeline.nlp.language import pipeline_language  # noqa: E402
from pipeline.nlp.train import DEFAULT_TRAINING, analysed, read_training, train_language  # noqa: E402


def hashed(text: str, buckets: int) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % buckets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", nargs="+", default=["a", "b"], help="fold seeds (a change should hold on each)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--fraction", type=float, default=1.0, help="share of each fold's training pages used")
    args = parser.parse_args()
    records = read_training(ROOT / path for path in DEFAULT_TRAINING)
    docs = {lang: analysed(lang, records) for lang in LANGUAGES}
    # the language whose pipeline extraction gives a page (what analysed() detected)
    own = [pipeline_language(doc._.lang or "en") for doc in docs[LANGUAGES[0]]]
    subset = [hashed(f"fraction:{r['id']}", 1000) < args.fraction * 1000 for r in records]
    decide = KindClassifier().decide
    print(f"{len(records)} pages, {args.folds} folds, {args.epochs} epochs, "
          f"training on {args.fraction:.0%} of each fold's other pages")
    for seed in args.seeds:
        fold_of = [hashed(f"{seed}:{r['id']}", args.folds) for r in records]
        predicted = {}
        for fold in range(args.folds):
            train = [i for i, f in enumerate(fold_of) if f != fold and subset[i]]
            for lang in LANGUAGES:
                textcat = train_language(lang, [records[i] for i in train], args.epochs,
                                         docs=[docs[lang][i] for i in train]).get_pipe(TEXTCAT)
                held_out = [i for i, f in enumerate(fold_of) if f == fold and own[i] == lang]
                rows = textcat.predict([classifier_doc(docs[lang][i]) for i in held_out]).tolist()
                for i, row in zip(held_out, rows, strict=True):
                    predicted[records[i]["id"]] = decide(docs[lang][i], dict(zip(textcat.labels, row, strict=True)))
        # scored as `callwatch eval` scores kind (only the kind is predicted here)
        report = evaluate(records, [{"id": page, "kind": kind} for page, kind in predicted.items()])
        calls = report.funding_call
        print(f"seed {seed}: kind {report.kind_accuracy:.3f}  funding-call P {calls.precision:.3f}"
              f"  R {calls.recall:.3f}  F1 {calls.f1:.3f}", flush=True)


if __name__ == "__main__":
    main()
