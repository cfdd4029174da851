"""Maintain the calls register from stored pages: new calls, changes, duplicates, vanished pages.

Input is the store only: `pages` (with `meta` from API sources) joined with `extractions`.
Output: `calls` (one row per opportunity, stable ids), `call_pages` (every page that describes
or mentions a call) and `call_events` (the history). Running detect again on the same data
changes nothing and records nothing; a call is new only in the run whose detect created it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import sqlite_utils

from pipeline.call_documents import complete_with_documents
from pipeline.matching import (
    PageFacts,
    group_pages,
    normalise_identifier,
    normalise_name,
    primary_identifier,
)
from pipeline.store import now_iso
from pipeline.vocabulary import (
    REGISTER_KINDS,
    decode_json_list,
    derive_status,
    key_dates,
    next_deadline,
    today_in_stockholm,
)

log = logging.getLogger(__name__)

DESCRIPTION_CHARS = 600
SEEN_COLUMNS = {"last_seen", "last_seen_run"}  # move on every run that sees the call's pages


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


def detect_calls(db: sqlite_utils.Database, run_id: int, today: date | None = None) -> DetectSummary:
    """Bring the calls register up to date with what run `run_id` stored; all or nothing."""
    today = today or today_in_stockholm()
    summary = DetectSummary(run_id=run_id)
    # db.atomic(), not `with db.conn:`: sqlite-utils 4 commits each write made outside an explicit
    # transaction, so only BEGIN ... COMMIT makes the run all or nothing (and fast).
    with db.atomic():
        facts = load_page_facts(db)
        candidates = [f for f in facts if f.kind in REGISTER_KINDS]
        groups = group_pages(candidates)
        summary.pages, summary.calls = len(candidates), len(groups)
        register = _Register(db, run_id, today, summary)
        assigned = register.assign_ids(groups)
        for call_id, group in assigned:
            register.save_call(call_id, group)
        register.link_mentions(facts, assigned)
        register.track_vanished_pages()
        register.refresh_statuses(skip={call_id for call_id, _ in assigned})
        db.execute("update runs set detected_at = ? where id = ?", [register.now, run_id])
    log.info("detect run %s: %s", run_id, summary.as_dict())
    return summary


def load_page_facts(db: sqlite_utils.Database) -> list[PageFacts]:
    """Every page with an extraction or API meta, meta fields taking precedence."""
    links: dict[str, list[str]] = defaultdict(list)
    for call_id, url in db.execute(
        "select call_id, url from call_pages where coalesce(role, 'describes') = 'describes' order by call_id"
    ).fetchall():
        links[url].append(call_id)
    rows = db.query(
        """select p.url, p.source, p.title, p.text, p.meta, p.first_seen_run, p.last_seen_run,
                  p.last_seen, p.parent_url, e.kind, e.call_status, e.deadline, e.opening, e.events,
                  e.funders, e.topics, e.amounts, e.identifiers, e.registration
           from pages p left join extractions e on e.url = p.url
           where p.meta is not null or e.url is not null
           order by p.url"""
    )
    pages: list[PageFacts] = []
    documents: dict[str, list[PageFacts]] = defaultdict(list)  # article URL -> its call documents
    for row in rows:
        facts = _page_facts(row, links.get(row["url"], []))
        (documents[row["parent_url"]] if row["parent_url"] else pages).append(facts)
    return [complete_with_documents(page, documents.get(page.url, ())) for page in pages]


def _page_facts(row: dict[str, Any], call_ids: list[str]) -> PageFacts:
    url = row["url"]
    meta = _meta(row["meta"], url)
    extracted_ids = _list(row, "identifiers")
    meta_id = normalise_identifier(meta.get("identifier"))
    identifier = meta_id or primary_identifier(extracted_ids)
    label = str(meta["identifier"]).strip() if meta_id else next(
        (str(x).strip() for x in extracted_ids if normalise_identifier(x) == identifier), identifier)
    identifiers = sorted({i for i in (normalise_identifier(x) for x in [meta_id, *extracted_ids]) if i})
    deadline = meta.get("deadline") or row["deadline"]
    cutoffs = meta.get("cutoffs") or ([deadline] if deadline else [])
    return PageFacts(
        url=url,
        source=row["source"],
        kind=meta.get("kind") or row["kind"],
        title=meta.get("title") or row["title"],
        text=row["text"],
        identifier=identifier,
        identifier_label=label,
        identifiers=identifiers,
        parent_identifier=normalise_identifier(meta.get("call")),
        parent_label=str(meta["call"]).strip() if meta.get("call") else None,
        parent_title=str(meta["call_title"]).strip() if meta.get("call") and meta.get("call_title") else None,
        opening=meta.get("opening") or row["opening"],
        cutoffs=sorted({str(d)[:10] for d in cutoffs if d}),
        events=sorted({str(d)[:10] for d in _list(row, "events") if d}),
        registration=(row["registration"] or "")[:10] or None,
        call_status=row["call_status"],
        funders=meta.get("funders") or _list(row, "funders"),
        topics=_list(row, "topics"),
        amounts=meta.get("amounts") or _list(row, "amounts"),
        from_api=bool(meta),
        first_seen_run=row["first_seen_run"],
        last_seen_run=row["last_seen_run"],
        last_seen=row["last_seen"],
        call_ids=call_ids,
    )


def _meta(value: str | None, url: str) -> dict[str, Any]:
    """An API page's `meta` object; a malformed value is logged and ignored, never fatal for the run."""
    if value is None or value == "":
        return {}
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        log.warning("ignoring malformed meta JSON of %s", url)
        return {}
    if not isinstance(parsed, dict):
        log.warning("ignoring meta of %s: expected an object", url)
        return {}
    return parsed


def _list(row: dict[str, Any], column: str) -> list[Any]:
    return decode_json_list(row[column], what=f"{column} of {row['url']}")


def merge_fields(group: list[PageFacts]) -> dict[str, Any]:
    """The register fields of one opportunity from its pages (sorted best source first)."""
    best = group[0]
    cutoffs = next((p.cutoffs for p in group if p.cutoffs), [])
    opening = next((p.opening[:10] for p in group if p.opening), None)
    events = sorted({d for p in group for d in p.events})
    funders: dict[str, dict[str, Any]] = {}
    for page in group:
        for funder in page.funders:
            if isinstance(funder, dict) and funder.get("name"):
                funders.setdefault(normalise_name(funder["name"]), funder)
    amounts = {
        (a.get("value"), a.get("currency")): a for p in group for a in p.amounts if isinstance(a, dict)
    }
    text = next((p.text for p in group if p.text), None)
    return {
        "title": next((p.title for p in group if p.title), best.url),
        "kind": best.kind,
        "url": best.url,
        "identifier": next((p.identifier_label or p.identifier for p in group if p.identifier), None),
        # the call a topic (or round) belongs to: a field of each, never a reason to merge them
        "call_identifier": next((p.parent_label for p in group if p.parent_label), None),
        "call_title": next((p.parent_title for p in group if p.parent_label), None),
        "opening": opening,
        "cutoffs": cutoffs,
        "events": events,
        "registration": min((p.registration for p in group if p.registration), default=None),
        "fallback_status": next((p.call_status for p in group if p.call_status), None),
        "funders": list(funders.values()),
        "topics": sorted({t for p in group for t in p.topics if isinstance(t, str)}),
        "amounts": list(amounts.values()),
        "description": " ".join(text.split())[:DESCRIPTION_CHARS] if text else None,
        "last_seen_run": max((p.last_seen_run or 0 for p in group), default=None),
        "last_seen": max((p.last_seen or "" for p in group), default=None) or None,
    }


def dated_fields(kind: str | None, opening: str | None, cutoffs: list[str], events: list[str],
                 fallback_status: str | None, today: date) -> dict[str, Any]:
    """Deadline (next key date) and status as of `today`: an event is open until its date passed."""
    dates = key_dates(kind, cutoffs, events)
    status = derive_status(opening, dates, today) or fallback_status
    return {"deadline": next_deadline(dates, today) if dates else None, "status": status}


def deadline_moved(old: str | None, new: str | None, old_cutoffs: list[str], new_cutoffs: list[str]) -> bool:
    """A different next deadline, unless it only moved on to a cut-off already known (time passed)."""
    if old == new:
        return False
    return not (old and new and old in new_cutoffs and new in old_cutoffs)


def call_id_for(group: list[PageFacts]) -> str:
    """A readable id derived from the identifier, else from the best page's URL."""
    best = group[0]
    prefix = "" if best.kind == "funding-call" else f"{best.kind}-"
    identifier = next((p.identifier for p in group if p.identifier), None)
    if identifier:
        return prefix + re.sub(r"[^a-z0-9]+", "-", identifier.lower()).strip("-")
    return f"{prefix or 'call-'}{hashlib.sha1(best.url.encode()).hexdigest()[:12]}"


class _Register:
    """Writes to calls / call_pages / call_events for one detect run (inside its transaction)."""

    def __init__(self, db: sqlite_utils.Database, run_id: int, today: date, summary: DetectSummary) -> None:
        self.db, self.run_id, self.today, self.summary = db, run_id, today, summary
        self.now = now_iso()
        self.calls = {row["id"]: row for row in db.query("select * from calls")}
        self.links: dict[tuple[str, str], dict[str, Any]] = {}  # (call_id, url) -> role, source, run

    def _load_links(self) -> None:
        self.links = {
            (row["call_id"], row["url"]): row
            for row in self.db.query("select call_id, url, role, source, last_seen_run from call_pages")
        }

    # --- ids -------------------------------------------------------------------------------
    def assign_ids(self, groups: list[list[PageFacts]]) -> list[tuple[str, list[PageFacts]]]:
        """Give each group a call id: the existing call(s) its pages describe, else a new id.

        An existing call claimed by several groups goes to the one holding most of its pages;
        a group holding several existing calls merges them into the oldest.
        """
        claims: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, group in enumerate(groups):
            counts = Counter(c for p in group for c in p.call_ids if c in self.calls)
            for call_id, count in counts.items():
                claims[call_id].append((count, -index))
        won: dict[int, list[str]] = defaultdict(list)
        for call_id, contenders in claims.items():
            won[-max(contenders)[1]].append(call_id)
        taken = set(claims)
        assigned = []
        for index, group in enumerate(groups):
            existing = won.get(index)
            if existing:
                keep = min(existing, key=lambda c: (self.calls[c]["first_seen_run"] or 0, c))
                for other in sorted(set(existing) - {keep}):
                    self._merge(other, into=keep)
            else:
                keep = self._new_id(call_id_for(group), taken)
            taken.add(keep)
            assigned.append((keep, group))
        self._load_links()  # after merges moved links
        return assigned

    def _new_id(self, wanted: str, taken: set[str]) -> str:
        candidate, n = wanted, 1
        while candidate in taken:  # an unclaimed old call with this id is reused: same opportunity
            n += 1
            candidate = f"{wanted}-{n}"
        return candidate

    def _merge(self, absorbed: str, into: str) -> None:
        """Fold a call found to be a duplicate into the older one, keeping links and history."""
        for (url,) in self.db.execute("select url from call_pages where call_id = ?", [absorbed]).fetchall():
            clash = self.db.execute(
                "select 1 from call_pages where call_id = ? and url = ?", [into, url]
            ).fetchone()
            if clash:
                self.db.execute("delete from call_pages where call_id = ? and url = ?", [absorbed, url])
            else:
                self.db.execute(
                    "update call_pages set call_id = ? where call_id = ? and url = ?", [into, absorbed, url]
                )
        self.db.execute("update call_events set call_id = ? where call_id = ?", [into, absorbed])
        old, keep = self.calls.pop(absorbed), self.calls[into]
        for column in ("first_seen_run", "first_seen"):
            values = [v for v in (old[column], keep[column]) if v is not None]
            keep[column] = min(values) if values else None
        self.db.execute(
            "update calls set first_seen_run = ?, first_seen = ? where id = ?",
            [keep["first_seen_run"], keep["first_seen"], into],
        )
        self.db.execute("delete from calls where id = ?", [absorbed])
        self._event(into, "merged", absorbed, into)
        self.summary.merged += 1

    # --- calls -----------------------------------------------------------------------------
    def save_call(self, call_id: str, group: list[PageFacts]) -> None:
        fields = merge_fields(group)
        old = self.calls.get(call_id)
        if old is not None:
            # Sticky dates: a page that stops stating a date has not cancelled it.
            fields["cutoffs"] = fields["cutoffs"] or decode_json_list(old["cutoffs"])
            fields["opening"] = fields["opening"] or old["opening"]
        fallback = fields.pop("fallback_status")
        fields.update(dated_fields(fields["kind"], fields["opening"], fields["cutoffs"],
                                   fields["events"], fallback, self.today))
        row = {key: _dumps(value) if isinstance(value, list) else value for key, value in fields.items()}
        if old is None:
            # First seen when its page was seen in this run (so first_seen <= last_seen).
            row.update(id=call_id, first_seen_run=self.run_id, first_seen=row.get("last_seen") or self.now)
            self.db["calls"].insert(row)
            self.calls[call_id] = row
            self.summary.new += 1
        else:
            self._record_changes(old, row)
            changed = {k: v for k, v in row.items() if old.get(k) != v}
            if changed:
                self._update_call(call_id, changed)
                old.update(changed)
                if set(changed) - SEEN_COLUMNS:  # seen again is not a change anyone is told about
                    self.summary.updated += 1
        for page in group:
            self._link(call_id, page, role="describes")
            if any(other != call_id for other in page.call_ids):
                self.db.execute(  # a page describes one call: drop a stale link left by a split
                    "delete from call_pages where url = ? and call_id != ? "
                    "and coalesce(role, 'describes') = 'describes'",
                    [page.url, call_id],
                )

    def _update_call(self, call_id: str, changed: dict[str, Any]) -> None:
        # Plain SQL: sqlite-utils' update() re-reads the schema on every call, slow for thousands.
        assignments = ", ".join(f"[{column}] = ?" for column in changed)
        self.db.execute(f"update calls set {assignments} where id = ?", [*changed.values(), call_id])

    def _record_changes(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        call_id = old["id"]
        old_dates = key_dates(old["kind"], decode_json_list(old["cutoffs"]), decode_json_list(old.get("events")))
        new_dates = key_dates(new["kind"], decode_json_list(new["cutoffs"]), decode_json_list(new.get("events")))
        if deadline_moved(old["deadline"], new["deadline"], old_dates, new_dates):
            self._event(call_id, "deadline", old["deadline"], new["deadline"])
        if old["opening"] != new["opening"]:
            self._event(call_id, "opening", old["opening"], new["opening"])
        if old["status"] != new["status"]:
            self._event(call_id, "status", old["status"], new["status"])
            self.summary.status_changed += 1

    def refresh_statuses(self, skip: set[str]) -> None:
        """Calls no page described this run still age: re-derive their status and next deadline."""
        for call_id, old in self.calls.items():
            if call_id in skip:
                continue
            new = dated_fields(old["kind"], old["opening"], decode_json_list(old["cutoffs"]),
                               decode_json_list(old.get("events")), old["status"], self.today)
            if new["deadline"] is None:
                new["deadline"] = old["deadline"]
            if new["deadline"] != old["deadline"] or new["status"] != old["status"]:
                self._record_changes(old, {**old, **new})
                self._update_call(call_id, new)
                old.update(new)

    # --- links -----------------------------------------------------------------------------
    def _link(self, call_id: str, page: PageFacts, role: str) -> None:
        existing = self.links.get((call_id, page.url))
        if existing is None:
            self.db.execute(
                "insert into call_pages (call_id, url, source, role, first_seen_run, last_seen_run) "
                "values (?, ?, ?, ?, ?, ?)",
                [call_id, page.url, page.source, role, self.run_id, page.last_seen_run],
            )
            self.links[(call_id, page.url)] = {"role": role, "source": page.source,
                                               "last_seen_run": page.last_seen_run}
            if self.calls[call_id]["first_seen_run"] != self.run_id:
                self._event(call_id, "source_added", None, page.url)
                self.summary.sources_added += 1
            return
        wanted = {
            "role": "describes" if "describes" in (role, existing["role"] or "describes") else role,
            "source": page.source,
            "last_seen_run": page.last_seen_run,
        }
        if any(existing.get(k) != v for k, v in wanted.items()):
            self.db.execute(
                "update call_pages set role = ?, source = ?, last_seen_run = ? where call_id = ? and url = ?",
                [*wanted.values(), call_id, page.url],
            )
            existing.update(wanted)

    def link_mentions(self, facts: list[PageFacts], assigned: list[tuple[str, list[PageFacts]]]) -> None:
        """Any page naming a funding call's identifier is a source for that call; a page naming
        only the parent call of portal topics (HORIZON-X-01 for HORIZON-X-01-02) is one for each."""
        by_identifier = {
            normalise_identifier(row["identifier"]): row["id"]
            for row in sorted(self.calls.values(), key=lambda r: r["first_seen_run"] or 0, reverse=True)
            if row["identifier"] and row["kind"] == "funding-call"
        }
        by_parent: dict[str, set[str]] = defaultdict(set)
        for call_id, group in assigned:
            for page in group:
                if page.parent_identifier and page.kind == "funding-call":
                    by_parent[page.parent_identifier].add(call_id)
        for page in facts:
            for identifier in page.identifiers:
                if identifier in by_identifier:
                    targets = {by_identifier[identifier]}
                elif identifier == page.parent_identifier or any(
                    other.startswith(identifier + "-") for other in page.identifiers
                ):
                    continue  # names its own call, or a topic of it: not every sibling topic
                else:
                    targets = by_parent.get(identifier, set())
                for call_id in sorted(targets):
                    self._link(call_id, page, role="mentions")

    def track_vanished_pages(self) -> None:
        """A page describing a call, missing from a run in which its source ran fine, has vanished.

        Pages that only mention a call (news roundups) leave listings as they age: not a change.
        A page the revisit policy did not ask for tonight (it has `page_revisits` rows, none
        asked for in this run) is not missing: only a page asked for and not obtained is.
        """
        rows = self.db.execute(
            """select cp.call_id, cp.url, cp.vanished_run, p.last_seen_run,
                      (select count(*) from page_revisits v where v.page_url = cp.url),
                      (select max(v.checked_run) from page_revisits v where v.page_url = cp.url)
               from call_pages cp
               join pages p on p.url = cp.url
               join source_runs sr on sr.run_id = ? and sr.source = p.source and sr.status = 'ok'
               where coalesce(cp.role, 'describes') = 'describes'""",
            [self.run_id],
        ).fetchall()
        for call_id, url, vanished_run, last_seen_run, revisited, checked_run in rows:
            seen_now = (last_seen_run or 0) >= self.run_id
            skipped = revisited and (checked_run or 0) < self.run_id
            if vanished_run is None and not seen_now and not skipped:
                self.db.execute("update call_pages set vanished_run = ? where call_id = ? and url = ?",
                                [self.run_id, call_id, url])
                self._event(call_id, "page_vanished", url, None)
                self.summary.pages_vanished += 1
            elif vanished_run is not None and seen_now:
                self.db.execute("update call_pages set vanished_run = null where call_id = ? and url = ?",
                                [call_id, url])
                self._event(call_id, "page_returned", None, url)

    def _event(self, call_id: str, field: str, old: str | None, new: str | None) -> None:
        self.db.execute(
            "insert into call_events (call_id, run_id, field, old_value, new_value, at) values (?, ?, ?, ?, ?, ?)",
            [call_id, self.run_id, field, old, new, self.now],
        )
        self.summary.events += 1


def _dumps(value: list) -> str:
    return json.dumps(value, ensure_ascii=False)
