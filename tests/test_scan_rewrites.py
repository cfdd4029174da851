"""Text scans rewritten for speed must find exactly what their plain form finds: on every annotated
text, the benchmark's varied texts and the edge cases a rewrite could get wrong."""

from __future__ import annotations

import json
import re
import sys
import warnings
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.nlp import date_clauses, funder_sentences, language, topic_model
from pipeline.nlp.build import load_nlp

ROOT = Path(__file__).resolve().parents[1]

EDGE_CASES = [
    "", "\n", "\n\n\nA", "A.\n\n  B", "A. \n B", "Slut!\tNästa", "x?", "Då.", "1.2.3 och. 4", "..\n.", " ?\n\n",
    "Rad ett\r\nrad två", "Sluta.\u00a0Börja", "Punkt.\u2028Ny", "!!! ???", "slut\n", "ä.Ö. å",
]


def annotated_texts() -> list[str]:
    records = [json.loads(line) for path in sorted(ROOT.glob("eval/**/*.jsonl"))
               for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [record["text"] for record in records if record.get("text")]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from extract_bench import synthesise, vary

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4 on the fixture pages that are XML
        synthesised = vary(synthesise(300, seed=3))
    found = annotated_texts() + [record["text"] for record in synthesised] + EDGE_CASES
    assert len(found) > 2000
    return found


def test_funders_sentence_boundaries_are_those_of_the_plain_pattern(texts: list[str]) -> None:
    plain = re.compile(r"\n+|[.!?](?:\n+|\s+)")
    boundary = funder_sentences.SENTENCE_BOUNDARY
    assert boundary.pattern != plain.pattern
    for text in texts:
        assert [m.span() for m in boundary.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_date_sentence_boundaries_are_those_of_the_plain_pattern_in_every_window(texts: list[str]) -> None:
    """Also searched from and to given positions (the window around a date), where a lookbehind
    sees the characters before the window's start."""
    plain = re.compile(r"\n|[.!?;](?=\s+[A-ZÅÄÖ])|(?:(?<=\))|(?<=\d{4}))\.(?=\s+\d)")
    assert date_clauses.BOUNDARY.pattern != plain.pattern
    cases = texts + ["(Open Days). 9-12 oktober", "år 2023. 16–17 augusti", "kl. 14.00", "Thurs. 5 March",
                     "slut; Nästa", "x). 5", "2023.\n5", "12023. 4", "). Å"]
    for text in cases:
        assert [m.span() for m in date_clauses.BOUNDARY.finditer(text)] == [m.span() for m in plain.finditer(text)]
        for lo in range(0, len(text), 1 if len(text) < 100 else 37):  # every start in the short cases
            hi = min(len(text), lo + 120)
            assert ([m.span() for m in date_clauses.BOUNDARY.finditer(text, lo, hi)]
                    == [m.span() for m in plain.finditer(text, lo, hi)])


def test_words_of_a_text_are_the_runs_of_letters_the_word_pattern_finds(texts: list[str]) -> None:
    word = re.compile(r"[^\W\d_]+")
    cases = texts + ["don't 3D-skrivare H2020_x ²½ naïve\u00a0café İstanbul ǅ ſtöd x\u2028y a\u200bb", "١٢٣abc"]
    for text in cases:
        assert language.words_of(text) == word.findall(text)
        assert language.words_of(text.lower()) == word.findall(text.lower())


def test_words_of_every_character_are_those_the_word_pattern_finds() -> None:
    """Every code point (surrogates aside), in runs of mixed kinds: letters, digits, marks, spaces."""
    word = re.compile(r"[^\W\d_]+")
    characters = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for start in range(0, len(characters), 64):
        text = characters[start:start + 64]
        assert language.words_of(text) == word.findall(text)


def test_topic_words_from_the_language_sample_are_those_read_from_the_text(texts: list[str]) -> None:
    """Extraction hands the topic classifier the words language detection found; for any text,
    short or long, with a title or without, it reads the same words as from the text itself."""
    long_texts = [text * 3 for text in texts[:50]]
    assert any(len(text) > topic_model.OPENING_CHARS for text in long_texts)
    for text in texts + long_texts:
        for title in (None, "Stöd till kultur"):
            assert (topic_model.topic_words(text, title, language.sample_words(text))
                    == topic_model.topic_words(text, title))


def test_topic_rules_read_the_same_evidence_from_the_language_sample(texts: list[str]) -> None:
    """The topic rules find each word's offset only for the words that are evidence, from the words
    language detection found: the same scores and settled topics as from every word of the text;
    also on texts longer than the sample and texts whose lower-casing changes their length."""
    rules = load_nlp("sv").get_pipe("callwatch_topics")
    odd = ["İstanbul: EU-stöd till forskning och innovation inom hälsa, ERUF och Interreg.",
           "Innovation innovation-innovationer; innovationinnovation innovation." * 3]
    for text in texts[::3] + odd + [text * 2 for text in texts[:20]]:
        plain = load_nlp("sv").make_doc(text)
        with_words = load_nlp("sv").make_doc(text)
        with_words.user_data[language.SAMPLE_WORDS] = language.sample_words(text)
        assert rules.scores(with_words) == rules.scores(plain)


def test_registry_compound_tails_are_found_as_by_the_longest_first_alternation(texts: list[str]) -> None:
    compounds = load_nlp("sv").get_pipe("callwatch_funders").compounds
    plain = re.compile(compounds._tails_any_case.pattern)  # the alternation, longest tail first
    assert compounds._tails.pattern != plain.pattern
    cases = texts + ["leaderprojektet projektmedlen ansökningsomgångens interregprojekt programmets utlysningarna"]
    for text in cases:
        lowered = text.lower()
        assert [m.span() for m in compounds._tails.finditer(lowered)] == [m.span() for m in plain.finditer(lowered)]


def test_topic_phrases_opening_on_a_digit_are_those_the_phrase_search_finds(texts: list[str]) -> None:
    """The rules try the phrases that open on no letter ("5g") only where one of their first
    characters stands: the same evidence as adding every match of `finditer` of their expression."""
    for lang in ("sv", "en"):
        rules = load_nlp(lang).get_pipe("callwatch_topics")
        phrases = rules.other_phrases
        pattern, evidence = phrases
        for text in texts + ["5g 6g 5G-nät, 45g 5gx a5g 6g.", "5g"]:
            lowered = text.lower()
            expected: dict = defaultdict(list)
            expected_settled: set[str] = set()
            rules.other_phrases = None  # the words and the phrases they open only
            try:
                rules._collect(lowered, 10, expected, expected_settled)
            finally:
                rules.other_phrases = phrases
            for match in pattern.finditer(lowered):
                rules._add(expected, expected_settled, evidence[match.lastgroup], match.start(), match.end(), 10)
            found: dict = defaultdict(list)
            settled: set[str] = set()
            rules._collect(lowered, 10, found, settled)
            assert (found, settled) == (expected, expected_settled)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_one_matcher_finds_the_registry_names_and_context_cues_each_matcher_of_its_own_finds(
        texts: list[str], lang: str) -> None:
    """The funder registry's names and the context cues' phrases share one PhraseMatcher: split by
    key, its matches are those (in the same order) of a matcher holding only one kind of phrase,
    on the train and dev pages and the benchmark's texts."""
    from spacy.matcher import PhraseMatcher

    from pipeline.model_files import load_model_toml
    from pipeline.nlp.funder_context import CUE, CUES_FILE, LABEL, VERB
    from pipeline.nlp.funder_registry import genitive_forms

    nlp = load_nlp(lang)
    finder = nlp.get_pipe("callwatch_funders")
    registry = PhraseMatcher(nlp.vocab, attr="LOWER")
    for entry in finder.entries.values():
        names = [form for alias in entry.names for form in genitive_forms(alias, False)]
        if names:
            registry.add(entry.key, list(nlp.tokenizer.pipe(names)))
    data = load_model_toml(CUES_FILE)
    alone = {}
    for key, phrases in ((CUE, data["before_name"]), (LABEL, data["label_lines"]), (VERB, data["after_name"])):
        alone[nlp.vocab.strings[key]] = PhraseMatcher(nlp.vocab, attr="LOWER")
        alone[nlp.vocab.strings[key]].add(key, list(nlp.tokenizer.pipe(phrases)))
    pages = [json.loads(line)["text"] for name in ("train.jsonl", "dev.jsonl")
             for line in (ROOT / "eval" / "corpus" / name).read_text("utf-8").splitlines() if line.strip()]
    found = 0
    for text in pages + texts[-(300 + len(EDGE_CASES)):]:  # the 300 varied benchmark texts, the edge cases
        doc = nlp.make_doc(text)
        shared = finder.insensitive(doc)
        assert [m for m in shared if m[0] not in alone] == registry(doc)
        for key, matcher in alone.items():
            assert [m for m in shared if m[0] == key] == matcher(doc)
        found += len(shared)
    assert found > 1000
