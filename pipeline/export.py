"""Exports of the register: an iCalendar file of deadlines and events, an Atom feed of new calls.

Both are deterministic for an unchanged register, so re-exporting changes nothing. iCalendar
UIDs name the call and the date (`<call>-deadline-2027-04-16@callwatch`), never the date's place
among the call's cut-offs, so a cut-off added before another leaves the other's UID alone. A
deadline that moved keeps the UID of the date it was first published with (the moves are in
`call_events`), so the calendar app updates that event instead of adding another.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import sqlite_utils

from pipeline.call_queries import list_calls
from pipeline.safe_text import strip_controls as clean  # XML 1.0 and calendar apps reject controls
from pipeline.vocabulary import today_in_stockholm

UID_DOMAIN = "callwatch"
ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ID = "tag:callwatch.local,2026:calls"
ATOM_ENTRIES = 200


def render_ics(db: sqlite_utils.Database) -> bytes:
    """One VEVENT per deadline of every call, and per date of every event, as all-day events."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//callwatch//calls register//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "callwatch: funding deadlines and events")
    sequences = _change_counts(db)
    first_dates = _first_dates(db)
    for call in list_calls(db):
        stamp = _stamp(call)
        origins = first_dates.get(call["id"], {})
        for day, key in _date_keys(call["cutoffs"], origins):
            cal.add_component(_vevent(call, f"{call['id']}-deadline-{key}", day,
                                      f"Deadline: {clean(call['title'])}", stamp, sequences))
        if call["kind"] == "event":
            for day, key in _date_keys(call["events"], origins):
                cal.add_component(_vevent(call, f"{call['id']}-event-{key}", day,
                                          clean(call["title"]), stamp, sequences))
    return cal.to_ical()


def _first_dates(db: sqlite_utils.Database) -> dict[str, dict[str, str]]:
    """Per call, date -> the date it was first published as, following each recorded move
    (2027-04-16 -> 2027-05-20 -> 2027-06-01 gives 2027-06-01 -> 2027-04-16)."""
    origins: dict[str, dict[str, str]] = defaultdict(dict)
    for call_id, old, new in db.execute(
        """select call_id, substr(old_value, 1, 10), substr(new_value, 1, 10) from call_events
           where field = 'deadline' and old_value is not null and new_value is not null order by id"""
    ).fetchall():
        if old != new:
            origins[call_id][new] = origins[call_id].get(old, old)
    return origins


def _date_keys(days: list[str], origins: dict[str, str]) -> list[tuple[str, str]]:
    """(date, UID key) per date: the date it was first published as, unless another of the call's
    dates already holds that key (then its own date)."""
    keys: list[tuple[str, str]] = []
    current = {str(d)[:10] for d in days}
    taken: set[str] = set()
    for day in sorted(current):
        key = origins.get(day, day)
        if key in taken or (key != day and key in current):
            key = day  # the first date is itself a date of the call again: each keeps its own
        taken.add(key)
        keys.append((day, key))
    return keys


def _vevent(call: dict[str, Any], uid: str, day: str, summary: str, stamp: datetime,
            sequences: dict[str, int]) -> icalendar.Event:
    start = date.fromisoformat(day[:10])
    event = icalendar.Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("sequence", sequences.get(call["id"], 0))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(days=1))  # all-day: the end date is exclusive
    event.add("summary", summary)
    event.add("description", _description(call))
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    event.add("categories", [call["kind"] or "call"])
    if call["url"]:
        event.add("url", clean(call["url"]))
    return event


def _description(call: dict[str, Any]) -> str:
    lines = [clean(call["title"])]
    if call["identifier"]:
        lines.append(f"Identifier: {clean(call['identifier'])}")
    funders = "; ".join(clean(f.get("name")) for f in call["funders"] if f.get("name"))
    if funders:
        lines.append(f"Funders: {funders}")
    if call["opening"]:
        lines.append(f"Opens: {call['opening']}")
    if call["cutoffs"]:
        lines.append(f"Deadlines: {', '.join(call['cutoffs'])}")
    lines.append(f"Status: {call['status'] or 'unknown'}")
    if call["url"]:
        lines.append(clean(call["url"]))
    return "\n".join(lines)


def _change_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Per call, how often its dates changed: the iCalendar SEQUENCE, so apps accept updates."""
    rows = db.execute(
        "select call_id, count(*) from call_events where field in ('deadline', 'opening') group by call_id"
    ).fetchall()
    return dict(rows)


def _stamp(call: dict[str, Any]) -> datetime:
    """A DTSTAMP that only changes when the call was seen again, keeping exports reproducible."""
    for value in (call["last_seen"], call["first_seen"]):
        if value:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                continue
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    return datetime(1970, 1, 1, tzinfo=UTC)


FEED_TITLES = {"funding-call": "new funding calls", "event": "new events", "partner-search": "new partner searches"}


def render_atom(db: sqlite_utils.Database, limit: int = ATOM_ENTRIES, kind: str = "funding-call",
                today: date | None = None) -> bytes:
    """An Atom feed of the most recently first-seen opportunities of one kind (funding calls by
    default) that are not closed, newest first; each entry published when first seen and updated
    when its dates or status last changed."""
    today = today or today_in_stockholm()
    calls = sorted((c for c in list_calls(db) if (c["kind"] or "funding-call") == kind and _live(c, today)),
                   key=lambda c: (c["first_seen_run"] or 0, c["first_seen"] or "", c["id"]), reverse=True)[:limit]
    changed = _last_changes(db)
    updated = {c["id"]: max(filter(None, (c["first_seen"], changed.get(c["id"]))), default=_epoch()) for c in calls}
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", FEED_ID if kind == "funding-call" else f"{FEED_ID}:{kind}")
    _sub(feed, "title", f"callwatch: {FEED_TITLES.get(kind, kind)}")
    _sub(feed, "updated", max(updated.values(), default=_epoch()))
    author = _sub(feed, "author")
    _sub(author, "name", "callwatch")
    _sub(feed, "generator", "callwatch")
    for call in calls:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"{FEED_ID}:{call['id']}")
        _sub(entry, "title", call["title"] or call["id"])
        _sub(entry, "published", call["first_seen"] or _epoch())
        _sub(entry, "updated", updated[call["id"]])
        if call["url"]:
            ET.SubElement(entry, f"{{{ATOM_NS}}}link", {"rel": "alternate", "href": clean(call["url"])})
        for term in [call["kind"], *call["topics"]]:
            if term:
                ET.SubElement(entry, f"{{{ATOM_NS}}}category", {"term": clean(term)})
        summary = _description(call)
        if call.get("description"):
            summary += "\n\n" + clean(call["description"])
        _sub(entry, "summary", summary).set("type", "text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _live(call: dict[str, Any], today: date) -> bool:
    """Not closed: a call whose last date passed (months ago, maybe, when a source lists old
    calls) is no news to a feed reader."""
    last = max([*(str(d)[:10] for d in call["cutoffs"]), *(str(d)[:10] for d in call["events"]),
                (call["deadline"] or "")[:10]], default="")
    if last:
        return last >= today.isoformat()
    return call["status"] != "closed"


def _last_changes(db: sqlite_utils.Database) -> dict[str, str]:
    """Per call, when its deadline, opening or status last changed (its entry's `updated`)."""
    return dict(db.execute(
        "select call_id, max(at) from call_events where field in ('deadline', 'opening', 'status') "
        "group by call_id"
    ).fetchall())


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}")
    if text is not None:
        element.text = clean(text)  # ElementTree escapes <, > and &; control characters are dropped
    return element


def _epoch() -> str:
    return "1970-01-01T00:00:00+00:00"


def write_export(content: bytes, path: str | Path) -> Path:
    """Write atomically: a calendar app polling the file never sees half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return path
