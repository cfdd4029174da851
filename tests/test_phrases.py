"""Phrase lists compiled to one regular expression (pipeline/nlp/phrases.py): the alternation is
grouped by first character for speed, and must find exactly what the plain alternation finds."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.nlp.date_cues import ROLES
from pipeline.nlp.date_mentions import load_date_words
from pipeline.nlp.phrases import compile_phrases, phrase_pattern

ROOT = Path(__file__).resolve().parents[1]


def plain_alternation(groups: dict[str, list[str]]) -> re.Pattern[str]:
    """The phrases as one ungrouped alternation, longest first, as compile_phrases orders them."""
    phrases = dict.fromkeys(p.lower() for ps in groups.values() for p in ps if not p.startswith("*"))
    ordered = sorted(phrases, key=lambda p: (-len(p.rstrip("*")), p))
    return re.compile(r"\b(?:" + "|".join(f"{phrase_pattern(p)}(?P<p{i}>)" for i, p in enumerate(ordered)) + ")")


def test_grouped_alternation_finds_what_the_plain_one_finds_on_every_annotated_text() -> None:
    cues = load_date_words()["cues"]
    groups = {role: cues[role] for role in ROLES}
    grouped, _ = compile_phrases(groups)
    plain = plain_alternation(groups)
    assert grouped.pattern != plain.pattern  # the grouping is what is being checked
    texts = [json.loads(line)["text"].lower()
             for path in sorted(ROOT.glob("eval/**/*.jsonl")) for line in path.read_text("utf-8").splitlines()
             if line.strip()]
    assert len(texts) > 300
    for text in texts:
        found = [(m.start(), m.end(), m.lastgroup) for m in grouped.finditer(text)]
        assert found == [(m.start(), m.end(), m.lastgroup) for m in plain.finditer(text)]


def test_longer_phrase_sharing_a_start_wins_and_word_ends_hold() -> None:
    pattern, names = compile_phrases({"deadline": ["sista ansökningsdag*", "sista dag"], "other": ["kr", "stängd"]})
    text = "sista ansökningsdagen, sista dag, krav, stängd"
    found = [(m.group(), names[m.lastgroup]) for m in pattern.finditer(text)]
    assert found == [("sista ansökningsdagen", "deadline"), ("sista dag", "deadline"), ("stängd", "other")]
