"""Phrase lists compiled to one regular expression (pipeline/nlp/phrases.py): the alternation is
grouped by first character for speed, and must find exactly what the plain alternation finds.
Lower-case patterns searched in lower-cased text instead of with re.IGNORECASE must find the same."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from pipeline.nlp.date_cues import ROLES
from pipeline.nlp.date_mentions import load_date_words
from pipeline.nlp.funder_registry import lowered_context_openings, lowered_context_prechecks
from pipeline.nlp.funders import context_patterns, lowered_context_searches
from pipeline.nlp.phrases import FOLD_SAFE, compile_phrases, folds_safely, lower_keeping_offsets, phrase_pattern

ROOT = Path(__file__).resolve().parents[1]


def plain_alternation(groups: dict[str, list[str]]) -> re.Pattern[str]:
    """The phrases as one ungrouped alternation, longest first, as compile_phrases orders them."""
    phrases = dict.fromkeys(p.lower() for ps in groups.values() for p in ps if not p.startswith("*"))
    ordered = sorted(phrases, key=lambda p: (-len(p.rstrip("*")), p))
    return re.compile(r"\b(?:" + "|".join(f"{phrase_pattern(p)}(?P<p{i}>)" for i, p in enumerate(ordered)) + ")")


def annotated_texts() -> list[str]:
    """The texts of the annotated pages (records without a text, such as review notes, left out)."""
    records = [json.loads(line) for path in sorted(ROOT.glob("eval/**/*.jsonl"))
               for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [record["text"] for record in records if record.get("text")]


@functools.cache
def train_and_dev_texts() -> list[str]:
    """The texts of the corpus pages that rules are tuned on (train and dev), in file order."""
    return [json.loads(line)["text"] for name in ("train.jsonl", "dev.jsonl")
            for line in (ROOT / "eval" / "corpus" / name).read_text("utf-8").splitlines() if line.strip()]


def test_grouped_alternation_finds_what_the_plain_one_finds_on_every_annotated_text() -> None:
    cues = load_date_words()["cues"]
    groups = {role: cues[role] for role in ROLES}
    grouped, _ = compile_phrases(groups)
    plain = plain_alternation(groups)
    assert grouped.pattern != plain.pattern  # the grouping is what is being checked
    texts = [text.lower() for text in annotated_texts()]
    assert len(texts) > 300
    for text in texts:
        found = [(m.start(), m.end(), m.lastgroup) for m in grouped.finditer(text)]
        assert found == [(m.start(), m.end(), m.lastgroup) for m in plain.finditer(text)]


def test_longer_phrase_sharing_a_start_wins_and_word_ends_hold() -> None:
    pattern, names = compile_phrases({"deadline": ["sista ansökningsdag*", "sista dag"], "other": ["kr", "stängd"]})
    text = "sista ansökningsdagen, sista dag, krav, stängd"
    found = [(m.group(), names[m.lastgroup]) for m in pattern.finditer(text)]
    assert found == [("sista ansökningsdagen", "deadline"), ("sista dag", "deadline"), ("stängd", "other")]


def test_fold_safe_characters_match_ignoring_case_as_their_lower_case_forms_do() -> None:
    safe = "".join(sorted(FOLD_SAFE))
    for letter in sorted({c.lower() for c in safe}):
        expected = {c for c in safe if c.lower() == letter}
        assert set(re.findall(re.escape(letter), safe, re.IGNORECASE)) == expected, letter
    for c in safe:  # \w, \s, \d and so \b read the same of the lower-cased character
        assert (c.lower().isalnum(), c.lower().isspace(), c.lower().isdigit()) == (c.isalnum(), c.isspace(),
                                                                                 c.isdigit())
    # long s, dotted I, Kelvin sign: re.IGNORECASE has its own rules for them
    assert not folds_safely("ſtöd") and not folds_safely("İstanbul") and not folds_safely("5 \u212a")
    assert folds_safely("Sista ansökningsdag – 6 mars, 50 000 € “öppen”")


def test_lowered_funder_cues_find_what_the_case_insensitive_ones_find_in_every_window() -> None:
    """In every window of 160 characters, 80 apart, of every other train and dev page."""
    lowered = lowered_context_searches()
    assert "funding" in lowered  # the most searched kind of cue, whose cues name "EUR"
    assert len(lowered["funding"]) > 1  # searched as several expressions: what is being checked
    checked = 0
    for text in train_and_dev_texts()[::2]:  # every other page: each is asked in windows of 160
        if not folds_safely(text):
            continue
        lower = lower_keeping_offsets(text)
        for start in range(0, len(text), 80):
            for kind, searches in lowered.items():
                original = context_patterns()[kind].search(text[start:start + 160])
                found = any(search.search(lower[start:start + 160]) for search in searches)
                assert found == (original is not None), (kind, text[:60])
                checked += original is not None
    assert checked > 1000


def test_lowered_funder_cues_open_where_the_case_insensitive_ones_open_after_every_capitalised_word() -> None:
    """TextSearch.opens / found_in read what follows or precedes a mention ("har beviljats",
    "ordförande för ") in the lower-cased text: the same at every stretch after a capitalised word
    (where names stand) of every other train and dev page."""
    lowered = lowered_context_searches()
    assert {"affiliation_before", "affiliation_after", "recipient_after", "host_after"} <= set(lowered)
    texts = train_and_dev_texts()[::2]  # every other page: each one is asked at every capitalised word
    after = [kind for kind in lowered if kind.endswith("_after")]
    before = [kind for kind in lowered if kind.endswith("_before")]
    opened = 0
    for text in texts:
        if not folds_safely(text):
            continue
        lower = lower_keeping_offsets(text)
        for word in re.finditer(r"\b[A-ZÅÄÖ]\w+", text):
            start, end = word.span()
            for kind in after:
                original = context_patterns()[kind].match(text[end:end + 80].lstrip(" "))
                found = any(search.match(lower[end:end + 80].lstrip(" ")) for search in lowered[kind])
                assert found == (original is not None), (kind, text[end:end + 80])
                # (TextSearch.opens tries them as one alternation)
                assert (lowered_context_openings()[kind].match(lower[end:end + 80].lstrip(" ")) is not None) == found
                opened += original is not None
            for kind in before:
                original = context_patterns()[kind].search(text[max(0, start - 80):start])
                found = any(search.search(lower[max(0, start - 80):start]) for search in lowered[kind])
                assert found == (original is not None), (kind, text[max(0, start - 80):start])
    assert opened > 100


def test_funder_cue_prechecks_let_through_every_stretch_a_cue_is_found_in() -> None:
    """TextSearch skips the cues of a kind in a stretch lacking all the plain texts its cues
    contain (lowered_context_prechecks): on every other train and dev page, every stretch where a cue of
    such a kind is found (windows of the page, what precedes and follows each capitalised word)
    contains one of those texts, and the skip spares most stretches the searches. Where the
    cues are picked by the texts found (the funding cues), the picked ones find what all find."""
    prechecks = lowered_context_prechecks()
    lowered = lowered_context_searches()
    assert {"funding", "call", "host"} <= set(prechecks)  # the kinds searched most often
    # and the posts before a name, asked about every mention (texts of two letters: "vd")
    assert {"affiliation_before", "recipient_before"} <= set(prechecks)
    assert prechecks["funding"].picks
    picked_found = picked_fewer = 0
    texts = train_and_dev_texts()[::2]  # every other page: each one is asked at every capitalised word
    found = skipped = 0
    for text in texts:
        if not folds_safely(text):
            continue
        lower = lower_keeping_offsets(text)
        stretches = [lower[start:start + 160] for start in range(0, len(lower), 80)]
        for word in re.finditer(r"\b[A-ZÅÄÖ]\w+", text):
            stretches += [lower[max(0, word.start() - 80):word.start()], lower[word.end():word.end() + 80].lstrip(" ")]
        for kind, precheck in prechecks.items():
            for stretch in stretches:
                every = any(search.search(stretch) for search in lowered[kind])
                if every:
                    assert precheck.search(stretch) is not None, (kind, stretch)
                    found += 1
                else:
                    skipped += precheck.search(stretch) is None
                first = precheck.search(stretch)
                if precheck.picks and first is not None:
                    picked = precheck.searches_in(stretch, first.start())
                    assert any(search.search(stretch) for search in picked) == every, (kind, stretch)
                    picked_found += every
                    picked_fewer += len(picked) < len(lowered[kind])
    assert found > 1000 and skipped > found
    assert picked_found > 100 and picked_fewer > picked_found
