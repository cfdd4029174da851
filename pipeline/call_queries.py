"""Queries over the calls register (the read side; `pipeline.detect` writes it): filters, the
latest run, each call with its sources and history.

Shared by `callwatch calls` and the exports so they agree on what a call looks like.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from pipeline.search import search_call_ids
from pipeline.vocabulary import CALL_JSON_COLUMNS, OPEN, OPEN_OR_FORTHCOMING, decode_json_list

REGISTER_FIELDS = (
    "id", "title", "kind", "url", "deadline", "opening", "status", "funders", "topics", "amounts",
    "identifier", "call_identifier", "call_title", "cutoffs", "events", "registration", "description",
    "first_seen_run", "last_seen_run", "first_seen", "last_seen",
)


@dataclass
class CallFilters:
    new: bool = False  # first seen in the latest run
    open: bool = False  # status open: can be applied for today
    open_or_forthcoming: bool = False  # ...or announced to open
    kind: str | None = None
    topic: str | None = None
    funder: str | None = None  # case-insensitive substring of a funder's name or wording
    deadline_before: str | None = None  # ISO date, inclusive
    search: str | None = None  # full-text, over the call and every page linked to it


def latest_run_id(db: sqlite_utils.Database) -> int | None:
    """The latest run whose detect finished (else the latest run at all)."""
    row = db.execute("select max(id) from runs where detected_at is not null").fetchone()
    if row[0] is None:
        row = db.execute("select max(id) from runs").fetchone()
    return row[0]


def list_calls(db: sqlite_utils.Database, filters: CallFilters | None = None,
               with_history: bool = False) -> list[dict[str, Any]]:
    """Calls matching `filters`, nearest deadline first (undated last), with sources and is_new
    (and, `with_history`, every recorded change: moved deadlines, status changes, sources added)."""
    filters = filters or CallFilters()
    latest = latest_run_id(db)
    where, params = ["1 = 1"], {}
    if filters.new:
        where.append("first_seen_run = :latest")
        params["latest"] = latest
    if filters.open:
        where.append("status = :open")
        params["open"] = OPEN
    if filters.open_or_forthcoming:
        where.append(f"status in ({', '.join(f':s{i}' for i in range(len(OPEN_OR_FORTHCOMING)))})")
        params.update({f"s{i}": status for i, status in enumerate(OPEN_OR_FORTHCOMING)})
    if filters.kind:
        where.append("kind = :kind")
        params["kind"] = filters.kind
    if filters.topic:
        where.append("exists (select 1 from json_each(calls.topics) t where t.value = :topic)")
        params["topic"] = filters.topic
    if filters.deadline_before:
        where.append("deadline is not null and deadline <= :before")
        params["before"] = filters.deadline_before
    columns = ", ".join(REGISTER_FIELDS)
    rows = list(db.query(
        f"select {columns} from calls where {' and '.join(where)} "
        "order by deadline is null, deadline, title, id",
        params,
    ))
    if filters.search is not None:
        matching = search_call_ids(db, filters.search)
        rows = [r for r in rows if r["id"] in matching]
    calls = [_decode(row) for row in rows]
    if filters.funder:
        needle = filters.funder.casefold()
        calls = [c for c in calls if any(
            needle in str(f.get(key) or "").casefold() for f in c["funders"] for key in ("name", "text")
        )]
    sources = sources_by_call(db, [c["id"] for c in calls])
    history = history_by_call(db, [c["id"] for c in calls]) if with_history else {}
    for call in calls:
        call["sources"] = sources.get(call["id"], [])
        call["is_new"] = latest is not None and call["first_seen_run"] == latest
        if with_history:
            call["history"] = history.get(call["id"], [])
    return calls


def history_by_call(db: sqlite_utils.Database, call_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each call's recorded changes (`call_events`), oldest first."""
    return _rows_by_call(db, call_ids, """
        select call_id, run_id, at, field, old_value as old, new_value as new from call_events
        where call_id in ({marks}) order by call_id, id""")


def sources_by_call(db: sqlite_utils.Database, call_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    by_call = _rows_by_call(db, call_ids, """
        select cp.call_id, coalesce(p.source, cp.source) as source, cp.url,
               coalesce(cp.role, 'describes') as role, cp.vanished_run is not null as vanished
        from call_pages cp left join pages p on p.url = cp.url
        where cp.call_id in ({marks})
        order by cp.call_id, role, source, cp.url""")
    for rows in by_call.values():
        for row in rows:
            row["vanished"] = bool(row["vanished"])
    return by_call


def _rows_by_call(db: sqlite_utils.Database, call_ids: list[str], sql: str) -> dict[str, list[dict[str, Any]]]:
    """The rows of `sql` (selecting `call_id` first, `{marks}` standing for the ids) grouped by call,
    read in chunks that stay under SQLite's bound-parameter limit."""
    result: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(call_ids), 500):
        chunk = call_ids[start:start + 500]
        for row in db.query(sql.format(marks=", ".join("?" for _ in chunk)), chunk):
            result[row.pop("call_id")].append(row)
    return result


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    call = dict(row)
    for column in CALL_JSON_COLUMNS:
        call[column] = decode_json_list(call[column])
    return call
