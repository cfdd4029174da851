"""A TOML configuration file checked by a pydantic model, every mistake reported as `file:line: ...`.

`crawlers/sources.py` (sources.toml) and `pipeline/config.py` (callwatch.toml) each describe
their file with pydantic models; this module reads the file, runs the model, and turns every
error pydantic found into one line naming the file and the line of the offending key.

`tomllib` gives no positions once a file has parsed, so `TomlFile.line` finds them by asking
tomllib itself: a line starts a statement when the text before it parses, and a probe key
appended there lands in the table that line belongs to. No TOML syntax is re-implemented here,
so strings or arrays spanning lines (even ones holding `[[sources]]`) cannot mislead it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from pipeline.errors import ConfigError

Loc = tuple[str | int, ...]

# A key no config file uses; appended to a prefix of the text to learn which table it ends in.
_PROBE = "callwatch line probe"
_DECODE_AT = re.compile(r"\(at line (\d+), column \d+\)")


def where(file: Path | str | None, line: int | None) -> str:
    """`file:line`, or just `file` when the line is unknown (`config` when there is no file)."""
    name = str(file) if file is not None else "config"
    return f"{name}:{line}" if line is not None else name


@dataclass(frozen=True)
class Mistake:
    """One thing wrong in a file: where it is in the data (pydantic's `loc`) and what it is."""

    loc: Loc
    message: str


@dataclass
class TomlFile:
    """The parsed data of a TOML file and the text it came from (to find lines in)."""

    path: Path | None
    text: str
    data: dict[str, Any]
    _tables: dict[int, Loc | None] = field(default_factory=dict, repr=False)

    def line(self, loc: Loc) -> int | None:
        """The 1-based line where `loc` is written, else where its nearest enclosing table or key is.

        `("sources", 2, "follow")` is the `follow` key of the third `[[sources]]` table (indices
        count from 0, as in pydantic's error locations); a key that is missing points at its table.
        """
        lines = self.text.splitlines()
        for end in range(len(loc), 0, -1):
            wanted = tuple(loc[:end])
            names = [part for part in wanted if isinstance(part, str)]
            for number, text in enumerate(lines):
                # Cheap filter first: the line must spell the innermost key's name (a quoted key
                # written with escapes is missed, and then its table's line is given instead).
                if names and names[-1] not in text:
                    continue
                path = self._statement(lines, number)
                if path is not None and path[:end] == wanted:
                    return number + 1
        return None

    def _statement(self, lines: list[str], number: int) -> Loc | None:
        """The data path a line writes (a table header's table, or a key's full path), or None
        when the line does not start a statement (inside a string or array, blank, a comment)."""
        table = self._table_before(lines, number)
        if table is None:
            return None
        text = lines[number].strip()
        if text.startswith("["):
            return self._table_before(lines, number + 1)  # the header line is complete on its own
        for equals in (m.start() for m in re.finditer("=", text)):
            try:
                key = tomllib.loads(text[:equals] + "= 0")
            except tomllib.TOMLDecodeError:
                continue  # that '=' was inside a quoted key
            path: list[str] = []
            while isinstance(key, dict) and len(key) == 1:
                name, key = next(iter(key.items()))
                path.append(name)
            return (*table, *path)
        return None

    def _table_before(self, lines: list[str], number: int) -> Loc | None:
        """The table a statement starting at line `number` (0-based) would belong to, or None
        when the text before that line is not complete TOML (the line continues a value)."""
        if number not in self._tables:
            try:
                data = tomllib.loads("\n".join([*lines[:number], f'"{_PROBE}" = 0']))
            except tomllib.TOMLDecodeError:
                self._tables[number] = None
            else:
                self._tables[number] = _probe_path(data)
        return self._tables[number]

    def validate(self, model: type[BaseModel], describe: Callable[[ErrorDetails], Mistake],
                 more: Callable[[], Iterable[Mistake]] = tuple, context: Any = None) -> Any:
        """`model` validated from the data; ConfigError listing every mistake, one per line.

        `describe` words one pydantic error; `more` adds checks across entries (duplicate
        names) that no single field can make, so they are reported together with the rest.
        """
        mistakes: list[Mistake] = []
        result = None
        try:
            result = model.model_validate(self.data, context=context)
        except ValidationError as exc:
            mistakes += [describe(error) for error in exc.errors()]
        mistakes += more()
        if mistakes:
            self.refuse(mistakes)
        return result

    def refuse(self, mistakes: Iterable[Mistake]) -> None:
        """Raise ConfigError with one `file:line: message` line per mistake, in file order."""
        located = dict.fromkeys(sorted(((self.line(m.loc) or 0), m.message) for m in mistakes))
        lines = [f"{where(self.path, line or None)}: {message}" for line, message in located]
        if len(lines) > 1:  # a heading, so that every mistake's own line starts with file:line
            lines.insert(0, f"{len(lines)} mistakes in {where(self.path, None)}:")
        raise ConfigError("\n".join(lines))


def _probe_path(data: Any, path: Loc = ()) -> Loc | None:
    """Where the probe key is in parsed data: ("sources", 2) for the third [[sources]] table."""
    if isinstance(data, dict):
        if _PROBE in data:
            return path
        items: Iterable[tuple[str | int, Any]] = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        found = _probe_path(value, (*path, key))
        if found is not None:
            return found
    return None


def read_toml(path: Path, what: str) -> TomlFile:
    """Parse the TOML file at `path` (`what` names it in errors: "sources file", "config file").

    A syntax error keeps tomllib's own line and column and puts the line in front as well,
    `file:line: invalid TOML: ...`, like every other message.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read {what}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = _DECODE_AT.search(str(exc))
        raise ConfigError(f"{where(path, int(at.group(1)) if at else None)}: invalid TOML: {exc}") from None
    return TomlFile(path, text, data)


# Words for pydantic's error types, to follow "field 'x'" or "key 'x':"; others keep pydantic's.
_PROBLEMS = {
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "int_type": "must be an integer",
    "float_type": "must be a number",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "missing": "is missing",
}


def describe_problem(error: ErrorDetails) -> str:
    """What is wrong with the value, in words that read after the key's name."""
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "value_error":
        return str(ctx["error"])  # our validators' own words, without pydantic's "Value error, "
    if kind == "literal_error":
        expected = str(ctx["expected"]).replace("'", "").replace(" or ", ", ")
        return f"{error['input']!r} is not one of {expected}"
    if kind in ("greater_than", "greater_than_equal"):
        if kind == "greater_than":
            return "must be positive" if ctx["gt"] == 0 else f"must be more than {ctx['gt']}"
        return "must not be negative" if ctx["ge"] == 0 else f"must be at least {ctx['ge']}"
    if kind in ("too_short", "string_too_short"):
        return "must not be empty"
    return _PROBLEMS.get(kind, error["msg"][:1].lower() + error["msg"][1:])


def split_items(loc: Loc) -> tuple[Loc, str]:
    """The key part of a location and, for an error in a list, "item N: " (N from 1)."""
    end = len(loc)
    while end > 0 and isinstance(loc[end - 1], int):
        end -= 1
    items = loc[end:]
    return loc[:end], "".join(f"item {i + 1}: " for i in items if isinstance(i, int))
