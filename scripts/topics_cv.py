"""5-fold cross-validation of the topic decision on train+dev: the term rules alone, the topic
classifier alone, and the two combined as extraction combines them (pipeline/nlp/topics.py).

Folds by a hash of the page id; on each fold the classifier of every pipeline language is trained
on the other four (pipeline/nlp/train_topics.py) and each page is scored with the classifier of
its own pipeline language. Never reads the sealed test. Takes a minute or two on two cores.

With --per-topic, also the combined decision's precision and recall per topic; with --errors FILE,
every page's missed and false topics of the combined decision (JSON Lines) for reading. --seed
gives another split into folds (a change should hold on more than one).

Usage: python scripts/topics_cv.py [--folds 5] [--seed 0] [--per-topic] [--errors FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spacy.tokens import Doc  # noqa: E402

from pipeline.evaluate import Counts  # noqa: E402
from pipeline.nlp.build import LANGUAGES, load_nlp  # noqa: E402
from pipeline.nlp.language import detect_language, pipeline_language  # noqa: E402
from pipeline.nlp.topic_model import TEXTCAT, topic_words  # noqa: E402
from pipeline.nlp.topics import combine_topics, rule_strengths  # noqa: E402
from pipeline.nlp.train import DEFAULT_TRAINING, page_text, read_training  # noqa: E402
from pipeline.nlp.train_topics import train_topic_language  # noqa: E402


def score(counts: Counts, gold: list[str], predicted: list[str]) -> None:
    counts.tp += len(set(gold) & set(predicted))
    counts.fp += len(set(predicted) - set(gold))
    counts.fn += len(set(gold) - set(predicted))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0, help="0: the original folds; others: another split")
    parser.add_argument("--per-topic", action="store_true")
    parser.add_argument("--errors", type=Path, help="write each page's missed/false topics here")
    parser.add_argument("--probabilities", type=Path,
                        help="write each page's held-out classifier probabilities here (JSON Lines), to try "
                             "term lists and constants on them without retraining")
    args = parser.parse_args()
    folds = args.folds
    records = read_training(ROOT / path for path in DEFAULT_TRAINING)
    salt = f"{args.seed}:" if args.seed else ""
    fold_of = [int(hashlib.sha256((salt + r["id"]).encode()).hexdigest(), 16) % folds for r in records]
    results = {name: Counts() for name in ("rules alone", "classifier alone (p >= 0.5)", "combined")}
    per_topic: dict[str, Counts] = defaultdict(Counts)
    errors, held_out = [], []
    for fold in range(folds):
        training = [r for r, f in zip(records, fold_of, strict=True) if f != fold]
        for lang in LANGUAGES:
            model = train_topic_language(lang, training)
            textcat = model.get_pipe(TEXTCAT)
            nlp = load_nlp(lang)
            tagger = nlp.get_pipe("callwatch_topics")
            for record, f in zip(records, fold_of, strict=True):
                text = page_text(record)
                if f != fold or pipeline_language(detect_language(text)) != lang:
                    continue
                doc = nlp.make_doc(text)
                scores, settled = tagger.scores(doc)
                strengths = rule_strengths(scores, len(text))
                [row] = textcat.predict([Doc(model.vocab, words=topic_words(text, record.get("title")))]).tolist()
                probabilities = dict(zip(textcat.labels, row, strict=True))
                held_out.append({"id": record["id"], "probabilities": probabilities})
                gold = record.get("topics") or []
                score(results["rules alone"], gold, [t for t, s in strengths.items() if s >= 1] + sorted(settled))
                score(results["classifier alone (p >= 0.5)"], gold, [t for t, p in probabilities.items() if p >= 0.5])
                combined = combine_topics(strengths, settled, probabilities)
                score(results["combined"], gold, combined)
                for topic in {*gold, *combined}:
                    score(per_topic[topic], [topic] if topic in gold else [], [topic] if topic in combined else [])
                missed, false = sorted(set(gold) - set(combined)), sorted(set(combined) - set(gold))
                if missed or false:
                    errors.append({"id": record["id"], "lang": lang, "missed": missed, "false": false,
                                   "strengths": {t: round(v, 2) for t, v in strengths.items()},
                                   "p": {t: round(v, 2) for t, v in probabilities.items() if v >= 0.1},
                                   "text": text[:600]})
    print(f"{len(records)} pages, {folds} folds")
    for name, counts in results.items():
        print(f"{name:30s} P {counts.precision:.3f}  R {counts.recall:.3f}  F1 {counts.f1:.3f}")
    if args.per_topic:
        for topic, counts in sorted(per_topic.items()):
            print(f"  {topic:28s} P {counts.precision:.3f}  R {counts.recall:.3f}  F1 {counts.f1:.3f}"
                  f"  (tp {counts.tp}, fp {counts.fp}, fn {counts.fn})")
    if args.probabilities:
        args.probabilities.write_text("".join(json.dumps(h) + "\n" for h in held_out))
    if args.errors:
        args.errors.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors))


if __name__ == "__main__":
    main()
