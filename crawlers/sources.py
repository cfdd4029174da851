"""The sources registry: one declarative `[[sources]]` table per monitored site.

`load_sources` validates the whole file and raises `ConfigError` naming the file, the entry and
the field, so a typo in one entry is found before any crawl starts.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

DEFAULT_SOURCES = Path(__file__).with_name("sources.toml")

# Kinds a source may have; API kinds are registered by the spiders that read them.
KINDS = {"listing", "feed", "sitemap", "eu-portal", "vinnova"}

_REQUIRED = ("name", "kind", "url")
_KNOWN = {
    "name", "kind", "url", "follow", "lang", "region", "notes", "next_page", "max_pages",
    "enabled", "options", "title", "start_urls",
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


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
    enabled: bool = True
    start_urls: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)  # kind-specific (API queries…)

    def follows(self, url: str) -> bool:
        return self.follow is None or re.search(self.follow, url) is not None


def load_sources(path: str | Path | None = None) -> list[Source]:
    """Read and validate a sources file (default: the bundled `crawlers/sources.toml`)."""
    path = Path(path) if path else DEFAULT_SOURCES
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: sources file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read sources file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    unknown_top = set(raw) - {"sources"}
    if unknown_top:
        raise ConfigError(f"{path}: unknown top-level key(s): {', '.join(sorted(unknown_top))}")
    entries = raw.get("sources")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: no [[sources]] entries")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        source = _parse_entry(path, index, entry)
        if source.name in seen:
            raise ConfigError(f"{path}: source #{index} '{source.name}': duplicate name")
        seen.add(source.name)
        sources.append(source)
    return sources


def _parse_entry(path: Path, index: int, entry: dict[str, Any]) -> Source:
    label = f"{path}: source #{index} '{entry.get('name', '?')}'"
    for key in _REQUIRED:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ConfigError(f"{label}: missing or empty field '{key}'")
    unknown = set(entry) - _KNOWN
    if unknown:
        raise ConfigError(f"{label}: unknown field(s) {', '.join(sorted(unknown))}")
    if not _SLUG.match(entry["name"]):
        raise ConfigError(f"{label}: field 'name' must be a lowercase slug (a-z, 0-9, -)")
    if entry["kind"] not in KINDS:
        raise ConfigError(
            f"{label}: unknown kind '{entry['kind']}' (expected one of {', '.join(sorted(KINDS))})"
        )
    if not re.match(r"^https?://", entry["url"]):
        raise ConfigError(f"{label}: field 'url' must be an http(s) URL")
    for key in ("follow", "next_page"):
        if key in entry:
            try:
                re.compile(entry[key])
            except (re.error, TypeError) as exc:
                raise ConfigError(f"{label}: field '{key}' is not a valid regular expression: {exc}") from None
    max_pages = entry.get("max_pages", 50)
    if not isinstance(max_pages, int) or max_pages < 1:
        raise ConfigError(f"{label}: field 'max_pages' must be a positive integer")
    options = entry.get("options", {})
    if not isinstance(options, dict):
        raise ConfigError(f"{label}: field 'options' must be a table")
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
        enabled=bool(entry.get("enabled", True)),
        start_urls=tuple(entry.get("start_urls", ())),
        options=options,
    )
