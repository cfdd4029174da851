"""The literal pre-check may only skip a pattern on texts the pattern cannot match."""

from __future__ import annotations

import re

import pytest

from pipeline.nlp.literals import required_literal

# (pattern, a text it matches): counted repetitions, classes, groups and escapes around literals.
MATCHING = [
    (r"\d{1,2}[:.]\d{2} ?[-–] ?\d{1,2}[:.]\d{2}", "kl. 10.00–11.30"),
    (r"\d{4} kronor", "2026 kronor"),
    (r"[a-zåäö]{2,3} sista dag", "den sista dag"),
    (r"(ab){2}cdef", "ababcdef"),
    (r"deadline:? \d", "Deadline 5 May"),
    (r"anmäl(an|ningar)? senast", "Anmälan senast"),
    (r"x{0,2}yzw", "yzw"),
    (r"sista ansökningsdag", "Sista ansökningsdag"),
]


@pytest.mark.parametrize(("pattern", "text"), MATCHING)
def test_every_match_contains_the_required_literal(pattern, text):
    assert re.search(pattern, text, re.IGNORECASE)
    literal = required_literal(pattern)
    assert literal is None or literal in text.lower()


def test_a_top_level_alternation_has_no_required_literal():
    assert required_literal("utlysning|call for proposals") is None
