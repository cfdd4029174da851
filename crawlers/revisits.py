"""One source's revisit decisions during one run, for the listing, feed and sitemap spiders.

The spider tells it what its listing (feed, sitemap) names and gets back whether to ask for each
article; it tells the spider when paging through the listing can stop; once the listing is read
it hands out the known pages that are due without being listed (open calls further down the
archive, pages whose interval is up, pages that just left the listing). When the source closes
it records in `page_revisits` what was listed, asked for and found, and gives the counts for
`source_runs`. The decisions themselves are `pipeline.revisit.decide`.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable
from datetime import date

import sqlite_utils

from pipeline.revisit import (
    ENTRY_CHANGED,
    LISTING_REASONS,
    NEW,
    POLICY,
    RevisitPolicy,
    Sighting,
    Visit,
    Walk,
    decide,
    next_interval,
)
from pipeline.revisit_store import KnownPages, VisitRecord, load_known_pages, save_visits
from pipeline.store import open_db

log = logging.getLogger(__name__)

FOUND = ("new", "changed", "unchanged")


class SourceVisits:
    def __init__(self, source: str, known: KnownPages, run_id: int, today: date, full: bool,
                 policy: RevisitPolicy = POLICY) -> None:
        self.source, self.known, self.run_id, self.today, self.full, self.policy = (
            source, known, run_id, today, full, policy)
        self.records: dict[str, VisitRecord] = {}
        self.decisions: dict[str, Visit] = {}
        self.walks_expected = 0
        self.walks: list[int] = []  # per listing walk: the depth read through completely
        self.walk_failed = False  # a listing, feed or sitemap page could not be read
        self.leftovers_taken = False
        self.fetched = 0

    @classmethod
    def load(cls, db_path: str | os.PathLike, source: str, run_id: int, today: date, full: bool) -> SourceVisits:
        db = open_db(db_path)
        try:
            known = load_known_pages(db, source)
        finally:
            db.close()
        return cls(source, known, run_id, today, full)

    # --- while the listing is read -------------------------------------------------------------
    def listed(self, url: str, entry: str | None, depth: int = 1) -> bool:
        """The listing named `url` (its entry digest `entry`, on listing page `depth`): whether to
        ask for it now (only once per run)."""
        record = self._record(url)
        if record.listed_depth is None:
            record.listed_depth, record.entry = depth, entry
        if url in self.decisions:
            return False
        visit = decide(self.known.pages.get(url), self.today, Sighting(entry, depth), full=self.full,
                       policy=self.policy)
        self.decisions[url] = visit
        if visit.due:
            record.due_reason = visit.reason
        return visit.due

    def news(self, urls: list[str]) -> set[str]:
        """What a listing page showed that only a listing shows (LISTING_REASONS: new articles,
        changed entries); a full run reads every listing page."""
        found = {self.decisions[url].reason for url in urls if url in self.decisions}
        return {NEW} if self.full else found & LISTING_REASONS

    def expect_walks(self, count: int) -> None:
        self.walks_expected += count

    def walk_done(self, depth: int, complete: bool, shifted: bool = False) -> None:
        """One listing walk ended at listing page `depth`: at its natural end (`complete`), or
        because paging stopped there. If new articles came in above (`shifted`), an entry last
        seen on that page may have been pushed on to the next one, which was not read."""
        self.walks.append(depth - 1 if shifted and not complete else depth)

    def walk(self) -> Walk | None:
        """How much of the listing this run read, when every walk finished without error and
        named some article (a listing naming none is broken, not emptied)."""
        listed_any = any(record.listed_depth is not None for record in self.records.values())
        if self.walk_failed or not listed_any or len(self.walks) < self.walks_expected:
            return None
        return Walk(covered_depth=min(self.walks), previous_run=self.known.previous_listing_run)

    # --- once the listing is read ----------------------------------------------------------------
    def take_leftovers(self, wanted: Callable[[str], bool]) -> list[str]:
        """Known pages the listing did not name that are due now (once per run)."""
        if self.leftovers_taken:
            return []
        self.leftovers_taken = True
        walk = self.walk()
        due = []
        for url, page in self.known.pages.items():
            if url in self.decisions or not wanted(url):
                continue
            visit = decide(page, self.today, None, walk, full=self.full, policy=self.policy)
            self.decisions[url] = visit
            if visit.due:
                self._record(url).due_reason = visit.reason
                due.append(url)
        return due

    # --- what the requests found -----------------------------------------------------------------
    def arrived(self) -> None:
        self.fetched += 1

    def stored(self, url: str, page_url: str, outcome: str) -> None:
        """A page this run asked for was stored as `page_url` (call documents are not asked for
        by the policy: they come with their article)."""
        record = self.records.get(url)
        if record is not None and record.due_reason:
            record.page_url, record.outcome = page_url, outcome

    def failed(self, url: str) -> None:
        if url in self.records and self.records[url].due_reason:
            self.records[url].outcome = "failed"

    # --- at the end ----------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        asked = {url for url, record in self.records.items() if record.due_reason}
        return {
            "pages_listed": sum(1 for record in self.records.values() if record.listed_depth is not None),
            "pages_due": len(asked),
            "pages_fetched": self.fetched,
            "pages_skipped": sum(1 for url in self.known.pages if url not in asked),
        }

    def save(self, db: sqlite_utils.Database) -> None:
        """Record this run's listings, requests and outcomes; the intervals follow the outcomes."""
        for url, record in self.records.items():
            page = self.known.pages.get(url)
            if not record.due_reason:
                continue
            outcome = record.outcome if record.outcome in FOUND else "failed"
            record.outcome = outcome
            record.interval_days = next_interval(url, page.interval_days if page else None, outcome,
                                                 stored_before=bool(page and page.stored), policy=self.policy,
                                                 full=self.full)
            if record.due_reason == ENTRY_CHANGED and outcome == "failed" and page is not None:
                record.entry = page.entry  # not read yet: the change must still show next run
        save_visits(db, self.source, self.run_id, self.today, self.records.values())
        reasons = Counter(r.due_reason for r in self.records.values() if r.due_reason)
        log.info("%s: asked for %s", self.source, ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
                 or "nothing")

    def _record(self, url: str) -> VisitRecord:
        record = self.records.get(url)
        if record is None:
            record = self.records[url] = VisitRecord(url, page_url=self.known.page_urls.get(url))
        return record
