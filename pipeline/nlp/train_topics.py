"""Train the topic classifier: part of `callwatch train` (or `python -m pipeline.nlp.train_topics`).

Reads annotated JSON Lines (the eval format: "text", "topics", optional "title"), and trains one
multilabel text classifier per pipeline language on all pages, saved to `models/topics/<lang>`
with `nlp.to_disk`. The classifier reads words found by a regular expression (topic_model.py),
not the extraction pipeline's tokens, so training needs no extraction run and takes seconds.
Deterministic: a fixed seed, a fixed order.

The hyper-parameters and the way the classifier is combined with the term rules (topics.py)
were chosen by 5-fold cross-validation on train+dev (folds by a hash of the page id) and checked
on dev with a classifier trained on train alone; the shipped classifier learns from both.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed

from pipeline.model_files import load_model_toml
from pipeline.nlp.topic_model import TEXTCAT, TEXTCAT_CONFIG, topic_model_dir, topic_words
from pipeline.nlp.train import DEFAULT_TRAINING, fit, train_and_save

log = logging.getLogger(__name__)

SEED = 1
EPOCHS = 10
LEARN_RATE = 0.001  # spaCy's default; 0.003 and 0.01 fitted the training pages closer and did worse in CV


def taxonomy_topics() -> list[str]:
    return sorted(load_model_toml("taxonomy.toml")["topics"])


def train_topic_language(lang: str, records: list[dict[str, Any]], epochs: int = EPOCHS,
                         seed: int = SEED) -> spacy.Language:
    """A blank `lang` pipeline holding only the trained topic classifier."""
    fix_random_seed(seed)
    nlp = spacy.blank(lang)
    textcat = nlp.add_pipe(TEXTCAT, config=TEXTCAT_CONFIG)
    topics = taxonomy_topics()
    for topic in topics:
        textcat.add_label(topic)
    examples = []
    for record in records:
        gold = set(record.get("topics") or [])
        words = topic_words(record["text"], record.get("title"))
        examples.append(Example.from_dict(Doc(nlp.vocab, words=words),
                                          {"cats": {topic: float(topic in gold) for topic in topics}}))
    fit(nlp, examples, epochs, seed, f"{lang} topics", learn_rate=LEARN_RATE)
    return nlp


def train_topic_models(paths: Iterable[str | Path], epochs: int = EPOCHS, seed: int = SEED,
                       out_dir: Path | None = None) -> dict[str, Any]:
    """Train and save the topic classifier of every pipeline language; return a summary."""
    records, seconds = train_and_save(paths, train_topic_language, topic_model_dir, epochs, seed, out_dir)
    return {"records": len(records), "topics": dict(Counter(t for r in records for t in r.get("topics") or [])),
            "seconds": seconds}

if __name__ == "__main__":
    import sys

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(json.dumps(train_topic_models(sys.argv[1:] or DEFAULT_TRAINING), indent=2))
