"""Plain texts that every match of a regular expression contains, read from the pattern's text
(groups, classes and escapes set aside): most cues are absent from most pages, and `in` on a string
rules a cue out far faster than a regex search does. Used by the kind cues and the funder context cues."""

from __future__ import annotations

import re

_PLAIN_RUN = re.compile(r"[\w åäöéü-]+")
_GROUP_CLASS_OR_ESCAPE = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|\((?:\\.|[^()])*\)")
_COUNTED = re.compile(r"\{\d*(?:,\d*)?\}")  # "{1,2}": a quantifier, not text
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux]")
_QUANTIFIERS = ("?", "*", "+")


def required_text(pattern: str, least: int = 3) -> str:
    """The longest run of plain letters (at least three) that every match of `pattern` contains:
    "open " for "(will )?(be )?open (from|on|until) \\d". Most cues are absent from most pages,
    and `in` on a string rules them out far faster than a regex search. Read from the pattern's
    top level (groups, classes and escapes set aside, innermost first); "" when the pattern has a
    top-level alternative or no such run (of `least` characters). A letter before a quantifier is
    not required."""
    if _INLINE_FLAGS.search(pattern):
        return ""
    skeleton = pattern
    while (reduced := _GROUP_CLASS_OR_ESCAPE.sub("\0", skeleton)) != skeleton:
        skeleton = reduced
    skeleton = _COUNTED.sub("*", skeleton)
    if "|" in skeleton or "(" in skeleton or "[" in skeleton:
        return ""
    runs = []
    for match in _PLAIN_RUN.finditer(skeleton):
        run = match.group()
        if skeleton[match.end():match.end() + 1] in _QUANTIFIERS:
            run = run[:-1]
        runs.append(run)
    best = max(runs, key=len, default="")
    return best if len(best.strip()) >= least else ""


_PLAIN_CHOICE = re.compile(r"\((?:\?:)?([\w åäöéü-]+(?:\|[\w åäöéü-]+)+)\)")


def required_any(pattern: str, least: int = 3) -> tuple[str, ...]:
    """Plain texts one of which every match of `pattern` contains: its `required_text`, else
    those of its top-level alternatives (" inviting" or "proposals" for "(is|are) inviting|invites?
    (\\w+ ){0,3}proposals"), else the words of a plain choice every match makes ("met",
    "discussed" or "presented" for "\\b(met|discussed|presented) "); () when there are none of at
    least `least` letters (or an alternative has none)."""
    if _INLINE_FLAGS.search(pattern):
        return ()
    alternatives, choices = _top_level(pattern)
    if len(alternatives) > 1:
        options = [required_any(alternative, least) for alternative in alternatives]
        return tuple(dict.fromkeys(text for option in options for text in option)) if all(options) else ()
    if text := required_text(pattern, least):
        return (text,)
    plain = [words for words in choices if all(len(word.strip()) >= least for word in words)]
    return max(plain, key=lambda words: min(len(word) for word in words), default=())


def _top_level(pattern: str) -> tuple[list[str], list[tuple[str, ...]]]:
    """The pattern's top-level alternatives, and the words of its top-level groups that are a
    choice between plain words and are not optional ("(met|discussed)", not "(met|discussed)?")."""
    alternatives, choices = [], []
    depth, start, group_start, index = 0, 0, 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 1
        elif char == "[":  # a class: to its closing bracket (one right after the opening is a member)
            index += 2 if pattern[index + 1:index + 2] == "^" else 1
            index = pattern.index("]", index + 1)
            while pattern[index - 1] == "\\" and pattern[index - 2] != "\\":
                index = pattern.index("]", index + 1)
        elif char == "(":
            group_start = index if depth == 0 else group_start
            depth += 1
        elif char == ")":
            depth -= 1
            choice = _PLAIN_CHOICE.fullmatch(pattern, group_start, index + 1) if depth == 0 else None
            if choice and pattern[index + 1:index + 2] not in ("?", "*", "+", "{"):
                choices.append(tuple(choice.group(1).split("|")))
        elif char == "|" and depth == 0:
            alternatives.append(pattern[start:index])
            start = index + 1
        index += 1
    return [*alternatives, pattern[start:]], choices
