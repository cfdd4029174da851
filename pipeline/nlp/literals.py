"""Cheap pre-checks for regular expressions: a literal every match must contain.

Running a few hundred cue patterns over every page is the slow part of rule-based extraction;
most pages contain few of the cues, so a plain substring test (C speed) skips most patterns.
"""

from __future__ import annotations

_META = set(".^$*+?{}[]|()\\")
_CLASS_ESCAPES = set("bBdDsSwWAZ")
_MIN_LITERAL = 3


def required_literal(pattern: str) -> str | None:
    """The longest literal run (lowercased) that any match of `pattern` contains, if there is one
    of at least three characters. Only text outside groups and character classes counts, and a
    top-level alternation has none."""
    runs: list[str] = []
    current: list[str] = []
    depth = 0
    i = 0

    def close_run() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    while i < len(pattern):
        char = pattern[i]
        following = pattern[i + 1] if i + 1 < len(pattern) else ""
        if char == "\\":
            escaped = following
            i += 2
            if depth or escaped in _CLASS_ESCAPES or escaped.isdigit() or not escaped:
                close_run()
                continue
            char = escaped  # an escaped literal such as \. or \-
            following = pattern[i] if i < len(pattern) else ""
            i -= 1
        elif char == "[":
            close_run()
            end = pattern.find("]", i + 2)
            i = len(pattern) if end < 0 else end + 1
            if i < len(pattern) and pattern[i] in "?*{":
                pass
            continue
        elif char == "(":
            depth += 1
            close_run()
            i += 1
            continue
        elif char == ")":
            depth -= 1
            i += 1
            if i < len(pattern) and pattern[i] in "?*{":
                i += 1
            continue
        elif char == "|" and depth == 0:
            return None
        elif char in _META:
            close_run()
            i += 1
            continue
        if depth:
            i += 1
            continue
        if following in ("?", "*", "{"):
            close_run()  # an optional character ends the literal run
            i += 2
            continue
        current.append(char)
        i += 1
    close_run()
    best = max(runs, key=len, default="")
    return best.lower() if len(best) >= _MIN_LITERAL else None
