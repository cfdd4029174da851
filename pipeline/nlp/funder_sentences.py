"""Where the sentences of a page stand, for the funder rules: their boundaries, the sentence
around an offset, and the short heading line (or the line introducing a bulleted list) above one."""

from __future__ import annotations

import bisect
import re

# Sentence boundaries: a run of newlines, or the whitespace after ".", "!" or "?". Only where a
# boundary ends is used. Written to open on one character class, so that `re` skips straight to
# those characters (it cannot for an alternation opening on "\n+"): the same matches as
# r"\n+|[.!?](?:\n+|\s+)" (checked in tests/test_scan_rewrites.py), at a quarter of the cost.
SENTENCE_BOUNDARY = re.compile(r"[\n.!?](?:(?<=\n)\n*|(?<!\n)(?:\n+|\s+))")
BULLET_LINE = re.compile(r"[ \t]*[•·*\-–][ \t]")
HEADING_SIZE = 40  # how long a heading line may be
LIST_ITEMS = 40  # how many bullet lines a list introduced by a heading may have


def sentence_index(boundaries: list[int], offset: int) -> int:
    """The index of the sentence (between boundaries[i] and boundaries[i + 1]) holding `offset`."""
    return max(0, bisect.bisect_right(boundaries, offset) - 1)


def sentence_around(boundaries: list[int], offset: int) -> tuple[int, int]:
    """Where the sentence holding `offset` starts and ends."""
    index = sentence_index(boundaries, offset)
    return boundaries[index], boundaries[min(index + 1, len(boundaries) - 1)]


def heading_before(text: str, boundaries: list[int], index: int) -> tuple[int, int]:
    """Where the previous sentence stands, stripped, when it is a short heading line such as
    "Finansiering", or, for an item of a bulleted list, the line introducing the list
    ("The following funding organisations take part:") ((0, 0) when there is none)."""
    if index == 0:
        return (0, 0)
    heading = list_heading(text, boundaries[index])
    if heading is not None:
        return heading
    raw = text[boundaries[index - 1] : boundaries[index]]
    previous = raw.strip()
    if len(previous) > HEADING_SIZE or previous.endswith("."):
        return (0, 0)
    start = boundaries[index - 1] + len(raw) - len(raw.lstrip())
    return (start, start + len(previous))


def list_heading(text: str, at: int) -> tuple[int, int] | None:
    """The line ending in a colon above the run of bullet lines that the line at `at` belongs to."""
    line_start = text.rfind("\n", 0, at) + 1
    if not BULLET_LINE.match(text, line_start):
        return None
    for _ in range(LIST_ITEMS):
        if line_start == 0:
            return None
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        line = text[prev_start:line_start - 1]
        if BULLET_LINE.match(line) or not line.strip():
            line_start = prev_start
            continue
        stripped = line.rstrip()
        # "The following funding organisations take part:", or a short heading line ("Co-financing partners")
        heading = stripped.endswith(":") or (len(stripped.strip()) <= HEADING_SIZE and not stripped.endswith("."))
        return (prev_start, prev_start + len(stripped)) if heading else None
    return None
