"""The classifiers' scores computed from word lists (bow_scores.py) are spaCy's own, bit for bit:
`textcat.predict` on Docs of the same words, for both shipped classifiers and both languages,
on the words of real annotated pages and on words no model has seen."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.errors import ConfigError
from pipeline.nlp.bow_scores import BowScorer
from pipeline.nlp.kind_model import TEXTCAT as KIND_TEXTCAT
from pipeline.nlp.kind_model import load_kind_model
from pipeline.nlp.topic_model import TEXTCAT as TOPIC_TEXTCAT
from pipeline.nlp.topic_model import load_topic_model, topic_words

ROOT = Path(__file__).resolve().parents[1]


def page_word_lists() -> list[list[str]]:
    records = [json.loads(line) for line in (ROOT / "eval" / "written.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    pages = [topic_words(record["text"], record.get("title")) for record in records if record.get("text")]
    # repeated words, spaCy symbol names ("ORTH", "NOUN"), digits and words of no page
    pages.append(["stöd", "stöd", "stöd", "ORTH", "NOUN", "2031", "cwdeadline", "zzqx", "ü"])
    pages.append(["cwempty"])
    return pages


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("load, name", [(load_kind_model, KIND_TEXTCAT), (load_topic_model, TOPIC_TEXTCAT)])
def test_scores_equal_spacys_predict_on_docs_bit_for_bit(lang: str, load, name: str) -> None:
    textcat = load(lang).get_pipe(name)
    pages = page_word_lists()
    vocab = Vocab()
    expected = textcat.predict([Doc(vocab, words=words) for words in pages])
    found = BowScorer(textcat).scores(pages)
    assert len(found) == len(pages) > 10
    as_array = numpy.array([[row[label] for label in textcat.labels] for row in found], dtype=expected.dtype)
    assert as_array.tobytes() == numpy.asarray(expected).tobytes()


def test_a_model_of_another_shape_is_refused_clearly() -> None:
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": {"@architectures": "spacy.TextCatBOW.v3",
                                                        "exclusive_classes": True, "ngram_size": 2,
                                                        "no_output_layer": False, "length": 2 ** 10}})
    textcat.add_label("a")
    textcat.add_label("b")
    nlp.initialize()
    with pytest.raises(ConfigError, match="unigram"):
        BowScorer(textcat)
