"""5-fold cross-validation of the topic decision on train+dev: the term rules alone, the topic
classifier alone, and the two combined as extraction combines them (pipeline/nlp/topics.py).

Folds by a hash of the page id; on each fold the classifier of every pipeline language is trained
on the other four (pipeline/nlp/train_topics.py) and each page is scored with the classifier of
its own pipeline language. Never reads the sealed test. Takes a minute or two on two cores.

Usage: python scripts/topics_cv.py [--folds 5]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
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
    folds = parser.parse_args().folds
    records = read_training(ROOT / path for path in DEFAULT_TRAINING)
    fold_of = [int(hashlib.sha256(r["id"].encode()).hexdigest(), 16) % folds for r in records]
    results = {name: Counts() for name in ("rules alone", "classifier alone (p >= 0.5)", "combined")}
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
                gold = record.get("topics") or []
                score(results["rules alone"], gold, [t for t, s in strengths.items() if s >= 1] + sorted(settled))
                score(results["classifier alone (p >= 0.5)"], gold, [t for t, p in probabilities.items() if p >= 0.5])
                score(results["combined"], gold, combine_topics(strengths, settled, probabilities))
    print(f"{len(records)} pages, {folds} folds")
    for name, counts in results.items():
        print(f"{name:30s} P {counts.precision:.3f}  R {counts.recall:.3f}  F1 {counts.f1:.3f}")


if __name__ == "__main__":
    main()
