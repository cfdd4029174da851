"""Scores of a trained bag-of-words text classifier (`spacy.TextCatBOW.v3`, unigrams) for pages
given as lists of words, without building a Doc per page.

The kind and topic classifiers read words derived from a page (stems, title and fact markers),
not the page's own tokens. Building a Doc of those words only to have the model's first layer
(`extract_ngrams`) read back each word's ORTH hash cost more than the classification: a Lexeme
per new word, kept in the vocabulary for good. Here the hashes are taken straight from the
words (`StringStore[word]`, the value a Doc's ORTH would hold, computed without storing the
string), counted as `extract_ngrams` counts them, and the model's remaining layers are run on
that: the scores are the same, bit for bit, as `textcat.predict` on Docs of the same words
(tests/test_bow_scores.py checks it on both trained classifiers).
"""

from __future__ import annotations

import numpy
from spacy.attrs import ORTH
from spacy.pipeline import TextCategorizer
from spacy.strings import StringStore
from thinc.api import Model

from pipeline.errors import ConfigError

# Any StringStore hashes a string the same way (symbols to their ids, other strings to their
# 64-bit hash); this one stays empty, as looking a string up does not add it.
_HASHES = StringStore()
# word -> its hash, remembered: most words of a page were on earlier pages, and a dict look-up
# costs a sixth of hashing the string again (StringStore[word]) for each of a page's 500 words.
MEMO_SIZE = 200_000  # distinct words remembered; bounds memory on very long runs
_HASH_OF: dict[str, int] = {}


class BowScorer:
    """`scores(pages)`: per page (a list of words) the classifier's probability of each label."""

    def __init__(self, textcat: TextCategorizer) -> None:
        model = textcat.model
        self.labels = tuple(textcat.labels)
        self.layers = _layers_after_ngrams(model, textcat.name)

    def scores(self, pages: list[list[str]]) -> list[dict[str, float]]:
        keys, counts = [], []
        for words in pages:
            # as extract_ngrams: each distinct hash once, sorted, with how often it occurs
            page_keys, page_counts = numpy.unique(numpy.array(_hashes(words), dtype=numpy.uint64), return_counts=True)
            keys.append(page_keys)
            counts.append(page_counts)
        lengths = numpy.asarray([len(page_keys) for page_keys in keys], dtype="int32")
        output = (numpy.concatenate(keys), numpy.asarray(numpy.concatenate(counts), dtype="f"), lengths)
        for layer in self.layers:
            output = layer.predict(output)
        return [dict(zip(self.labels, row, strict=True)) for row in output.tolist()]


def _hashes(words: list[str]) -> list[int]:
    """`StringStore[word]` of each word, through the memo (a hash is never 0 but for "")."""
    known = _HASH_OF.get
    return [known(word) or _hash(word) for word in words]


def _hash(word: str) -> int:
    hashed = _HASHES[word]
    if len(_HASH_OF) < MEMO_SIZE:
        _HASH_OF[word] = hashed
    return hashed


def _layers_after_ngrams(model: Model, name: str) -> list[Model]:
    """The layers a TextCatBOW model runs after `extract_ngrams`: its linear layer, then its output
    layer. Any other shape (another architecture, n-grams, another attribute) is refused, since
    the hashes computed here stand only for unigrams of ORTH."""
    try:
        extract, linear = model.layers[0].layers[0].layers
    except (IndexError, ValueError):
        extract = linear = None
    if extract is None or extract.name != "extract_ngrams" or extract.attrs != {"ngram_size": 1, "attr": ORTH}:
        raise ConfigError(f"{name}: expected a unigram spacy.TextCatBOW model, found {model.name}")
    return [linear, *model.layers[1:]]
