"""The revisit policy's facts, read from the store, and what a run's visits found, written back.

`load_known_pages` gathers per page what `pipeline.revisit.decide` needs: its `page_revisits`
row (when it was last asked for, its interval, its listing entry), whether a version of it is
stored and extracted, and the dates and status of what it describes (its extraction, and the
call it describes in the register, which is fresher). `save_visits` records one source's run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlite_utils

from pipeline.revisit import StoredPage
from pipeline.store import now_iso
from pipeline.vocabulary import OPEN_OR_FORTHCOMING, decode_json_list


@dataclass
class KnownPages:
    """A source's pages as the store knows them, keyed by the URL its listing links to."""

    pages: dict[str, StoredPage] = field(default_factory=dict)
    page_urls: dict[str, str] = field(default_factory=dict)  # listing URL -> stored page URL
    previous_listing_run: int | None = None  # the last run whose listing named any of them


@dataclass
class VisitRecord:
    """What one run learnt about one page: where its listing named it, whether it was asked for."""

    url: str
    page_url: str | None = None
    entry: str | None = None
    listed_depth: int | None = None  # set when the listing named it this run
    due_reason: str | None = None  # set when this run asked for it
    outcome: str | None = None  # new | changed | unchanged | failed, when it was asked for
    interval_days: int | None = None


def load_known_pages(db: sqlite_utils.Database, source: str) -> KnownPages:
    """Every page of `source` the store holds or has asked for, as revisit facts."""
    revisits = {row["url"]: row for row in db.query("select * from page_revisits where source = ?", [source])}
    stored = {row["url"]: row for row in db.query(
        """select p.url, p.fetched_at, e.content_hash = p.content_hash as extracted, e.call_status,
                  e.opening, e.deadline, e.events
           from pages p left join extractions e on e.url = p.url
           where p.source = ? and p.parent_url is null""", [source])}  # call documents come with their article
    calls: dict[str, list[dict[str, Any]]] = {}
    for row in db.query(
        """select cp.url, c.status, c.opening, c.deadline, c.cutoffs, c.events
           from call_pages cp join calls c on c.id = cp.call_id join pages p on p.url = cp.url
           where p.source = ? and coalesce(cp.role, 'describes') = 'describes'""", [source]):
        calls.setdefault(row["url"], []).append(row)

    known = KnownPages()
    for url, row in revisits.items():
        page_url = row["page_url"] or url
        known.pages[url] = _stored_page(url, row, stored.get(page_url), calls.get(page_url, []))
        known.page_urls[url] = page_url
    linked = set(known.page_urls.values())
    for url, page in stored.items():  # stored before this table existed (or by an older version)
        if url not in known.pages and url not in linked:
            known.pages[url] = _stored_page(url, None, page, calls.get(url, []))
            known.page_urls[url] = url
    listed = [row["listed_run"] for row in revisits.values() if row["listed_run"] is not None]
    known.previous_listing_run = max(listed, default=None)
    return known


def _stored_page(url: str, revisit: dict[str, Any] | None, page: dict[str, Any] | None,
                 calls: list[dict[str, Any]]) -> StoredPage:
    revisit = revisit or {}
    page = page or {}
    checked = revisit.get("checked_on") or (page.get("fetched_at") or "")[:10] or None
    deadlines = [page.get("deadline")]
    events = decode_json_list(page.get("events"))
    opening = page.get("opening")
    statuses = [call["status"] for call in calls]
    for call in calls:
        deadlines += [call["deadline"], *decode_json_list(call["cutoffs"])]
        events += decode_json_list(call["events"])
        opening = opening or call["opening"]
    # The register's status is judged with today's date; an extraction's only with the page's.
    fallback = statuses[0] if statuses else page.get("call_status")
    status = next((s for s in statuses if s in OPEN_OR_FORTHCOMING), fallback)
    return StoredPage(
        url=url,
        stored=bool(page),
        last_checked=date.fromisoformat(checked) if checked else None,
        interval_days=revisit.get("interval_days"),
        entry=revisit.get("entry"),
        listed_run=revisit.get("listed_run"),
        listed_depth=revisit.get("listed_depth"),
        checked_run=revisit.get("checked_run"),
        extracted=bool(page.get("extracted")),
        status=status,
        opening=opening,
        deadlines=tuple(str(d) for d in deadlines if d),
        events=tuple(str(d) for d in events if d),
    )


def save_visits(db: sqlite_utils.Database, source: str, run_id: int, today: date,
                records: Iterable[VisitRecord]) -> None:
    """Record one source's run in `page_revisits`, in one transaction: a column this run learnt
    nothing about keeps its value. A stored page its listing named but this run did not ask for
    was seen (`pages.last_seen`, `last_seen_run`: it is still there), not fetched (`fetched_at`
    stays)."""
    records = list(records)
    seen = [(now_iso(), run_id, r.page_url) for r in records
            if r.listed_depth is not None and not r.due_reason and r.page_url]
    rows = [
        {
            "url": r.url,
            "page_url": r.page_url,
            "source": source,
            "listed": r.listed_depth is not None,
            "entry": r.entry,
            "listed_run": run_id if r.listed_depth is not None else None,
            "listed_depth": r.listed_depth,
            "checked_run": run_id if r.due_reason else None,
            "checked_on": today.isoformat() if r.due_reason else None,
            "due_reason": r.due_reason,
            "outcome": r.outcome,
            "interval_days": r.interval_days,
        }
        for r in records
    ]
    with db.atomic():
        db.conn.executemany(
            """insert into page_revisits (url, page_url, source, entry, listed_run, listed_depth, checked_run,
                                          checked_on, due_reason, outcome, interval_days)
               values (:url, :page_url, :source, :entry, :listed_run, :listed_depth, :checked_run, :checked_on,
                       :due_reason, :outcome, :interval_days)
               on conflict (url) do update set
                 page_url = coalesce(excluded.page_url, page_url),
                 source = excluded.source,
                 entry = case when :listed then excluded.entry else entry end,
                 listed_run = coalesce(excluded.listed_run, listed_run),
                 listed_depth = coalesce(excluded.listed_depth, listed_depth),
                 checked_run = coalesce(excluded.checked_run, checked_run),
                 checked_on = coalesce(excluded.checked_on, checked_on),
                 due_reason = coalesce(excluded.due_reason, due_reason),
                 outcome = coalesce(excluded.outcome, outcome),
                 interval_days = coalesce(excluded.interval_days, interval_days)""",
            rows,
        )
        # ... unless its last fetch failed: a dead link in a listing is not a page seen again.
        db.conn.executemany(
            """update pages set last_seen = ?, last_seen_run = ? where url = ?
               and not exists (select 1 from page_revisits v where v.page_url = pages.url and v.outcome = 'failed')""",
            seen,
        )

