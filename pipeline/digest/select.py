"""What a digest says: items read from the store (calls, call_events, source_runs), and who wants them.

An item has a stable key (`new:<call_id>`, `deadline:<call_id>:<new date>`, `closing:<call_id>:<date>`,
`health:<run>:<source>` …) so the outbox can record it as sent to a recipient exactly once.
New calls, moved deadlines and source health come from the runs after the last digest; "closing
soon" and "opening soon" come from today's date, once per call and date.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from pipeline.config import DigestConfig, Recipient

log = logging.getLogger(__name__)

# Sections in the order staff read them; a call shows in the first section it has an item in.
SECTIONS = ("new", "changed", "closing", "opening", "partner", "event", "health")
CALL_KINDS = ("funding-call",)
SIDE_KINDS = {"partner-search": "partner", "event": "event"}
HEALTH_HISTORY = 5  # earlier runs of a source consulted to judge whether it "usually" returns pages


@dataclass
class Item:
    key: str
    section: str
    call_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    call: dict[str, Any] | None = None  # the call's current row, JSON fields decoded, plus regions

    @property
    def regions(self) -> set[str]:
        if self.call is not None:
            return set(self.call.get("regions") or ())
        return {self.payload["region"]} if self.payload.get("region") else set()


def _json_list(value: Any) -> list[Any]:
    if not value:
        return []
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


def load_calls(
    db: sqlite_utils.Database, ids: Iterable[str], regions_by_source: Mapping[str, str | None]
) -> dict[str, dict[str, Any]]:
    """Current rows of these calls, JSON decoded, with the sources and regions of their pages."""
    ids = sorted({i for i in ids if i})
    calls: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.execute_returning_dicts(f"select * from calls where id in ({marks})", chunk):
            for key in ("funders", "topics", "amounts", "cutoffs", "events"):
                row[key] = _json_list(row.get(key))
            row["sources"] = []
            row["regions"] = []
            calls[row["id"]] = row
        for call_id, source in db.execute(
            f"select call_id, source from call_pages where call_id in ({marks}) order by source", chunk
        ).fetchall():
            call = calls.get(call_id)
            if call is None or not source or source in call["sources"]:
                continue
            call["sources"].append(source)
            region = regions_by_source.get(source)
            if region and region not in call["regions"]:
                call["regions"].append(region)
    return calls


def collect_items(
    db: sqlite_utils.Database,
    *,
    since_run: int,
    until_run: int,
    health_run: int | None,
    today: date,
    settings: DigestConfig,
    regions_by_source: Mapping[str, str | None],
) -> list[Item]:
    """Every item a digest collected now could contain, for anyone (filtering comes later)."""
    items: list[Item] = []
    window = [since_run, until_run]
    for (call_id, kind) in db.execute(
        "select id, kind from calls where first_seen_run > ? and first_seen_run <= ?", window
    ).fetchall():
        items.append(Item(f"new:{call_id}", SIDE_KINDS.get(kind or "", "new"), call_id))
    for call_id, old, new in db.execute(
        """select call_id, old_value, new_value from call_events
           where field = 'deadline' and run_id > ? and run_id <= ? and old_value is not null
             and new_value is not null and old_value != new_value order by id""",
        window,
    ).fetchall():
        items.append(Item(f"deadline:{call_id}:{new}", "changed", call_id, {"old": old, "new": new}))
    horizon = (today + timedelta(days=settings.closing_within_days)).isoformat()
    for call_id, deadline in db.execute(
        """select id, substr(deadline, 1, 10) from calls
           where deadline is not null and substr(deadline, 1, 10) between ? and ?
             and coalesce(kind, 'funding-call') = 'funding-call'""",
        [today.isoformat(), horizon],
    ).fetchall():
        items.append(Item(f"closing:{call_id}:{deadline}", "closing", call_id, {"deadline": deadline}))
    horizon = (today + timedelta(days=settings.opening_within_days)).isoformat()
    for call_id, opening in db.execute(
        """select id, substr(opening, 1, 10) from calls
           where opening is not null and substr(opening, 1, 10) > ? and substr(opening, 1, 10) <= ?
             and coalesce(kind, 'funding-call') = 'funding-call'""",
        [today.isoformat(), horizon],
    ).fetchall():
        items.append(Item(f"opening:{call_id}:{opening}", "opening", call_id, {"opening": opening}))
    if health_run is not None:
        items.extend(collect_health(db, health_run, regions_by_source))
    calls = load_calls(db, (i.call_id for i in items if i.call_id), regions_by_source)
    for item in items:
        if item.call_id:
            item.call = calls.get(item.call_id)
    return [i for i in items if i.call_id is None or i.call is not None]


def collect_health(
    db: sqlite_utils.Database, run_id: int, regions_by_source: Mapping[str, str | None]
) -> list[Item]:
    """Sources that failed in this run, or returned nothing when they usually return pages.

    A silently broken scraper is the worst failure of a monitor, so "empty" is judged against
    the source's own recent history rather than ignored.
    """
    run = db.execute("select id, started_at, status, error from runs where id = ?", [run_id]).fetchone()
    if run is None:
        return []
    items: list[Item] = []
    rows = db.execute_returning_dicts(
        "select * from source_runs where run_id = ? order by source", [run_id]
    )
    for row in rows:
        source = row["source"]
        base = {"source": source, "run_id": run_id, "run_at": run[1], "region": regions_by_source.get(source)}
        if row.get("status") == "failed":
            error = (row.get("error") or "").strip()
            items.append(Item(f"health:{run_id}:{source}", "health", None, {**base, "problem": "failed",
                                                                                "error": error[:500]}))
            continue
        # A listing that named its pages answered, even when none was due tonight (all skipped).
        if row.get("status") != "empty" and max(row.get("pages_seen") or 0, row.get("pages_listed") or 0) > 0:
            continue
        history = [
            r[0] or 0
            for r in db.execute(
                "select max(coalesce(pages_seen, 0), coalesce(pages_listed, 0)) from source_runs "
                "where source = ? and run_id < ? order by run_id desc limit ?",
                [source, run_id, HEALTH_HISTORY],
            ).fetchall()
        ]
        productive = [n for n in history if n > 0]
        if history and len(productive) * 2 <= len(history):
            continue  # this source usually returns nothing: not news tonight
        usual = round(sum(productive) / len(productive)) if productive else None
        items.append(Item(f"health:{run_id}:{source}", "health", None,
                          {**base, "problem": "empty", "usual_pages": usual}))
    if run[2] == "failed" and not rows:
        items.append(Item(f"health:{run_id}:*", "health", None,
                          {"source": None, "run_id": run_id, "run_at": run[1], "problem": "run-failed",
                           "error": (run[3] or "")[:500]}))
    return items


def matches(item: Item, recipient: Recipient, health_default: bool) -> bool:
    """Whether this recipient subscribed to this item: every filter given must match (any value)."""
    if item.section == "health":
        return recipient.source_health if recipient.source_health is not None else health_default
    call = item.call or {}
    if recipient.kinds and (call.get("kind") or "funding-call") not in recipient.kinds:
        return False
    if recipient.topics and not set(recipient.topics) & set(call.get("topics") or ()):
        return False
    if recipient.funders:
        wanted = [f.casefold() for f in recipient.funders]
        names = [
            str(v).casefold()
            for f in call.get("funders") or ()
            for v in ((f.get("name"), f.get("text")) if isinstance(f, dict) else (f,))
            if v
        ]
        if not any(w == n or w in n for w in wanted for n in names):
            return False
    if recipient.regions and not {r.casefold() for r in recipient.regions} & {
        r.casefold() for r in item.regions
    }:
        return False
    return True


def is_expired(item: Item, today: date) -> bool:
    """Calls whose deadline has passed (events whose last date has) are not news to staff."""
    if item.call is None:
        return item.call_id is not None  # the call left the register (merged into another)
    last = (item.call.get("deadline") or "")[:10]
    if not last and item.call.get("kind") == "event":
        last = max((str(d)[:10] for d in item.call.get("events") or ()), default="")
    if last:
        try:
            return date.fromisoformat(last) < today
        except ValueError:
            return False
    return item.call.get("status") == "closed"


def arrange(items: Iterable[Item]) -> tuple[list[Item], list[Item]]:
    """(shown, covered): one item per call, from the first section in SECTIONS order; the
    covered items go out with the same message (a new call closing soon is said once)."""
    ordered = sorted(items, key=lambda i: (SECTIONS.index(i.section), _deadline_key(i), i.key))
    shown: list[Item] = []
    covered: list[Item] = []
    seen_calls: set[str] = set()
    for item in ordered:
        if item.call_id and item.call_id in seen_calls:
            covered.append(item)
            continue
        if item.call_id:
            seen_calls.add(item.call_id)
        shown.append(item)
    return shown, covered


def _deadline_key(item: Item) -> str:
    call = item.call or {}
    return (call.get("deadline") or "9999")[:10]
