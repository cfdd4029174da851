"""Maintain the calls register from stored pages: new calls, changes, duplicates, vanished pages.

Input is the store only: `pages` (with `meta` from API sources) joined with `extractions`.
Output: `calls` (one row per opportunity, stable ids), `call_pages` (every page that describes
or mentions a call) and `call_events` (the history). Three steps: `facts` reads what the store
says, `plan` turns facts + register + today into `Changes` (pure: no database), `writer` applies
them. Running detect again on the same data changes nothing and records nothing; a call is new
only in the run whose detect created it.
"""

from __future__ import annotations

import logging
from datetime import date

import sqlite_utils

from pipeline.detect.changes import Changes, DetectSummary
from pipeline.detect.facts import read_facts, read_register
from pipeline.detect.plan import plan_changes
from pipeline.detect.writer import write_changes
from pipeline.vocabulary import today_in_stockholm

__all__ = ["Changes", "DetectSummary", "detect_calls", "plan_changes"]

log = logging.getLogger(__name__)


def detect_calls(db: sqlite_utils.Database, run_id: int, today: date | None = None) -> DetectSummary:
    """Bring the calls register up to date with what run `run_id` stored; all or nothing."""
    # db.atomic(), not `with db.conn:`: sqlite-utils 4 commits each write made outside an explicit
    # transaction, so only BEGIN ... COMMIT makes the run all or nothing (and fast). The facts are
    # read inside it too, so what is planned is what is there when it is written.
    with db.atomic():
        changes = plan_changes(read_facts(db, run_id), read_register(db), today or today_in_stockholm())
        write_changes(db, changes)
    summary = changes.summary()
    log.info("detect run %s: %s", run_id, summary.as_dict())
    return summary
