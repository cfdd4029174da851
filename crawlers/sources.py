"""The sources registry: one declarative `[[sources]]` table per monitored site.

`load_sources` validates the whole file and raises `ConfigError` naming the file and line, the
entry and the field, so a typo in one entry is found before any crawl starts (and before
`callwatch run` writes anything).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.toml_lines import TomlLines, read_toml, where

DEFAULT_SOURCES = Path(__file__).with_name("sources.toml")

# Kinds a source may have; API kinds are registered by the spiders that read them.
KINDS = {"listing", "feed", "sitemap", "eu-portal", "vinnova"}

_REQUIRED = ("name", "kind", "url")
_KNOWN = {
    "name", "kind", "url", "follow", "lang", "region", "notes", "next_page", "max_pages",
    "enabled", "options", "title", "start_urls", "stop_after_known_pages",
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_URL = re.compile(r"^https?://")
_TEXT_FIELDS = ("follow", "next_page", "lang", "region", "title", "notes")


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    url: str
    follow: str | None = None  # regex searched in absolute article URLs
    lang: str | None = None
    region: str | None = None
    title: str | None = None
    notes: str | None = None
    next_page: str | None = None  # optional regex for pagination links
    max_pages: int = 50  # listing pages followed at most, a guard against pagination loops
    # Paging stops after this many listing pages in a row showed no new article and no changed
    # entry (0: always page on to max_pages, for a listing not sorted newest first).
    stop_after_known_pages: int = 1
    enabled: bool = True
    start_urls: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)  # kind-specific (API queries…)

    def follows(self, url: str) -> bool:
        return self.follow is None or re.search(self.follow, url) is not None


def load_sources(path: str | Path | None = None) -> list[Source]:
    """Read and validate a sources file (default: the bundled `crawlers/sources.toml`).

    Every error is `file:line: source #N 'name': problem`, the line being the offending key's
    (or the entry's `[[sources]]` header when the key is missing).
    """
    path = Path(path) if path else DEFAULT_SOURCES
    raw, lines = read_toml(path, "sources file")
    unknown_top = sorted(set(raw) - {"sources"})
    if unknown_top:
        at = where(path, lines.first_line(*((key,) for key in unknown_top)))
        raise ConfigError(f"{at}: unknown top-level key(s): {', '.join(unknown_top)}")
    entries = raw.get("sources")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{where(path, lines.line('sources'))}: no [[sources]] entries")
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries, start=1):
        entry_at = _EntryLines(path, lines, index, entry)
        source = _parse_entry(entry_at, entry)
        if source.name in seen:
            raise ConfigError(f"{entry_at.at('name')}: duplicate name (also source #{seen[source.name]})")
        seen[source.name] = index
        sources.append(source)
    return sources


class _EntryLines:
    """Formats `file:line: source #N 'name'` for one entry and one of its keys."""

    def __init__(self, path: Path, lines: TomlLines, index: int, entry: Any) -> None:
        self.path, self.lines, self.index = path, lines, index
        name = entry.get("name", "?") if isinstance(entry, dict) else "?"
        self.label = f"source #{index} '{name}'"

    def at(self, *keys: str) -> str:
        line = self.lines.first_line(*(("sources", self.index, key) for key in keys)) if keys \
            else self.lines.line("sources", self.index)
        return f"{where(self.path, line)}: {self.label}"


def _parse_entry(at: _EntryLines, entry: Any) -> Source:
    if not isinstance(entry, dict):
        raise ConfigError(f"{at.at()}: must be a table")
    # Unknown first: a misspelt required field ('urll') is better reported as the typo it is.
    unknown = sorted(set(entry) - _KNOWN)
    if unknown:
        raise ConfigError(f"{at.at(*unknown)}: unknown field(s) {', '.join(unknown)}")
    for key in _REQUIRED:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ConfigError(f"{at.at(key)}: missing or empty field '{key}'")
    if not _SLUG.match(entry["name"]):
        raise ConfigError(f"{at.at('name')}: field 'name' must be a lowercase slug (a-z, 0-9, -)")
    if entry["kind"] not in KINDS:
        raise ConfigError(
            f"{at.at('kind')}: unknown kind '{entry['kind']}' (expected one of {', '.join(sorted(KINDS))})"
        )
    if not _URL.match(entry["url"]):
        raise ConfigError(f"{at.at('url')}: field 'url' must be an http(s) URL")
    for key in _TEXT_FIELDS:
        if key in entry and not isinstance(entry[key], str):
            raise ConfigError(f"{at.at(key)}: field '{key}' must be a string")
    for key in ("follow", "next_page"):
        if key in entry:
            try:
                re.compile(entry[key])
            except re.error as exc:
                raise ConfigError(f"{at.at(key)}: field '{key}' is not a valid regular expression: {exc}") from None
    max_pages = entry.get("max_pages", 50)
    # bool is an int in Python: `max_pages = true` is a mistake, not one page
    if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
        raise ConfigError(f"{at.at('max_pages')}: field 'max_pages' must be a positive integer")
    stop_after = entry.get("stop_after_known_pages", 1)
    if isinstance(stop_after, bool) or not isinstance(stop_after, int) or stop_after < 0:
        raise ConfigError(f"{at.at('stop_after_known_pages')}: field 'stop_after_known_pages' must be an integer "
                          "of 0 or more (0: never stop before max_pages)")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        # bool("false") is True: a quoted value would silently keep the source on
        raise ConfigError(f"{at.at('enabled')}: field 'enabled' must be true or false")
    start_urls = entry.get("start_urls", [])
    if not isinstance(start_urls, list) or not all(isinstance(u, str) and _URL.match(u) for u in start_urls):
        raise ConfigError(f"{at.at('start_urls')}: field 'start_urls' must be a list of http(s) URLs")
    options = entry.get("options", {})
    if not isinstance(options, dict):
        raise ConfigError(f"{at.at('options')}: field 'options' must be a table")
    return Source(
        name=entry["name"],
        kind=entry["kind"],
        url=entry["url"],
        follow=entry.get("follow"),
        lang=entry.get("lang"),
        region=entry.get("region"),
        title=entry.get("title"),
        notes=entry.get("notes"),
        next_page=entry.get("next_page"),
        max_pages=max_pages,
        stop_after_known_pages=stop_after,
        enabled=enabled,
        start_urls=tuple(start_urls),
        options=options,
    )
