"""The sources registry: one declarative `[[sources]]` table per monitored site.

`Source` is the pydantic model of one entry; `load_sources` validates the whole file and raises
`ConfigError` listing every mistake as `file:line: source #N 'name': problem`, so typos are
found before any crawl starts (and before `callwatch run` writes anything).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict
from pydantic_core import ErrorDetails

from pipeline.config_file import Mistake, describe_problem, read_toml, split_items
from pipeline.vocabulary import SOURCE_KINDS, SourceKind

DEFAULT_SOURCES = Path(__file__).with_name("sources.toml")


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_URL = re.compile(r"^https?://")


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError("must be a lowercase slug (a-z, 0-9, -)")
    return value


def _http_url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError("must be an http(s) URL")
    return value


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression: {exc}") from None
    return value


# Strict: TOML has real types, so `enabled = "false"` or `max_pages = true` is a mistake to
# report, not a value to coerce (bool("false") is True and would silently keep a source on).
Text = Annotated[str, Strict()]
Slug = Annotated[str, Strict(), AfterValidator(_slug)]
HttpUrl = Annotated[str, Strict(), AfterValidator(_http_url)]
Regex = Annotated[str, Strict(), AfterValidator(_regex)]


class Source(BaseModel):
    """One `[[sources]]` entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Slug
    kind: SourceKind
    url: HttpUrl
    follow: Regex | None = None  # regex searched in absolute article URLs
    lang: Text | None = None
    region: Text | None = None
    title: Text | None = None
    notes: Text | None = None
    next_page: Regex | None = None  # optional regex for pagination links
    max_pages: Annotated[int, Strict(), Field(ge=1)] = 50  # a guard against pagination loops
    # Paging stops after this many listing pages in a row showed no new article and no changed
    # entry (0: always page on to max_pages, for a listing not sorted newest first).
    stop_after_known_pages: Annotated[int, Strict(), Field(ge=0)] = 1
    enabled: Annotated[bool, Strict()] = True
    start_urls: tuple[HttpUrl, ...] = ()
    options: dict[str, Any] = Field(default_factory=dict)  # kind-specific (API queries…)

    def follows(self, url: str) -> bool:
        return self.follow is None or re.search(self.follow, url) is not None


class SourcesFile(BaseModel):
    """The whole file: nothing but `[[sources]]` tables."""

    model_config = ConfigDict(extra="forbid")

    sources: list[Source] = Field(min_length=1)


def load_sources(path: str | Path | None = None) -> list[Source]:
    """Read and validate a sources file (default: the bundled `crawlers/sources.toml`).

    Every mistake is one line `file:line: source #N 'name': problem`, the line being the
    offending key's (or the entry's `[[sources]]` header when the key is missing).
    """
    file = read_toml(Path(path) if path else DEFAULT_SOURCES, "sources file")
    entries = file.data.get("sources")
    entries = entries if isinstance(entries, list) else []
    parsed = file.validate(SourcesFile, lambda error: _mistake(error, entries),
                           more=lambda: _duplicate_names(entries))
    return parsed.sources


def _label(entries: list[Any], index: int) -> str:
    entry = entries[index] if index < len(entries) else None
    name = entry.get("name", "?") if isinstance(entry, dict) else "?"
    return f"source #{index + 1} '{name}'"


def _mistake(error: ErrorDetails, entries: list[Any]) -> Mistake:
    loc, kind = error["loc"], error["type"]
    if loc[:1] != ("sources",):
        return Mistake(loc, f"unknown top-level key '{loc[0]}'")
    if len(loc) == 1:
        empty = kind in ("missing", "too_short")
        return Mistake(loc, "no [[sources]] entries" if empty else f"'sources' {describe_problem(error)}")
    label = _label(entries, int(loc[1]))
    if len(loc) == 2:
        return Mistake(loc, f"{label}: {describe_problem(error)}")
    (_, _, key, *_), item = split_items(loc)
    if kind == "missing":
        return Mistake(loc, f"{label}: missing or empty field '{key}'")
    if kind == "extra_forbidden":
        return Mistake(loc, f"{label}: unknown field '{key}'")
    if kind == "literal_error" and key == "kind":
        expected = ", ".join(sorted(SOURCE_KINDS))
        return Mistake(loc, f"{label}: unknown kind {error['input']!r} (expected one of {expected})")
    return Mistake(loc, f"{label}: field '{key}' {item}{describe_problem(error)}")


def _duplicate_names(entries: list[Any]) -> Iterator[Mistake]:
    """A name used twice: the crawl, the store and the logs know a source by its name alone."""
    first: dict[str, int] = {}
    for index, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            continue
        if name in first:
            yield Mistake(("sources", index, "name"),
                          f"{_label(entries, index)}: duplicate name (also source #{first[name] + 1})")
        else:
            first[name] = index
