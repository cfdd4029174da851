"""Progress events of a run: what the job and its crawl child report and the CLI shows.

The crawl child reports `PageStored` and `SourceFinished` as JSON lines on its stdout; the job
(`pipeline.run`) passes them on and adds `RunStarted`, `StageStarted`, `PagesExtracted` and
`StageFinished`; `pipeline.cli.progress` displays them. `to_json` and `from_json` are the one
wire format wherever an event crosses a process boundary.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Stage = Literal["extract", "detect", "digest"]


@dataclass(frozen=True)
class RunStarted:
    run_id: int


@dataclass(frozen=True)
class PageStored:
    """The crawl stored a page (`outcome`: new, changed or unchanged)."""

    source: str
    url: str
    outcome: str


@dataclass(frozen=True)
class SourceFinished:
    """A source's crawl ended; the counts and error are its `source_runs` row (the revisit
    policy's counts only for a source that lists its pages: listing, feed, sitemap)."""

    source: str
    status: str  # ok | failed | empty
    pages_seen: int
    pages_new: int
    pages_changed: int
    error: str | None = None
    pages_listed: int | None = None  # named by its listing, feed or sitemap tonight
    pages_due: int | None = None  # asked for tonight
    pages_fetched: int | None = None
    pages_skipped: int | None = None  # stored pages not due tonight


@dataclass(frozen=True)
class StageStarted:
    stage: Stage


@dataclass(frozen=True)
class PagesExtracted:
    """Pages extracted so far in this run (during the crawl and after it)."""

    count: int


@dataclass(frozen=True)
class StageFinished:
    """A stage ended; `outcome` is its summary: extract {"pages": n}, detect the DetectSummary's
    counts, digest the DigestSummary (recipients sent to, failed, skipped)."""

    stage: Stage
    outcome: dict[str, Any] = field(default_factory=dict)


ProgressEvent = RunStarted | PageStored | SourceFinished | StageStarted | PagesExtracted | StageFinished
EventCallback = Callable[[ProgressEvent], None]

# The name of each event on the wire: {"event": <name>, <its fields>...}
_NAMES: dict[type, str] = {
    RunStarted: "run", PageStored: "page", SourceFinished: "source", StageStarted: "stage",
    PagesExtracted: "extracted", StageFinished: "stage-done",
}
_TYPES = {name: event_type for event_type, name in _NAMES.items()}


def to_json(event: ProgressEvent) -> str:
    """One line of JSON (no newline in it) naming the event and its fields."""
    return json.dumps({"event": _NAMES[type(event)], **dataclasses.asdict(event)}, ensure_ascii=False)


def from_json(line: str) -> ProgressEvent:
    """The event a `to_json` line states; ValueError for anything else (a library's stray output)."""
    try:
        fields = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a progress event: {exc}") from None
    if not isinstance(fields, dict) or fields.get("event") not in _TYPES:
        raise ValueError(f"not a progress event: {line.strip()[:80]!r}")
    event_type = _TYPES[fields.pop("event")]
    try:
        return event_type(**fields)
    except TypeError as exc:  # a field missing or unknown
        raise ValueError(f"malformed {_NAMES[event_type]} event: {exc}") from None
