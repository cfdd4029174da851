"""What a digest says: items read from the store (calls, call_events, source_runs), and who wants them.

An item has a stable key (`new:<call_id>`, `deadline:<call_id>:<new date>`, `closing:<call_id>:<date>`,
`health:<run>:<source>` …) so the outbox can record it as sent to a recipient exactly once.
New calls, moved deadlines and source health come from the runs after the last digest; "closing
soon" and "opening soon" come from today's date, once per call and date.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from pipeline.config import DigestConfig, Recipient
from pipeline.sources_table import SourceInfo
from pipeline.vocabulary import CALL_JSON_COLUMNS, CLOSED, decode_json_list, status_today

log = logging.getLogger(__name__)

# Sections in the order staff read them; a call shows in the first section it has an item in.
SECTIONS = ("new", "changed", "closing", "opening", "partner", "event", "health")
SIDE_KINDS = {"partner-search": "partner", "event": "event"}
HEALTH_HISTORY = 5  # earlier runs of a source consulted to judge whether it "usually" returns pages


@dataclass
class Item:
    key: str
    section: str
    call_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    call: dict[str, Any] | None = None  # the call's current row, JSON decoded, plus its sources' regions

    @property
    def regions(self) -> set[str]:
        if self.call is not None:
            return set(self.call.get("regions") or ())
        return {self.payload["region"]} if self.payload.get("region") else set()


def load_calls(
    db: sqlite_utils.Database, ids: Iterable[str], sources: Mapping[str, SourceInfo]
) -> dict[str, dict[str, Any]]:
    """Current rows of these calls, JSON decoded, with the sources of their pages (slugs, and
    title and site from the `sources` table), those sources' regions and the main page's language."""
    ids = sorted({i for i in ids if i})
    calls: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.execute_returning_dicts(
            f"select c.*, p.lang as page_lang from calls c left join pages p on p.url = c.url "
            f"where c.id in ({marks})", chunk
        ):
            for key in CALL_JSON_COLUMNS:
                row[key] = decode_json_list(row.get(key))
            row["sources"] = []
            row["source_links"] = []
            row["regions"] = []
            calls[row["id"]] = row
        for call_id, source in db.execute(
            f"select call_id, source from call_pages where call_id in ({marks}) order by source", chunk
        ).fetchall():
            call = calls.get(call_id)
            if call is None or not source or source in call["sources"]:
                continue
            call["sources"].append(source)
            info = sources.get(source) or SourceInfo(slug=source)
            call["source_links"].append({"title": info.label, "url": info.site})
            if info.region and info.region not in call["regions"]:
                call["regions"].append(info.region)
    return calls


def collect_items(
    db: sqlite_utils.Database,
    *,
    since_run: int,
    until_run: int,
    health_run: int | None,
    today: date,
    settings: DigestConfig,
    sources: Mapping[str, SourceInfo],
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
        items.extend(collect_health(db, health_run, sources))
    calls = load_calls(db, (i.call_id for i in items if i.call_id), sources)
    for item in items:
        if item.call_id:
            item.call = calls.get(item.call_id)
    return [i for i in items if i.call_id is None or i.call is not None]


def collect_health(db: sqlite_utils.Database, run_id: int, sources: Mapping[str, SourceInfo]) -> list[Item]:
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
        info = sources.get(source) or SourceInfo(slug=source)
        base = {"source": source, "title": info.title, "run_id": run_id, "run_at": run[1], "region": info.region}
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
        # The crawl's diagnosis (e.g. the `follow` that matched nothing and one that would).
        items.append(Item(f"health:{run_id}:{source}", "health", None,
                          {**base, "problem": "empty", "usual_pages": usual,
                           "error": (row.get("error") or "").strip()[:500]}))
    if run[2] == "failed" and not rows:
        items.append(Item(f"health:{run_id}:*", "health", None,
                          {"source": None, "run_id": run_id, "run_at": run[1], "problem": "run-failed",
                           "error": (run[3] or "")[:500]}))
    return items


def matches(item: Item, recipient: Recipient, health_default: bool) -> bool:
    """Whether this recipient subscribed to this item: every filter given must match (any value)."""
    if item.section == "health":
        return recipient.source_health if recipient.source_health is not None else health_default
    return subscription_reasons(item, recipient) is not None


def subscription_reasons(item: Item, recipient: Recipient) -> list[tuple[str, str]] | None:
    """Why this recipient gets this call: the (filter, value) pairs of their subscription it
    matched, e.g. [("topic", "health-care"), ("region", "skane")]; [] when they filter on
    nothing; None when some filter does not match (every filter given must match)."""
    call = item.call or {}
    reasons: list[tuple[str, str]] = []
    if recipient.kinds:
        kind = call.get("kind") or "funding-call"
        if kind not in recipient.kinds:
            return None
        reasons.append(("kind", kind))
    if recipient.topics:
        topics = [t for t in recipient.topics if t in set(call.get("topics") or ())]
        if not topics:
            return None
        reasons.extend(("topic", t) for t in topics)
    if recipient.funders:
        names = [
            str(v).casefold()
            for f in call.get("funders") or ()
            for v in ((f.get("name"), f.get("text")) if isinstance(f, dict) else (f,))
            if v
        ]
        funders = [w for w in recipient.funders if any(w.casefold() in n for n in names)]
        if not funders:
            return None
        reasons.extend(("funder", f) for f in funders)
    if recipient.regions:
        have = {r.casefold() for r in item.regions}
        regions = [r for r in recipient.regions if r.casefold() in have]
        if not regions:
            return None
        reasons.extend(("region", r) for r in regions)
    return reasons


def is_expired(item: Item, today: date) -> bool:
    """Calls closed today (by the status rule: the last cut-off, or an event's last date, has
    passed) are not news to staff."""
    if item.call is None:
        return item.call_id is not None  # the call left the register (merged into another)
    return status_today(item.call, today) == CLOSED


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
