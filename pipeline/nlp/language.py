"""Language detection by stopword counts: fast enough to run on every page before choosing a pipeline.

Swedish and English are what callwatch reads; a few neighbouring languages are recognised so that a
Norwegian or German page is reported as such (and processed with the closest pipeline) instead of
being mislabelled.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.extensions import doc_text

# Frequent function words, chosen to be distinctive between the languages listed.
STOPWORDS: dict[str, frozenset[str]] = {
    "sv": frozenset(
        "och att det som en på är för av med till den har inte om ett de kan ska eller vi från inom "
        "också även när under efter så sig dig du ni vid hur vad vilka vill finns detta denna dessa "
        "utlysningen ansökan mellan sina sitt deras blir bara än får måste skall".split()
    ),
    "en": frozenset(
        "the and of to in is for on that with are be by this will from as at an or it can which "
        "have has was were their its not all more these also been about should must into who "
        "applications call funding".split()
    ),
    "no": frozenset("og ikke jeg hva hvordan også fra være blir etter skal mellom dette våre vår "
                    "mottar jevnlig ønsker kontakt oss av til som er på med det".split()),
    "da": frozenset("og ikke hvad hvordan også fra være bliver efter skal mellem dette vores af til "
                    "som er på med det".split()),
    "de": frozenset("der die das und ist nicht mit von für auf des dem den zu eine einer sich auch "
                    "werden wird bei oder".split()),
    "fr": frozenset("le la les et est des une pour dans que qui sur pas avec par au du sont ces "
                    "aux être".split()),
    "fi": frozenset("ja on ei se että oli ovat tai kuin mutta myös joka kun sekä ole hankkeen".split()),
    "it": frozenset("il di che è per una della del sono con non gli nel alla delle anche".split()),
    "es": frozenset("el la de que y en los del las por con para una es se al como más".split()),
}

# word -> languages it is a stopword of, so each word is looked up once.
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in STOPWORDS.items():
    for _word in _words:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _lang)

# Letters that only some of the candidate languages use.
_SV_LETTERS = re.compile(r"[åäö]", re.IGNORECASE)
_NO_DA_LETTERS = re.compile(r"[æø]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# The characters those two patterns match, counted with str.count (cheaper than findall); "\u212b"
# is the Angstrom sign, which matches "å" ignoring case.
_SV_CHARS = "åäöÅÄÖ\u212b"
_NO_DA_CHARS = "æøÆØ"

SAMPLE_CHARS = 3000  # the beginning of a page is enough and keeps detection cheap
# Doc.user_data key of a page's `sample_words`, kept by extraction for the topic classifier
SAMPLE_WORDS = "callwatch_sample_words"


def detect_language(text: str, words: list[str] | None = None) -> str:
    """Return an ISO 639-1 code for `text`: "sv" or "en" for most pages, or another code when clear.
    `words`: its `sample_words`, when the caller has them.

    Falls back to "en" for empty or undecidable text (most foreign pages we meet are English).
    """
    sample = text[:SAMPLE_CHARS]
    words = sample_words(text) if words is None else words
    if not words:
        return "en"
    scores = dict.fromkeys(STOPWORDS, 0.0)
    # each stopword counted once with its number of occurrences (the sums are whole numbers, so
    # the same as adding one at a time)
    for word, count in Counter(word for word in words if word in _LANGUAGES_OF).items():
        for lang in _LANGUAGES_OF[word]:
            scores[lang] += count
    scores["sv"] += 0.2 * sum(map(sample.count, _SV_CHARS)) ** 0.5
    nordic_letters = sum(map(sample.count, _NO_DA_CHARS))
    if nordic_letters:
        scores["no"] += nordic_letters**0.5
        scores["da"] += nordic_letters**0.5 * 0.9
    else:
        scores["no"] *= 0.5
        scores["da"] *= 0.5
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] < 2:
        return "sv" if _SV_LETTERS.search(sample) else "en"
    return best


def sample_words(text: str) -> list[str]:
    """The words detection reads: those of the text's first SAMPLE_CHARS characters, lower-cased."""
    return words_of(text[:SAMPLE_CHARS].lower())


def words_of(text: str) -> list[str]:
    """`_WORD.findall(text)` (runs of letters), in a third less time: no word holds whitespace, so
    the words of a text are those of its whitespace-separated parts, and a part made of letters
    only (most of them) is one word as it stands (tests/test_scan_rewrites.py)."""
    words: list[str] = []
    for part in text.split():
        if part.isalpha():
            words.append(part)
        else:
            words += _WORD.findall(part)
    return words


def pipeline_language(lang: str) -> str:
    """The callwatch pipeline ("sv" or "en") to process a text of language `lang` with."""
    return "sv" if lang in ("sv", "no", "da") else "en"


@Language.factory("callwatch_lang", assigns=["doc._.lang"])
def make_language_detector(nlp: Language, name: str) -> LanguageDetector:
    return LanguageDetector()


class LanguageDetector:
    """Sets doc._.lang unless the caller already knows it (extract_records detects it once per text)."""

    def __call__(self, doc: Doc) -> Doc:
        if doc._.lang is None:
            doc._.lang = detect_language(doc_text(doc))
        return doc
