"""What the kind classifier reads of a page, and the trained classifier itself.

A page's kind shows in how it starts, so the classifier reads the words of its first
OPENING_CHARS characters: lower-cased and cut to their first STEM_CHARS letters (a crude stem
that lets "utlysning", "utlysningen" and "utlysningsperioden" count as one word in Swedish, and
"applicants"/"application" in English), and the title's words marked as such. It also reads
marker words for what the other components found: whether there is a deadline, an opening date,
an upcoming event, an amount, an official call id; and how many funders, amounts, event dates
and topics (0, 1, 2, 3 or more: an overview of several schemes names more than one call does),
and the status the dates give a call (open, closed, forthcoming or none: a window that is open
on the page's date is what a call page announces; a guide to a scheme states none), and how many
dates it names after and before its own date (0, 1, 2-3, 4 or more): a call or an event looks
ahead, a report of what happened looks back.
And the first word of each line after the title, marked as such: a line opening on "Vem", "Sista"
or "Budget" is a heading of a call, a dateline or a quote opens a paragraph of news (in 5-fold
cross-validation on train+dev with four fold seeds, kind rose by 0.1 to 0.7 points and
funding-call F1 by 0.2 to 0.5). And the words of the page address's path, marked as such: where a
site files a page ("/nyheter/", "/calls/", "/evenemang/", "/projekt/") says much about its kind.
Each word is read once, however often the page uses it. The same words are what spaCy's bag-of-words text
classifier (`spacy.TextCatBOW.v3`) learns from in training (a Doc of them) and scores in use
(their hashes straight, `bow_scores.BowScorer`, which gives the same scores without building the
Doc).

The trained pipelines live in `models/kind/<lang>`, are built by `callwatch train`
(pipeline/nlp/train.py) and loaded with `spacy.load`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy
import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LOWER
from spacy.language import Language
from spacy.strings import StringStore
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
COUNTED_FACTS = ("funders", "amounts", "events", "topics")
URL_WORD = re.compile(r"[^\W\d_]{2,}")  # letters only: ids and dates in paths say nothing of kind
URL_WORDS = 20  # a path's first words; a slug repeating a long title adds little after them
_COLUMNS = [IDX, LOWER, IS_SPACE, IS_PUNCT]


def classifier_words(doc: Doc) -> list[str]:
    """The words the classifier reads of a processed page (see the module docstring)."""
    found = doc._  # (each `doc._` builds a new accessor object: one, not one per fact)
    words = [f"cw{fact}" for fact in FACT_MARKERS if getattr(found, fact)]
    strings = doc.vocab.strings
    # Columns of the token attributes, filtered with numpy, instead of Token objects or a Python
    # loop over every token: reading tokens one by one was the largest single cost of the pipeline.
    columns = doc.to_array(_COLUMNS)
    columns = columns[: int(numpy.searchsorted(columns[:, 0], OPENING_CHARS))]  # tokens of the opening
    lowers, spaces = columns[:, 1], columns[:, 2] != 0
    # the title ends at the first line break (only whitespace tokens hold one: the tokenizer splits
    # words at whitespace)
    breaks = [i for i in numpy.flatnonzero(spaces).tolist() if "\n" in strings[int(lowers[i])]]
    title_end = breaks[0] if breaks else len(columns)
    kept = ~spaces & (columns[:, 3] == 0)  # not whitespace, not punctuation
    title = _stems(lowers[:title_end][kept[:title_end]].tolist(), strings)
    # the title's words are marked while the words so far are fewer than TITLE_TOKENS plus the
    # markers: each marked title word adds two
    marked = min(len(title), max(0, (TITLE_TOKENS + len(FACT_MARKERS) - len(words) + 1) // 2))
    for stem in title[:marked]:
        words += (f"cwtitle{stem}", stem)
    words += title[marked:]
    words += _stems(lowers[title_end:][kept[title_end:]].tolist(), strings)
    words += [f"cwline{stem}" for stem in _stems(_line_starts(breaks, lowers.tolist(), spaces.tolist(), strings),
                                                  strings)]
    # after the title: how many title words are marked depends on len(words)
    words += url_words(found.url)
    words += [f"cwcount{fact}{min(3, len(getattr(found, fact) or ()))}" for fact in COUNTED_FACTS]
    words.append(f"cwstatus{found.call_status or 'none'}")
    ahead, behind = found.date_counts or (0, 0)
    words += [f"cwdatesahead{_date_count_bucket(ahead)}", f"cwdatesbehind{_date_count_bucket(behind)}"]
    # Each word once: whether the page uses a word, not how often. Counted, a word a long page
    # repeats ("ansökan" in every paragraph of a guide) outweighs the rest of the page; read once,
    # funding-call F1 rose 0.819/0.821 -> 0.834/0.839 in 5-fold CV on train+dev (two fold seeds).
    return list(dict.fromkeys(words))  # never empty: the counts are always there


def _line_starts(breaks: list[int], lowers: list[int], spaces: list[bool], strings: StringStore) -> list[int]:
    """The first word of letters on each line after the title (the token after each line break
    in `breaks`, skipping numbering and marks): a heading such as "Vem kan söka?" or "Sista
    ansökningsdag" opens a line of a call, a dateline or a quote that of a news item."""
    starts = []
    for line, start in enumerate(breaks):
        end = breaks[line + 1] if line + 1 < len(breaks) else len(lowers)
        for i in range(start + 1, end):
            if not spaces[i] and strings[lowers[i]].isalpha():
                starts.append(lowers[i])
                break
    return starts


def _date_count_bucket(count: int) -> int:
    """0, 1, 2-3 and 4 or more dates (the bands measured in cross-validation)."""
    return 0 if count == 0 else 1 if count == 1 else 2 if count <= 3 else 3


def url_words(url: str | None) -> list[str]:
    """The words of a page address's path, cut to stems and marked ("cwurlnyhete" for /nyheter/)."""
    if not url:
        return []
    path = unquote(urlsplit(url).path).lower()
    return [f"cwurl{word[:STEM_CHARS]}" for word in URL_WORD.findall(path)[:URL_WORDS]]


def _stems(lowers: list[int], strings: StringStore) -> list[str]:
    stems = _STEMS
    found = [stems.get(lower) for lower in lowers]
    if None in found:
        for i, lower in enumerate(lowers):
            if found[i] is None:
                found[i] = stem = strings[lower][:STEM_CHARS]
                if len(stems) < MEMO_SIZE:
                    stems[lower] = stem
    return found


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
