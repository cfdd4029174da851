"""Build the callwatch spaCy pipelines: blank Swedish/English plus the callwatch components.

Pipelines are built once per language and process (building compiles matchers from the data
files), and can be saved with `nlp.to_disk` and loaded with `spacy.load` like any spaCy pipeline.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import logging
import threading
from functools import cache

from spacy import attrs
from spacy.language import Language
from spacy.util import compile_infix_regex, get_lang_class

from pipeline.nlp import funders, identifiers, kind, language, topics  # noqa: F401  (register factories)

log = logging.getLogger(__name__)

LANGUAGES = ("sv", "en")
# Order matters: kind reads the deadline; dates/amounts read doc._.lang and doc._.reference_date.
COMPONENTS = (
    "callwatch_lang",
    "callwatch_dates",
    "callwatch_amounts",
    "callwatch_funders",
    "callwatch_topics",
    "callwatch_identifiers",
    "callwatch_kind",
)
# Components living in modules that may be absent in a partial checkout: factory -> module.
OPTIONAL_MODULES = {"callwatch_dates": "pipeline.nlp.dates", "callwatch_amounts": "pipeline.nlp.amounts"}

_cache: dict[str, Language] = {}
_lock = threading.Lock()


def load_nlp(lang: str) -> Language:
    """The callwatch pipeline for `lang` ("sv" or "en"; other codes use the closest of the two)."""
    lang = language.pipeline_language(lang)
    with _lock:
        if lang not in _cache:
            _cache[lang] = build_nlp(lang)
            # The pipeline's objects (vocabulary, matchers, compiled rules: about 100,000 of them)
            # live as long as the process. Frozen (moved out of the cyclic collector's sight), they
            # are no longer walked again by every full collection, which cost 1-2% of an
            # extraction pass. They are still freed by reference counting like any object.
            gc.freeze()
        return _cache[lang]


def available_components() -> list[str]:
    names = []
    for name in COMPONENTS:
        module = OPTIONAL_MODULES.get(name)
        if module is not None:
            if importlib.util.find_spec(module) is None:
                log.warning("%s is missing: %s will not be extracted", module, name)
                continue
            importlib.import_module(module)
        names.append(name)
    return names


# Split "LIFE-programmet", "THCS-partnerskapet", "Skåne-Blekinge" at the hyphen, as the English
# tokenizer already does, so names inside Swedish hyphen compounds can be matched as tokens.
# Digits are left alone so ids like "EU4H-2023-PJ-01" and dates stay whole.
HYPHEN_BETWEEN_LETTERS = r"(?<=[^\W\d_])[-–](?=[^\W\d_])"


# The lexical attributes anything reads of the pipeline's tokens: the components (funder names:
# lower_, like_num, is_lower, is_upper, is_alpha, is_punct; the kind classifier: LOWER, IS_SPACE,
# IS_PUNCT; the PhraseMatchers: LOWER) and spaCy itself (NORM for token exceptions, LANG for
# `doc.lang_`). spaCy computes every attribute it knows for each word the tokenizer has not met
# before (shape, prefix, suffix, like_url, is_stop, ...), and pages bring many new words: the
# attributes nobody reads cost 6% of extraction's CPU on the benchmark's varied texts.
LEXICAL_ATTRIBUTES_READ = frozenset({attrs.LOWER, attrs.NORM, attrs.LANG, attrs.IS_ALPHA, attrs.IS_LOWER,
                                     attrs.IS_UPPER, attrs.IS_SPACE, attrs.IS_PUNCT, attrs.LIKE_NUM})


def build_nlp(lang: str) -> Language:
    """A fresh pipeline (uncached): blank language, tokenizer tweaks, callwatch components."""
    nlp = hyphen_splitting_language(lang).from_config({})  # as spacy.blank(lang) builds its class
    nlp.vocab.lex_attr_getters = {attr: getter for attr, getter in nlp.vocab.lex_attr_getters.items()
                                  if attr in LEXICAL_ATTRIBUTES_READ}
    for name in available_components():
        nlp.add_pipe(name)
    return nlp


@cache
def hyphen_splitting_language(lang: str) -> type[Language]:
    """The language class of `lang` with HYPHEN_BETWEEN_LETTERS added to its infixes (spaCy's
    custom language subclass): the tokenizer compiles its infix rules once, with the hyphen,
    instead of the defaults first and again with the hyphen (`split_hyphenated_words`)."""
    base = get_lang_class(lang)
    defaults = type(f"{base.__name__}Defaults", (base.Defaults,),
                    {"infixes": [*(base.Defaults.infixes or []), HYPHEN_BETWEEN_LETTERS]})
    return type(f"HyphenSplitting{base.__name__}", (base,), {"Defaults": defaults})


def split_hyphenated_words(nlp: Language) -> None:
    """Add HYPHEN_BETWEEN_LETTERS to the infixes of a pipeline already built (spacy.blank)."""
    infixes = list(nlp.Defaults.infixes or []) + [HYPHEN_BETWEEN_LETTERS]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
