"""Word lists as one fast regular expression.

Cue phrases are written for people ("sista ansökningsdag*", "senast uppdaterad"): a space
matches any whitespace, a trailing "*" lets the word go on, and a phrase matches only at the
start of a word, unless it begins with "*": then it may also end a compound ("*möte*" finds
"rådsmötet"). Python's `re` tries alternatives one by one, so a plain alternation of a few
hundred phrases is slow; the phrases are merged into a character trie first, which lets a
position fail on its first character. Where phrases share a start the longer one wins.
"""

from __future__ import annotations

import re

WS, STAR, END = "\x00ws", "\x00star", "\x00end"  # atoms besides plain characters


def lower_keeping_offsets(text: str) -> str:
    """text.lower() with every character kept at its offset, so matches on the lower-cased text
    point into the original (a few characters, like "İ", lower-case to two)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _atoms(phrase: str, lower: bool = True) -> list[str]:
    atoms: list[str] = []
    for i, word in enumerate((phrase.lower() if lower else phrase).split()):
        if i:
            atoms.append(WS)
        star = word.endswith("*")
        atoms.extend(word[:-1] if star else word)
        if star:
            atoms.append(STAR)
        elif word[-1].isalnum():
            atoms.append(END)  # "kr" is not the start of "krav"; "€" may touch its number
    return atoms


def _emit(node: dict) -> str:
    """The regex of a trie node: longer continuations before the phrase ending here."""
    branches = []
    for atom in sorted((a for a in node if not a.startswith("\x01")), key=lambda a: (a in (STAR, END), a)):
        child = _emit(node[atom])
        if atom == WS:
            head = r"\s+"
        elif atom == STAR:
            head = r"\w*"
        elif atom == END:
            head = r"(?!\w)"
        else:
            head = re.escape(atom)
        branches.append(head + child)
    leaves = [a for a in node if a.startswith("\x01")]
    if leaves:
        # an empty group names the phrase that ended here (none for plain word lists)
        branches.append(f"(?P<{leaves[0][1:]}>)" if len(leaves[0]) > 1 else "")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _compile_trie(entries: list[tuple[str, str]], prefix: str) -> tuple[re.Pattern[str], dict[str, str]]:
    trie: dict = {}
    names: dict[str, str] = {}
    for phrase, group in entries:
        node = trie
        for atom in _atoms(phrase):
            node = node.setdefault(atom, {})
        if not any(k.startswith("\x01") for k in node):  # the first group listing a phrase keeps it
            name = f"p{len(names)}"
            node["\x01" + name] = {}
            names[name] = group
    return re.compile(prefix + _emit(trie)), names


def compile_phrases(groups: dict[str, list[str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for all word-start phrases of all groups, to run on lower-cased text (much
    faster than IGNORECASE), and a map from the regex's group names (read `match.lastgroup`) to
    the group each phrase came from. Compound ends ("*möte*") are left to compile_compound_ends."""
    entries = [(p, g) for g, phrases in groups.items() for p in phrases if not p.startswith("*")]
    return _compile_trie(entries, r"\b")


def compile_compound_ends(groups: dict[str, list[str]]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """A regex for the phrases that may end a compound ("*möte*" in "rådsmötet"), or None. It
    opens on literal letters, so `re` scans for them fast; a match counts only after at least
    three letters of the same word (`is_compound_end`), so "bemöter" stays a verb."""
    entries = [(p[1:], g) for g, phrases in groups.items() for p in phrases if p.startswith("*")]
    return _compile_trie(entries, "") if entries else None


def is_compound_end(lowered: str, start: int) -> bool:
    return start >= 3 and lowered[start - 3 : start].isalpha()


def word_alternation(words: list[str], lower: bool = True) -> str:
    """A regex (no groups, no flags) matching any of the words or phrases, as a trie, written
    like cue phrases: lower-cased unless `lower` is False; run it on lower-cased text."""
    trie: dict = {}
    for word in words:
        node = trie
        for atom in _atoms(word, lower):
            node = node.setdefault(atom, {})
        node["\x01"] = {}
    return _emit(trie)
