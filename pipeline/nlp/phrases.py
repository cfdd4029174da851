"""Word lists written for people, as plain regular expressions.

A phrase such as "sista ansökningsdag*" reads: a space matches any whitespace, a trailing "*" lets
the word go on, and a phrase matches only at the start of a word (and, ending in a letter or
digit, only at the end of one: "kr" is not the start of "krav"). A phrase starting with "*" may
also end a compound ("*möte*" finds "rådsmötet"): see `compile_compound_ends`. The expressions
run on lower-cased text. Where phrases share a start the longer one wins (longest first).
"""

from __future__ import annotations

import re


def _folds_like_lower(c: str) -> bool:
    lower, upper = c.lower(), c.upper()
    return len(lower) == 1 and len(upper) == 1 and lower.upper() == upper and upper.lower() == lower


# Characters that `re.IGNORECASE` matches exactly as their lower-case forms match without it: the
# Latin letters, punctuation and symbols of ordinary pages, without those with special case rules
# (long s, Kelvin sign, dotted and dotless i, micro sign, sharp s...). Checked in tests/test_phrases.py.
FOLD_SAFE = frozenset(c for c in map(chr, [*range(0x250), *range(0x2000, 0x2C00)]) if _folds_like_lower(c))
_NOT_FOLD_SAFE = re.compile("[^" + "".join(re.escape(c) for c in sorted(FOLD_SAFE)) + "]")


def folds_safely(text: str) -> bool:
    """Whether a lower-case pattern finds in `lower_keeping_offsets(text)` just what it finds in
    `text` with `re.IGNORECASE` (true of nearly every page; `re` is much faster without the flag)."""
    return text.isascii() or _NOT_FOLD_SAFE.search(text) is None


def without_ignorecase(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """`pattern`, written for `re.IGNORECASE`, compiled without it and with its letters (outside
    escapes: "\\S" stays a non-space) lower-cased: in `lower_keeping_offsets(text)` of a text that
    `folds_safely` it finds what the original finds in the text. None when the pattern itself has
    a character `re` folds its own way."""
    if not folds_safely(pattern) or "\\N" in pattern:
        return None
    lowered = re.sub(r"\\.|[^\\]+", lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(), pattern)
    return re.compile(lowered, flags)


def lower_keeping_offsets(text: str) -> str:
    """text.lower() with every character kept at its offset, so matches on the lower-cased text
    point into the original (a few characters, like "İ", lower-case to two)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def phrase_pattern(phrase: str, lower: bool = True) -> str:
    """The regex (no groups, no flags) of one phrase."""
    parts = []
    for word in (phrase.lower() if lower else phrase).split():
        star = word.endswith("*")
        body = re.escape(word[:-1] if star else word)
        if star:
            body += r"\w*"
        elif word[-1].isalnum():
            body += r"(?!\w)"
        parts.append(body)
    return r"\s+".join(parts)


def _longest_first(phrases: list[str]) -> list[str]:
    return sorted(dict.fromkeys(phrases), key=lambda p: (-len(p.rstrip("*")), p))


def word_alternation(words: list[str], lower: bool = True) -> str:
    """A regex (no groups, no flags) matching any of the words or phrases."""
    return "(?:" + "|".join(phrase_pattern(w, lower) for w in _longest_first(words)) + ")"


def _compile(entries: list[tuple[str, str]], prefix: str) -> tuple[re.Pattern[str], dict[str, str]]:
    group_of: dict[str, str] = {}
    for phrase, group in entries:
        group_of.setdefault(phrase.lower(), group)  # the first group listing a phrase keeps it
    names: dict[str, str] = {}
    branches = []
    for phrase in _longest_first(list(group_of)):
        name = f"p{len(names)}"
        names[name] = group_of[phrase]
        branches.append((phrase[0], f"{phrase_pattern(phrase)}(?P<{name}>)"))  # read `match.lastgroup`
    return re.compile(prefix + "(?:" + _by_first_character(branches) + ")"), names


def _by_first_character(branches: list[tuple[str, str]]) -> str:
    """The alternation of the branches (first character, regex), with the branches that open on
    the same character grouped behind it: "a(?:lpha|rea)|b(?:eta)". `re` tries a plain
    alternation's branches one by one at every position; grouped, it tries only those that can
    start there, in the same order, so the first to match (what a match returns) is the same.
    Left plain when a branch does not open on its first character as a literal."""
    groups: dict[str, list[str]] = {}
    for first, branch in branches:
        opening = re.escape(first)
        if not branch.startswith(opening):
            return "|".join(branch for _, branch in branches)
        groups.setdefault(opening, []).append(branch[len(opening):])
    return "|".join(f"{opening}(?:{'|'.join(rests)})" for opening, rests in groups.items())


def compile_phrases(groups: dict[str, list[str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for the word-start phrases of all groups, to run on lower-cased text, and a map
    from its group names (`match.lastgroup`) to the group each phrase came from."""
    entries = [(p, g) for g, phrases in groups.items() for p in phrases if not p.startswith("*")]
    return _compile(entries, r"\b")


def compile_compound_ends(groups: dict[str, list[str]]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """A regex for the phrases that may end a compound ("*möte*" in "rådsmötet"), or None; a match
    counts only after at least three letters of the same word (`is_compound_end`), so "bemöter"
    stays a verb."""
    entries = [(p[1:], g) for g, phrases in groups.items() for p in phrases if p.startswith("*")]
    return _compile(entries, "") if entries else None


def is_compound_end(lowered: str, start: int) -> bool:
    return start >= 3 and lowered[start - 3 : start].isalpha()


def literal_trie(words: list[str]) -> str:
    """A regex matching any of the words, written as a trie ("bidrag(?:et|)"), so that `re` tries
    only the branch opening on the next character; at a position it matches the longest of the
    words that starts there (a letter further is tried before stopping)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branches(node: dict) -> str:
        options = [re.escape(char) + branches(child) for char, child in node.items() if char]
        if "" in node and options:
            options.append("")  # a word ends here: tried after every longer one
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")" if options else ""

    return branches(trie)


_ANCHOR_THEN_TEXT = re.compile(r"(\\b|\^)([\w åäöéü-]+)")


def text_first(pattern: str) -> str:
    """`pattern`, when it opens on a word or line start (`\\b`, `^`) and plain text, written to
    open on that text with the anchor checked after it: "\\bresults\\b" -> "results(?<=\\bresults)\\b".
    `re` skips ahead to where the plain text an expression opens on stands, but tries one opening
    on an anchor at every position: a cue's search through a page's opening took ten times as
    long. The lookbehind checks the anchor at the same position, so the matches are the same."""
    opening = _ANCHOR_THEN_TEXT.match(pattern)
    if opening is None:
        return pattern
    anchor, text = opening.groups()
    rest = pattern[opening.end():]
    if rest[:1] in ("*", "+", "?", "{"):  # its last character may repeat or be left out: not fixed text
        text, rest = text[:-1], text[-1:] + rest
    if not text:
        return pattern
    return f"{text}(?<={anchor}{text}){rest}"


# a one-character class or escape opening a pattern, repeated at least once: "\d{1,2}", "\d+"
_REPEATED_ATOM = re.compile(r"(\\[dwsDWS]|\[(?:\\.|[^\]\\])+\])(?:(\+)|\{(\d+)(,\d*)?\})(?![?+])")


def atom_first(pattern: str) -> str:
    """`pattern`, when it opens on a character class repeated at least once, written with one
    occurrence first: "\\d{1,2}[:.]" -> "\\d\\d{0,1}[:.]", "\\d+ ansökningar" -> "\\d\\d* ansökningar".
    `re` skips ahead to the characters an expression's first element matches only when that
    element is not a repeat (a time-of-day cue tried at every position took four times as long).
    The same matches, tried in the same order."""
    opening = _REPEATED_ATOM.match(pattern)
    if opening is None:
        return pattern
    atom, plus, least, most = opening.groups()
    if plus:
        repeat = "*"
    elif int(least) < 1:
        return pattern
    elif most is None:  # "{m}"
        repeat = f"{{{int(least) - 1}}}"
    elif most == ",":  # "{m,}"
        repeat = f"{{{int(least) - 1},}}"
    else:
        repeat = f"{{{int(least) - 1},{int(most[1:]) - 1}}}"
    return f"{atom}{atom}{repeat}{pattern[opening.end():]}"
