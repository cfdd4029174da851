"""What one detect run changes in the register: the plan's output and the writer's input."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.detect.facts import Register

LinkKey = tuple[str, str]  # (call_id, url)


@dataclass(frozen=True)
class CallEvent:
    """One row of a call's history (`call_events`).

    `field` is deadline, opening or status (old and new value), merged (old: the call folded
    into this one), source_added (new: the page's URL), page_vanished or page_returned (the URL).
    """

    call_id: str
    field: str
    old: str | None
    new: str | None


@dataclass
class DetectSummary:
    run_id: int
    pages: int = 0  # pages describing an opportunity
    calls: int = 0  # opportunities they describe
    new: int = 0
    updated: int = 0
    merged: int = 0
    events: int = 0
    sources_added: int = 0
    pages_vanished: int = 0
    status_changed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class Changes:
    """The register after a run (`register`) and the writes that turn the stored one into it."""

    run_id: int
    at: str  # stamped on the history rows and on the run's detected_at
    register: Register
    new_calls: list[dict[str, Any]] = field(default_factory=list)  # full `calls` rows
    updated_calls: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> changed columns only
    removed_calls: list[str] = field(default_factory=list)  # folded into another call
    merges: list[tuple[str, str]] = field(default_factory=list)  # (folded, kept): history moves along
    new_links: list[dict[str, Any]] = field(default_factory=list)  # full `call_pages` rows
    updated_links: dict[LinkKey, dict[str, Any]] = field(default_factory=dict)  # changed columns only
    removed_links: list[LinkKey] = field(default_factory=list)
    events: list[CallEvent] = field(default_factory=list)  # in the order they happened
    pages: int = 0  # pages describing an opportunity
    calls: int = 0  # opportunities they describe
    updated: int = 0  # existing calls changed in a way anyone is told about (not just seen again)

    @property
    def is_empty(self) -> bool:
        """Nothing to write: the register already says all the facts say."""
        return not (self.new_calls or self.updated_calls or self.removed_calls or self.new_links
                    or self.updated_links or self.removed_links or self.events)

    def events_of(self, kind: str) -> list[CallEvent]:
        return [e for e in self.events if e.field == kind]

    def summary(self) -> DetectSummary:
        return DetectSummary(
            run_id=self.run_id, pages=self.pages, calls=self.calls, new=len(self.new_calls),
            updated=self.updated, merged=len(self.merges), events=len(self.events),
            sources_added=len(self.events_of("source_added")),
            pages_vanished=len(self.events_of("page_vanished")),
            status_changed=len(self.events_of("status")),
        )


def diff_rows(before: dict[Any, dict[str, Any]], after: dict[Any, dict[str, Any]]
              ) -> tuple[list[dict[str, Any]], dict[Any, dict[str, Any]], list[Any]]:
    """(rows added, changed columns of rows kept, keys removed) from `before` to `after`."""
    added = [row for key, row in after.items() if key not in before]
    changed = {}
    for key, row in after.items():
        old = before.get(key)
        if old is not None:
            columns = {column: value for column, value in row.items() if old.get(column) != value}
            if columns:
                changed[key] = columns
    removed = [key for key in before if key not in after]
    return added, changed, removed
