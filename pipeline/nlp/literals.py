"""Cheap pre-checks for regular expressions: a literal every match must contain.

Running a few hundred cue patterns over every page is the slow part of rule-based extraction;
most pages contain few of the cues, so a plain substring test (C speed) skips most patterns.
"""

from __future__ import annotations

import bisect
import re

_META = set(".^$*+?{}[]|()\\")
_CLASS_ESCAPES = set("bBdDsSwWAZ")
_MIN_LITERAL = 3
_COUNTED = re.compile(r"\{\d*(,\d*)?\}\??")  # a counted repetition such as {2} or {1,2}


def _quantifier_end(pattern: str, i: int) -> int:
    """The index after a quantifier (?, *, +, {m,n}, each maybe lazy) starting at `i`, else `i`."""
    counted = _COUNTED.match(pattern, i)
    if counted:
        return counted.end()
    if i < len(pattern) and pattern[i] in "?*+":
        return i + 2 if pattern[i + 1:i + 2] == "?" else i + 1
    return i


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
                i = _quantifier_end(pattern, i)  # \d{2}: its count is no literal text
                continue
            char = escaped  # an escaped literal such as \. or \-
            following = pattern[i] if i < len(pattern) else ""
            i -= 1
        elif char == "[":
            close_run()
            end = pattern.find("]", i + 2)
            i = _quantifier_end(pattern, len(pattern) if end < 0 else end + 1)
            continue
        elif char == "(":
            depth += 1
            close_run()
            i += 1
            continue
        elif char == ")":
            depth -= 1
            i = _quantifier_end(pattern, i + 1)
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
            close_run()  # an optional or repeated character ends the literal run
            i = _quantifier_end(pattern, i + 1)
            continue
        current.append(char)
        i += 1
    close_run()
    best = max(runs, key=len, default="")
    return best.lower() if len(best) >= _MIN_LITERAL else None


class LiteralIndex:
    """Where each of many literals occurs in a lower-cased text, found in one scan.

    The literals are merged into a character trie whose alternatives try longer continuations
    first, so a search at a position finds the longest literal starting there; the shorter
    literals starting there are its prefixes. Searching again one character on finds the
    overlapping ones, so every occurrence of every literal is reported."""

    def __init__(self, literals: list[str]) -> None:
        distinct = sorted({lit for lit in literals if lit})
        trie: dict = {}
        for literal in distinct:
            node = trie
            for char in literal:
                node = node.setdefault(char, {})
            node[""] = {}
        self._scan = re.compile(_emit_literal_trie(trie)) if distinct else None
        # literal -> the literals it starts with, itself included
        self._prefixes = {lit: [p for p in distinct if lit.startswith(p)] for lit in distinct}

    def occurrences(self, lowered: str) -> dict[str, list[int]]:
        """literal -> its start offsets in `lowered`, in order (only literals that occur)."""
        found: dict[str, list[int]] = {}
        if self._scan is None:
            return found
        search, prefixes = self._scan.search, self._prefixes
        match = search(lowered)
        while match is not None:
            start = match.start()
            for literal in prefixes[match.group()]:
                found.setdefault(literal, []).append(start)
            match = search(lowered, start + 1)
        return found


def _emit_literal_trie(node: dict) -> str:
    branches = [re.escape(char) + _emit_literal_trie(child) for char, child in sorted(node.items()) if char]
    if "" in node:
        branches.append("")  # the literal ending here, tried after every longer one
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def max_match_width(pattern: re.Pattern[str]) -> int | None:
    """The longest a match of `pattern` can be, or None when unbounded (or not known: patterns
    with lookaheads, whose checks reach past the match, are not measured)."""
    if "(?=" in pattern.pattern or "(?!" in pattern.pattern:
        return None
    try:
        _low, high = re._parser.parse(pattern.pattern, pattern.flags).getwidth()  # type: ignore[attr-defined]
    except (AttributeError, re.error):  # the parser is internal to `re`
        return None
    return high if high < _UNBOUNDED else None


_UNBOUNDED = 1 << 16


def search_near(
    pattern: re.Pattern[str], text: str, literal_length: int, starts: list[int], width: int
) -> bool:
    """Whether `pattern` matches anywhere in `text`, given that every match contains one of the
    occurrences of a literal (`literal_length` long) starting at `starts` and is at most `width`
    long: only the windows around those occurrences are searched. A window cut short can let a
    check at its end (a word boundary, "$") pass that fails in the text, so a match found there
    is confirmed on the whole text before it counts."""
    windows: list[list[int]] = []
    for start in starts:
        lo = max(0, start + literal_length - width)
        hi = min(len(text), start + width + 1)  # one character more for a boundary check
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = hi
        else:
            windows.append([lo, hi])
    for lo, hi in windows:
        match = pattern.search(text, lo, hi)
        while match is not None:
            if pattern.match(text, match.start()) is not None:
                return True
            match = pattern.search(text, match.start() + 1, hi)
    return False


def is_required(literal: str, pattern: re.Pattern[str]) -> bool:
    """Whether every match of `pattern` contains `literal` (lower-cased) for certain: it lies
    within a run of plain characters of the pattern's top level. (`required_literal` reads the
    pattern's text, which is quick but not a proof.)"""
    try:
        parsed = re._parser.parse(pattern.pattern, pattern.flags)  # type: ignore[attr-defined]
        literal_op = re._constants.LITERAL  # type: ignore[attr-defined]
    except (AttributeError, re.error):
        return False
    runs, current = [], []
    for op, value in parsed.data:
        if op is literal_op:
            current.append(chr(value))
        else:
            runs.append("".join(current))
            current = []
    runs.append("".join(current))
    return any(literal in run.lower() for run in runs)


def folding_hazards(literals: list[str]) -> re.Pattern[str]:
    """Characters that a case-insensitive pattern matches to one of these literals' characters
    but whose lower case is not that character ("ſ" for "s", "ı" for "i"): in a text with none of
    them (and lower-casing to the same length), a case-insensitive match of a literal is an
    occurrence of it in `text.lower()` at the same offset."""
    alphabet = sorted({char for literal in literals for char in literal})
    every_char = "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code < 0xE000)
    char_class = "[" + "".join(re.escape(c) for c in alphabet) + "]"
    matching = re.findall(char_class, every_char, re.IGNORECASE) if alphabet else []
    hazards = sorted({char for char in matching if char.lower() not in alphabet})
    # beyond the BMP nothing folds to Latin letters; such characters are hazards all the same
    return re.compile("[" + "".join(map(re.escape, hazards)) + "\U00010000-\U0010ffff]")


def leading_alternatives(pattern: str, min_length: int = _MIN_LITERAL) -> list[str] | None:
    """Lower-cased plain texts one of which every match of `pattern` starts with: its opening
    run of plain characters ("sista ansökningsdag") or its opening group of plain alternatives
    ("(seeks|söker) ..."), after any "^" or "\\b". None when the pattern opens otherwise, or
    when an alternative is shorter than `min_length`."""
    if _has_top_level_bar(pattern):
        return None
    rest = pattern
    while rest.startswith(("^", "\\b")):
        rest = rest[1:] if rest.startswith("^") else rest[2:]
    if rest.startswith("("):
        close = rest.find(")")
        inner = rest[1:close] if close > 0 else "("
        inner = inner[2:] if inner.startswith("?:") else inner
        if rest[close + 1 : close + 2] in ("?", "*", "{") or "(" in inner:
            return None  # an optional group, or one with groups inside
        alternatives = inner.split("|")
    else:
        run = []
        for char in rest:
            if char in _META:
                if char in "?*{" and run:
                    run.pop()  # the character before is optional
                break
            run.append(char)
        alternatives = ["".join(run)]
    if any(len(a) < min_length or _META.intersection(a) for a in alternatives):
        return None
    return [a.lower() for a in alternatives]


def _has_top_level_bar(pattern: str) -> bool:
    depth, i = 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            end = pattern.find("]", i + 2)
            i = len(pattern) if end < 0 else end + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
        i += 1
    return False


class AnchoredPatterns:
    """Named alternations of case-insensitive cue patterns, to search in stretches of one text
    at a time (`on`). Where every alternative opens on plain text, a pattern is tried only where
    such a text occurs, found for all patterns in one scan of the lower-cased text."""

    def __init__(self, alternatives: dict[str, list[str]], flags: int) -> None:
        self.patterns = {
            name: re.compile("|".join(f"(?:{p})" for p in parts), flags) for name, parts in alternatives.items()
        }
        self.openings: dict[str, list[str] | None] = {}
        for name, parts in alternatives.items():
            openings = [leading_alternatives(part, min_length=2) for part in parts]
            self.openings[name] = None if None in openings else [t for ts in openings for t in ts or ()]
        texts = [t for ts in self.openings.values() for t in ts or ()]
        self.index = LiteralIndex(texts)
        self.hazards = folding_hazards(texts)

    def on(self, text: str) -> TextSearch:
        return TextSearch(self, text)


class TextSearch:
    """`search(name, lo, hi)` is `patterns[name].search(text[lo:hi]) is not None`, remembered."""

    def __init__(self, patterns: AnchoredPatterns, text: str) -> None:
        self.patterns = patterns
        self.text = text
        lowered = text.lower()
        self.starts: dict[str, list[int]] | None = None  # name -> where its opening texts start
        if len(lowered) == len(text) and not patterns.hazards.search(text):
            found = patterns.index.occurrences(lowered)
            self.starts = {
                name: sorted(start for t in texts for start in found.get(t, ()))
                for name, texts in patterns.openings.items()
                if texts is not None
            }
        self._memo: dict[tuple[str, int, int], bool] = {}

    def search(self, name: str, lo: int, hi: int) -> bool:
        key = (name, lo, hi)
        result = self._memo.get(key)
        if result is None:
            result = self._memo[key] = self._search(name, lo, hi)
        return result

    def _search(self, name: str, lo: int, hi: int) -> bool:
        pattern = self.patterns.patterns[name]
        starts = None if self.starts is None else self.starts.get(name)
        if starts is None:
            return pattern.search(self.text[lo:hi]) is not None
        first, last = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)
        if first == last:
            return False
        stretch = self.text[lo:hi]
        return any(pattern.match(stretch, start - lo) for start in starts[first:last])
