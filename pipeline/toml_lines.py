"""Line numbers for the tables and keys of a TOML text, so config errors can say `file:line`.

`tomllib` reports line and column only for syntax errors; once a file has parsed, its values
carry no positions. `TomlLines` scans the (already valid) text once and records where each
table header and each key is written, under the same path the parsed data has:
`("sources", 3, "follow")` is the `follow` key of the third `[[sources]]` table,
`("schedule", "cron")` the `cron` key of `[schedule]` (or of a top-level `schedule.cron = ...`).

It is a line scanner, not a parser: it knows enough TOML to skip the insides of strings,
multi-line strings and multi-line arrays, which is all it needs to tell a header or a key line
from a value. Escapes inside quoted keys are not decoded (such keys are rare in config files);
a path it cannot place falls back to its nearest enclosing table, then to no line at all.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

PathPart = str | int

# One key segment: bare, "basic" or 'literal', with the whitespace TOML allows around dots.
_SEGMENT = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*""")


class TomlLines:
    """Where each table and key of a TOML text is written (1-based line numbers)."""

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[PathPart, ...], int] = {}
        for number, path in _scan(text):
            self._lines.setdefault(path, number)  # a key is defined once; keep the first sighting

    def line(self, *path: PathPart) -> int | None:
        """The line of `path`, else of its nearest enclosing table or key; None if none is written."""
        for end in range(len(path), 0, -1):
            found = self._lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return None

    def first_line(self, *paths: tuple[PathPart, ...]) -> int | None:
        """The earliest line among several paths (e.g. the first of several unknown keys)."""
        lines = [n for p in paths if (n := self.line(*p)) is not None]
        return min(lines) if lines else None


def where(file: Path | str | None, line: int | None) -> str:
    """`file:line`, or just `file` when the line is unknown (`config` when there is no file)."""
    name = str(file) if file is not None else "config"
    return f"{name}:{line}" if line is not None else name


def _scan(text: str) -> Iterator[tuple[int, tuple[PathPart, ...]]]:
    """(line number, path) for every table header and key line of `text`."""
    table: tuple[PathPart, ...] = ()
    counts: dict[tuple[PathPart, ...], int] = {}  # array-of-tables path -> elements seen so far
    state = _ValueState()
    for number, line in enumerate(text.splitlines(), start=1):
        if state.open:
            state.feed(line)  # still inside a multi-line string or array of the previous key
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            is_array = stripped.startswith("[[")
            inner = stripped[2:] if is_array else stripped[1:]
            segments, rest = _key_segments(inner)
            closing = "]]" if is_array else "]"
            if segments is None or not rest.startswith(closing):
                continue
            table = _resolve(segments, counts, new_element=is_array)
            yield from _with_prefixes(number, table, ())
            continue
        segments, rest = _key_segments(line)
        if segments is None or not rest.startswith("="):
            continue
        key = _resolve(segments, counts, new_element=False, base=table)
        yield from _with_prefixes(number, key, table)
        state.feed(rest[1:])


def _with_prefixes(number: int, path: tuple[PathPart, ...],
                   base: tuple[PathPart, ...]) -> Iterator[tuple[int, tuple[PathPart, ...]]]:
    """`path` and the tables it implies (`[a.b]` and `a.b = 1` also open `a`); the first sighting wins."""
    for end in range(len(base) + 1, len(path) + 1):
        yield number, path[:end]


def _key_segments(text: str) -> tuple[list[str] | None, str]:
    """The dotted key at the start of `text` and what follows it, or (None, text)."""
    segments: list[str] = []
    pos = 0
    while True:
        match = _SEGMENT.match(text, pos)
        if not match or match.end() == pos:
            return None, text
        segments.append(next(g for g in match.groups() if g is not None))
        pos = match.end()
        if text.startswith(".", pos):
            pos += 1
            continue
        return segments, text[pos:]


def _resolve(segments: list[str], counts: dict[tuple[PathPart, ...], int], new_element: bool,
             base: tuple[PathPart, ...] = ()) -> tuple[PathPart, ...]:
    """The data path of a header or key: arrays of tables get their current element's index."""
    path: list[PathPart] = list(base)
    for position, segment in enumerate(segments):
        path.append(segment)
        here = tuple(path)
        last = position == len(segments) - 1
        if last and new_element:
            counts[here] = counts.get(here, 0) + 1  # `[[name]]` opens the next element
            path.append(counts[here])
        elif here in counts:
            path.append(counts[here])  # `[name.sub]` belongs to the latest `[[name]]` element
    return tuple(path)


class _ValueState:
    """Tracks whether a value continues on the next line (open brackets or multi-line string)."""

    def __init__(self) -> None:
        self.depth = 0
        self.string: str | None = None  # the open multi-line delimiter, '\"\"\"' or "'''"

    @property
    def open(self) -> bool:
        return self.depth > 0 or self.string is not None

    def feed(self, text: str) -> None:
        i = 0
        while i < len(text):
            if self.string is not None:
                end = _find_closing(text, i, self.string)
                if end < 0:
                    return
                self.string, i = None, end
                continue
            char = text[i]
            if char == "#":
                return
            if text.startswith(('"""', "'''"), i):
                self.string, i = text[i:i + 3], i + 3
            elif char in "\"'":
                end = _find_closing(text, i + 1, char)
                i = end if end >= 0 else len(text)
            else:
                if char in "[{":
                    self.depth += 1
                elif char in "]}":
                    self.depth = max(0, self.depth - 1)
                i += 1


def _find_closing(text: str, start: int, delimiter: str) -> int:
    """Index just past the closing `delimiter` at or after `start`, or -1 (backslash escapes in "")."""
    i = start
    while i < len(text):
        if delimiter.startswith('"') and text[i] == "\\":
            i += 2
            continue
        if text.startswith(delimiter, i):
            end = i + len(delimiter)
            # '""""' ends a multi-line string with a quote inside it: take the longest run
            while delimiter in ('"""', "'''") and end < len(text) and text[end] == delimiter[0] and end - i < 5:
                end += 1
            return end
        i += 1
    return -1


_DECODE_AT = re.compile(r"\(at line (\d+), column \d+\)")


def read_toml(path: Path, what: str) -> tuple[dict[str, Any], TomlLines]:
    """Parse the TOML file at `path` (`what` names it in errors: "sources file", "config file").

    Raises ConfigError naming the file; a syntax error keeps tomllib's own line and column and
    puts the line in front as well, `file:line: invalid TOML: ...`, like every other message.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read {what}: {exc}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = _DECODE_AT.search(str(exc))
        raise ConfigError(f"{where(path, int(at.group(1)) if at else None)}: invalid TOML: {exc}") from None
    return raw, TomlLines(text)
