"""What the topic classifier reads of a page, and the trained classifier itself.

Term lists name a topic in the words their authors thought of; pages name it in many others
("landsbygdsprogrammet", "cross-border", "unga vuxna"), so a bag-of-words classifier learned from
the annotated corpus finds topics the rules miss, and the rules (topics.py) find those the
corpus is too small to teach. The classifier is spaCy's multilabel text classifier
(`spacy.TextCatBOW.v3`, classes not exclusive: a page has several topics) on a blank pipeline.

It reads the words of the page's first OPENING_CHARS characters, lower-cased and cut to their
first STEM_CHARS letters (a crude stem: "landsbygden"/"landsbygdsutveckling", "innovation"/
"innovative" count as one word), plus the words of the title line marked as such, each word once:
counted, the many "och"/"the" of a long page carry the weight against rare topics, so a short
page (fewer of them) got high probabilities for topics it never names; once each, it does not,
and cross-validation scored the same. The corpus pages
are stored up to about 2,000 characters, so that is what the classifier was trained and judged on;
past it a long page's words would pile up evidence that no training page had. Words are found with
one regular expression on the text (not spaCy tokens): several times cheaper per page, and the
same in training and in use.

The trained pipelines live in `models/topics/<lang>`, are built by `callwatch train`
(pipeline/nlp/train_topics.py) and loaded with `spacy.load`.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.model_files import model_path
from pipeline.nlp.bow_scores import BowScorer
from pipeline.nlp.extensions import doc_text
from pipeline.nlp.kind_model import load_words_pipeline
from pipeline.nlp.language import SAMPLE_CHARS, SAMPLE_WORDS

OPENING_CHARS = 2000
STEM_CHARS = 5
MAX_TITLE_CHARS = 150  # a longer first line is a paragraph, not a title
TEXTCAT = "textcat_multilabel"
TEXTCAT_CONFIG = {
    "threshold": 0.5,
    "model": {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": False,
        "ngram_size": 1,
        "no_output_layer": False,
        "length": 2 ** 15,  # 14 topics x 32768 weights: 1.8 MB; 2 ** 16 did no better in CV
    },
}
_WORD = re.compile(r"[^\W\d_]+")
# each word's first STEM_CHARS letters, cut by `re` itself (cheaper than cutting each found word)
_STEM = re.compile(rf"([^\W\d_]{{1,{STEM_CHARS}}})[^\W\d_]*")


def topic_words(text: str, title: str | None = None, sample: list[str] | None = None) -> list[str]:
    """The words the topic classifier reads of a page (see the module docstring). `sample`: the
    text's `language.sample_words`, which language detection found; for a text no longer than the
    opening they are the opening's words, and are not looked for again."""
    opening = text[:OPENING_CHARS].lower()
    if sample is not None and len(text) <= min(OPENING_CHARS, SAMPLE_CHARS):
        words = [word[:STEM_CHARS] for word in sample]
    else:
        words = _STEM.findall(opening)
    first_line = title if title and not text.lstrip().startswith(title.strip()) else opening.lstrip().split("\n", 1)[0]
    if len(first_line) <= MAX_TITLE_CHARS:
        words += ["cwtitle" + word[:STEM_CHARS] for word in _WORD.findall(first_line.lower())]
    return list(dict.fromkeys(words)) or ["cwempty"]


def topic_model_dir(lang: str) -> Path:
    return model_path("topics") / lang


@cache
def load_topic_model(lang: str) -> Language:
    """The trained topic pipeline for `lang` (a blank pipeline holding one multilabel classifier)."""
    return load_words_pipeline(topic_model_dir(lang), "topic classifier")


@cache
def topic_scorer(lang: str) -> BowScorer:
    return BowScorer(load_topic_model(lang).get_pipe(TEXTCAT))


def predict_topics(docs: list[Doc], lang: str) -> list[dict[str, float]]:
    """Per processed doc, the probability of each taxonomy topic (as `textcat.predict` on Docs of
    its `topic_words`)."""
    return topic_scorer(lang).scores([topic_words(doc_text(doc), doc._.title, doc.user_data.get(SAMPLE_WORDS))
                                      for doc in docs])
