"""The changes one run makes to the calls register: a pure function of facts, register and today.

Pages are grouped into opportunities (`pipeline.matching`); each group keeps the id of the call
its pages already describe (a group holding several folds them into the oldest) or gets a new
one; its merged fields update the call and record what moved in the history; pages naming a
call's identifier become its sources; describing pages missing from a run whose source ran fine
have vanished; calls no page described still age (status, next deadline). Planning the same
facts against the register they produced changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from typing import Any

from pipeline.detect.changes import CallEvent, Changes, diff_rows
from pipeline.detect.facts import Facts, Register
from pipeline.detect.fields import call_id_for, dated_fields, deadline_moved, merge_fields
from pipeline.matching import PageFacts, group_pages, normalise_identifier
from pipeline.vocabulary import REGISTER_KINDS, decode_json_list, key_dates

SEEN_COLUMNS = {"last_seen", "last_seen_run"}  # move on every run that sees the call's pages
DESCRIBES = "describes"

Group = list[PageFacts]


def plan_changes(facts: Facts, register: Register, today: date) -> Changes:
    """What run `facts.run_id` changes in `register` as of `today` (neither input is modified)."""
    return _Plan(facts, register, today).changes()


def role_of(link: dict[str, Any]) -> str:
    return link.get("role") or DESCRIBES  # links from before roles existed describe their call


class _Plan:
    """The register being brought up to date, in memory, and the history it records."""

    def __init__(self, facts: Facts, register: Register, today: date) -> None:
        self.facts, self.before, self.today = facts, register, today
        self.run_id = facts.run_id
        self.calls = {call_id: dict(row) for call_id, row in register.calls.items()}
        self.links = {key: dict(row) for key, row in register.links.items()}
        self.events: list[CallEvent] = []
        self.merges: list[tuple[str, str]] = []
        self.folded_into: dict[str, str] = {}
        self.updated = 0

    def changes(self) -> Changes:
        pages = self._with_call_ids(self.facts.pages)
        candidates = [p for p in pages if p.kind in REGISTER_KINDS]
        groups = group_pages(candidates)
        assigned = self._assign_ids(groups)
        for call_id, group in assigned:
            self._save_call(call_id, group)
        self._link_mentions(pages, assigned)
        self._track_vanished_pages()
        self._refresh_statuses(skip={call_id for call_id, _ in assigned})
        new_calls, updated_calls, removed_calls = diff_rows(self.before.calls, self.calls)
        new_links, updated_links, removed_links = diff_rows(self.before.links, self.links)
        return Changes(
            run_id=self.run_id, at=self.facts.read_at, register=Register(self.calls, self.links),
            new_calls=new_calls, updated_calls=updated_calls, removed_calls=removed_calls,
            merges=self.merges, new_links=new_links, updated_links=updated_links,
            removed_links=removed_links, events=self.events,
            pages=len(candidates), calls=len(groups), updated=self.updated,
        )

    def _with_call_ids(self, pages: list[PageFacts]) -> list[PageFacts]:
        """Each page with the calls it describes in the register (links are sticky: ids stay stable)."""
        describes: dict[str, list[str]] = defaultdict(list)
        for (call_id, url), link in sorted(self.links.items()):
            if role_of(link) == DESCRIBES:
                describes[url].append(call_id)
        return [p if p.call_ids == describes.get(p.url, []) else replace(p, call_ids=describes.get(p.url, []))
                for p in pages]

    def _event(self, call_id: str, field: str, old: str | None, new: str | None) -> None:
        self.events.append(CallEvent(call_id, field, old, new))

    # --- ids -------------------------------------------------------------------------------
    def _assign_ids(self, groups: list[Group]) -> list[tuple[str, Group]]:
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
                    self._fold(other, into=keep)
            else:
                keep = _new_id(call_id_for(group), taken)
            taken.add(keep)
            assigned.append((keep, group))
        return assigned

    def _fold(self, absorbed: str, into: str) -> None:
        """Fold a call found to be a duplicate into the older one, keeping its links and history."""
        for key in [key for key in self.links if key[0] == absorbed]:
            link = self.links.pop(key)
            if (into, key[1]) not in self.links:  # a page both describe keeps the older call's link
                self.links[(into, key[1])] = {**link, "call_id": into}
        old, keep = self.calls.pop(absorbed), self.calls[into]
        for column in ("first_seen_run", "first_seen"):
            values = [v for v in (old[column], keep[column]) if v is not None]
            keep[column] = min(values) if values else None
        self.merges.append((absorbed, into))
        self.folded_into[absorbed] = into
        self._event(into, "merged", absorbed, into)

    # --- calls -----------------------------------------------------------------------------
    def _save_call(self, call_id: str, group: Group) -> None:
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
            row.update(id=call_id, first_seen_run=self.run_id, first_seen=row.get("last_seen") or self.facts.read_at)
            self.calls[call_id] = row
        else:
            self._record_changes(old, row)
            changed = {k: v for k, v in row.items() if old.get(k) != v}
            old.update(changed)
            if set(changed) - SEEN_COLUMNS:  # seen again is not a change anyone is told about
                self.updated += 1
        for page in group:
            self._link(call_id, page, role=DESCRIBES)
            # A page describes one call: drop a link left by a split (or moved there by a fold).
            for other in {self.folded_into.get(c, c) for c in page.call_ids} - {call_id}:
                link = self.links.get((other, page.url))
                if link is not None and role_of(link) == DESCRIBES:
                    del self.links[(other, page.url)]

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

    def _refresh_statuses(self, skip: set[str]) -> None:
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
                old.update(new)

    # --- links -----------------------------------------------------------------------------
    def _link(self, call_id: str, page: PageFacts, role: str) -> None:
        existing = self.links.get((call_id, page.url))
        if existing is None:
            self.links[(call_id, page.url)] = {
                "call_id": call_id, "url": page.url, "source": page.source, "role": role,
                "first_seen_run": self.run_id, "last_seen_run": page.last_seen_run, "vanished_run": None,
            }
            if self.calls[call_id]["first_seen_run"] != self.run_id:
                self._event(call_id, "source_added", None, page.url)
            return
        existing.update(
            role=DESCRIBES if DESCRIBES in (role, role_of(existing)) else role,
            source=page.source,
            last_seen_run=page.last_seen_run,
        )

    def _link_mentions(self, pages: list[PageFacts], assigned: list[tuple[str, Group]]) -> None:
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
        for page in pages:
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

    def _track_vanished_pages(self) -> None:
        """A page describing a call, missing from a run in which its source ran fine, has vanished.

        Pages that only mention a call (news roundups) leave listings as they age: not a change.
        A page the revisit policy did not ask for tonight is not missing: only a page asked for
        and not obtained is.
        """
        for (call_id, url), link in self.links.items():
            sighting = self.facts.sightings.get(url)
            if role_of(link) != DESCRIBES or sighting is None or sighting.source not in self.facts.sources_ok:
                continue
            seen_now = (sighting.last_seen_run or 0) >= self.run_id
            if link["vanished_run"] is None and not seen_now and not sighting.not_asked:
                link["vanished_run"] = self.run_id
                self._event(call_id, "page_vanished", url, None)
            elif link["vanished_run"] is not None and seen_now:
                link["vanished_run"] = None
                self._event(call_id, "page_returned", None, url)


def _new_id(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 1
    while candidate in taken:  # an unclaimed old call with this id is reused: same opportunity
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def _dumps(value: list) -> str:
    return json.dumps(value, ensure_ascii=False)
