"""Train the kind classifier: `callwatch train` (or `python -m pipeline.nlp.train`).

Reads annotated JSON Lines (the eval format: "text", "kind", optional "title", "reference_date"),
runs each page through the extraction pipeline up to the kind (the classifier reads what the
other components found), and trains one text classifier per pipeline language on all pages (each
language's own tokenizer), saved to `models/kind/<lang>` with `nlp.to_disk`. Rare kinds are
repeated (at most MAX_REPEAT times) so that each kind weighs about as much as the commonest.
Deterministic: a fixed seed, a fixed order.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from pipeline.errors import CallwatchError
from pipeline.evaluate import read_gold
from pipeline.nlp.build import LANGUAGES, split_hyphenated_words
from pipeline.nlp.kind_model import TEXTCAT, TEXTCAT_CONFIG, classifier_doc, kind_model_dir
from pipeline.nlp.language import detect_language
from pipeline.vocabulary import PAGE_KINDS

log = logging.getLogger(__name__)

# Hyper-parameters were chosen on dev with train alone; the shipped model learns from both.
DEFAULT_TRAINING = ("eval/corpus/train.jsonl", "eval/corpus/dev.jsonl")
SEED = 1
EPOCHS = 30
BATCH = 16
DROPOUT = 0.2
MAX_REPEAT = 5


def read_training(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Annotated pages from JSON Lines files (the eval format, checked as gold is)."""
    return [record for path in paths for record in read_gold(path)]


def page_text(record: dict[str, Any]) -> str:
    """The text as extraction sees it: the title (when given apart) above the page's text."""
    return "\n\n".join(part for part in (record.get("title"), record["text"]) if part)


def analysed(lang: str, records: list[dict[str, Any]]) -> list[Doc]:
    """Each record through the extraction pipeline of `lang` up to the kind, whose inputs are
    what the other components found."""
    from pipeline.nlp.build import load_nlp

    nlp = load_nlp(lang)
    docs = []
    for record in records:
        text = page_text(record)
        doc = nlp.make_doc(text)
        doc.user_data["callwatch_text"] = text
        doc._.lang = detect_language(text)
        doc._.reference_date = record.get("reference_date") or "2025-01-01"
        doc._.title = record.get("title")
        doc._.url = record.get("url")
        for name, proc in nlp.pipeline:
            if name != "callwatch_kind":
                doc = proc(doc)
        docs.append(doc)
    return docs


def train_language(lang: str, records: list[dict[str, Any]], epochs: int = EPOCHS, seed: int = SEED,
                   docs: list[Doc] | None = None) -> spacy.Language:
    """A blank `lang` pipeline holding only the trained kind classifier (`docs`: the records
    already `analysed` in `lang`, as cross-validation passes them to read each page once)."""
    fix_random_seed(seed)
    nlp = spacy.blank(lang)
    split_hyphenated_words(nlp)  # tokens as the extraction pipeline makes them
    textcat = nlp.add_pipe(TEXTCAT, config=TEXTCAT_CONFIG)
    for kind in PAGE_KINDS:
        textcat.add_label(kind)
    examples = []
    counts = Counter(record["kind"] for record in records)
    commonest = max(counts.values())
    for record, doc in zip(records, analysed(lang, records) if docs is None else docs, strict=True):
        example = Example.from_dict(classifier_doc(doc), {"cats": {k: float(k == record["kind"]) for k in PAGE_KINDS}})
        examples += [example] * min(MAX_REPEAT, max(1, round(commonest / counts[record["kind"]])))
    fit(nlp, examples, epochs, seed, f"{lang} kind")
    return nlp


def fit(nlp: spacy.Language, examples: list[Example], epochs: int, seed: int, label: str,
        learn_rate: float | None = None) -> None:
    """Train the one component of `nlp` on `examples`: `epochs` passes in an order shuffled
    from `seed` (deterministic), logging each pass's loss under `label`."""
    optimizer = nlp.initialize(lambda: examples)
    if learn_rate is not None:
        optimizer.learn_rate = learn_rate
    order = random.Random(seed)
    for epoch in range(epochs):
        order.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=BATCH):
            nlp.update(batch, drop=DROPOUT, sgd=optimizer, losses=losses)
        log.info("%s epoch %d: loss %.3f", label, epoch + 1, sum(losses.values()))


def save_pipeline(nlp: spacy.Language, target: Path) -> None:
    """Write a trained pipeline where extraction loads it (its vocab is rebuilt on load)."""
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target, exclude=["vocab"])


def train_and_save(paths: Iterable[str | Path], train_one: Callable[..., spacy.Language],
                   model_dir: Callable[[str], Path], epochs: int, seed: int,
                   out_dir: Path | None = None) -> tuple[list[dict[str, Any]], float]:
    """Train `train_one(lang, records, epochs, seed)` for every pipeline language on the records
    of `paths` and save each where extraction loads it (`model_dir(lang)`, or `out_dir/lang`);
    return the records and the seconds it took."""
    records = read_training(paths)
    if not records:
        raise CallwatchError("no training records")
    started = time.perf_counter()
    for lang in LANGUAGES:
        save_pipeline(train_one(lang, records, epochs, seed), (out_dir / lang) if out_dir else model_dir(lang))
    return records, round(time.perf_counter() - started, 1)


def train_kind_models(paths: Iterable[str | Path], epochs: int = EPOCHS, seed: int = SEED,
                      out_dir: Path | None = None) -> dict[str, Any]:
    """Train and save the classifier of every pipeline language; return a summary."""
    records, seconds = train_and_save(paths, train_language, kind_model_dir, epochs, seed, out_dir)
    return {"records": len(records), "kinds": dict(Counter(r["kind"] for r in records)), "seconds": seconds}

if __name__ == "__main__":
    import sys

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(json.dumps(train_kind_models(sys.argv[1:] or DEFAULT_TRAINING), indent=2))
