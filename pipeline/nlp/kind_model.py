"""What the kind classifier reads of a page, and the trained classifier itself.

A page's kind shows in how it starts, so the classifier reads the words of its first
OPENING_CHARS characters: lower-cased and cut to their first STEM_CHARS letters (a crude stem
that lets "utlysning", "utlysningen" and "utlysningsperioden" count as one word in Swedish, and
"applicants"/"application" in English), the title's words marked as such, and a marker word for
each fact the other components found (a deadline, an opening date, an upcoming event, an amount,
an official call id). The words are built into a Doc of their own for spaCy's bag-of-words text
classifier (`spacy.TextCatBOW.v3`), the same way in training and in use.

The trained pipelines live in `models/kind/<lang>`, are built by `callwatch train`
(pipeline/nlp/train.py) and loaded with `spacy.load`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LOWER
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from pipeline.errors import ConfigError
from pipeline.model_files import model_path
from pipeline.nlp.bow_scores import BowScorer

OPENING_CHARS = 2000
STEM_CHARS = 6
TITLE_TOKENS = 12
TEXTCAT = "textcat"
TEXTCAT_CONFIG = {
    "threshold": 0.0,
    "model": {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": True,
        "ngram_size": 1,
        "no_output_layer": False,
        "length": 2 ** 16,
    },
}
FACT_MARKERS = ("deadline", "opening", "events", "amounts", "identifiers")
_COLUMNS = [IDX, LOWER, IS_SPACE, IS_PUNCT]


def classifier_words(doc: Doc) -> list[str]:
    """The words the classifier reads of a processed page (see the module docstring)."""
    words = [f"cw{fact}" for fact in FACT_MARKERS if getattr(doc._, fact)]
    title_words = TITLE_TOKENS + len(FACT_MARKERS)  # a cap on len(words) while the title lasts
    strings = doc.vocab.strings
    stems = _STEMS
    in_title = True
    # Columns of the token attributes instead of Token objects: building a Token per word was the
    # largest single cost of the whole pipeline.
    for idx, lower, is_space, is_punct in doc.to_array(_COLUMNS).tolist():
        if idx >= OPENING_CHARS:
            break
        if is_space:
            # only whitespace tokens hold a line break (the tokenizer splits words at whitespace)
            if in_title and "\n" in strings[lower]:
                in_title = False
            continue
        if is_punct:
            continue
        stem = stems.get(lower)
        if stem is None:
            stem = strings[lower][:STEM_CHARS]
            if len(stems) < MEMO_SIZE:
                stems[lower] = stem
        if in_title and len(words) < title_words:
            words.append(f"cwtitle{stem}")
        words.append(stem)
    return words or ["cwempty"]


# hash of a lower-cased word -> its stem: most words of a page were seen on earlier pages, and a
# dict look-up costs less than reading the string back from the StringStore and cutting it.
MEMO_SIZE = 200_000  # distinct words remembered; bounds memory on very long runs
_STEMS: dict[int, str] = {}


# The vocabulary of the classifiers' word Docs in training (kind and topics; in use the words are
# scored without a Doc, see bow_scores.py). The bag-of-words classifiers read
# only each word's ORTH hash, which is the same in any vocabulary; a bare Vocab computes none of the
# language's lexical attributes (shape, like_num, like_url, ...) for a new word, which the pipeline's
# vocabulary does for each (and the stems and "cwtitle..." words are new to it on most pages).
WORDS_VOCAB = Vocab()


def classifier_doc(doc: Doc) -> Doc:
    return Doc(WORDS_VOCAB, words=classifier_words(doc))


def kind_model_dir(lang: str) -> Path:
    return model_path("kind") / lang


@cache
def load_kind_model(lang: str) -> Language:
    """The trained kind pipeline for `lang` (a blank pipeline holding one text classifier)."""
    return load_words_pipeline(kind_model_dir(lang), "kind classifier")


def load_words_pipeline(path: Path, what: str) -> Language:
    """A trained classifier pipeline that reads Docs built from words (`what` names it in the
    error when it is missing). Its tokenizer is never used, and building the language's
    rule-based one costs more than the rest of the load: it gets the words-only tokenizer."""
    if not (path / "config.cfg").exists():
        raise ConfigError(f"{path}: the trained {what} is missing (build it with `callwatch train`)")
    return spacy.load(path, exclude=["tokenizer"], config={"nlp": {"tokenizer": {"@tokenizers": WORDS_ONLY}}})


WORDS_ONLY = "callwatch_words_only.v1"


@registry.tokenizers(WORDS_ONLY)
def make_words_only_tokenizer() -> Callable[[Language], Callable[[str], Doc]]:
    """A tokenizer splitting at whitespace, cheap to build: what the loaded kind pipeline gets."""
    def create(nlp: Language) -> Callable[[str], Doc]:
        return lambda text: Doc(nlp.vocab, words=text.split())
    return create


@cache
def kind_scorer(lang: str) -> BowScorer:
    return BowScorer(load_kind_model(lang).get_pipe(TEXTCAT))


def predict_kinds(docs: list[Doc], lang: str) -> list[dict[str, float]]:
    """Per processed doc, the probability of each kind (as `textcat.predict` on `classifier_doc`s)."""
    return kind_scorer(lang).scores([classifier_words(doc) for doc in docs])
