"""The SQLite schema, created in code and changed only by appending migrations.

Migrations are applied in list order and recorded by name in `_migrations`, so an existing
database is brought up to date on open and a new migration never renumbers an old one.
These table and column names are the documented schema analysts rely on.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def _m001_core(db: sqlite_utils.Database) -> None:
    db["pages"].create(
        {
            "url": str,
            "source": str,
            "title": str,
            "text": str,
            "published": str,
            "lang": str,
            "canonical_url": str,
            "content_hash": str,
            "body_hash": str,  # of the raw HTML: an unchanged body is not re-extracted
            "meta": str,  # JSON: structured fields from API sources (identifier, dates, funders)
            "first_seen": str,
            "last_seen": str,
            "fetched_at": str,
            "first_seen_run": int,
            "last_seen_run": int,
        },
        pk="url",
    )
    db["pages"].create_index(["source"])
    db["page_versions"].create(
        {
            "id": int,
            "url": str,
            "content_hash": str,
            "fetched_at": str,
            "run_id": int,
            "title": str,
            "text": str,
        },
        pk="id",
    )
    db["page_versions"].create_index(["url"])
    db["runs"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | ok | partial | failed
            "sources_ok": int,
            "sources_failed": int,
            "sources_empty": int,
            "pages_seen": int,
            "pages_new": int,
            "pages_changed": int,
            "error": str,
        },
        pk="id",
    )
    db["source_runs"].create(
        {
            "run_id": int,
            "source": str,
            "status": str,  # ok | failed | empty
            "pages_seen": int,
            "pages_new": int,
            "pages_changed": int,
            "error": str,
            "started_at": str,
            "finished_at": str,
        },
        pk=("run_id", "source"),
    )


def _m002_extractions(db: sqlite_utils.Database) -> None:
    db["extractions"].create(
        {
            "url": str,
            "content_hash": str,  # of the page text this extraction was computed from
            "pipeline_version": str,
            "extracted_at": str,
            "lang": str,
            "kind": str,
            "call_status": str,
            "deadline": str,
            "opening": str,
            "events": str,  # JSON list of ISO dates
            "funders": str,  # JSON list of {"name", "text"}
            "topics": str,  # JSON list of taxonomy keys
            "amounts": str,  # JSON list of {"value", "currency"}
            "identifiers": str,  # JSON list of official call/topic identifiers found in the text
        },
        pk="url",
    )
    db["extractions"].create_index(["kind"])


def _m003_calls(db: sqlite_utils.Database) -> None:
    db["calls"].create(
        {
            "id": str,
            "title": str,
            "kind": str,
            "url": str,
            "deadline": str,
            "opening": str,
            "status": str,
            "funders": str,
            "topics": str,
            "amounts": str,
            "identifier": str,
            "cutoffs": str,  # JSON list of all known closing dates
            "description": str,
            "first_seen_run": int,
            "last_seen_run": int,
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
    )
    db["calls"].create_index(["identifier"])
    db["calls"].create_index(["deadline"])
    db["call_pages"].create(
        {
            "call_id": str,
            "url": str,
            "source": str,
            "first_seen_run": int,
            "last_seen_run": int,
            "vanished_run": int,
        },
        pk=("call_id", "url"),
    )
    db["call_pages"].create_index(["url"])
    db["call_events"].create(
        {
            "id": int,
            "call_id": str,
            "run_id": int,
            "field": str,
            "old_value": str,
            "new_value": str,
            "at": str,
        },
        pk="id",
    )
    db["call_events"].create_index(["call_id"])


def _m_digest_outbox(db: sqlite_utils.Database) -> None:
    """Digest runs, the per-recipient outbox (exactly-once delivery) and the scheduler's job log."""
    db["digests"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "run_id": int,  # the crawl run this digest followed (its source health is reported)
            "since_run": int,  # items from runs after this one were collected
            "until_run": int,  # ...up to this one; the next digest starts here
            "status": str,  # running | ok | partial | failed | empty
            "recipients_sent": int,
            "recipients_failed": int,
            "recipients_skipped": int,
            "items_sent": int,
            "error": str,
        },
        pk="id",
    )
    db["outbox"].create(
        {
            "id": int,
            "recipient": str,  # lower-cased email address
            "item_key": str,  # e.g. new:<call_id>, deadline:<call_id>:<event_id>, health:<run>:<source>
            "section": str,  # new | changed | closing | opening | partner | health
            "call_id": str,
            "payload": str,  # JSON: what the item says beyond the call's current row
            "created_at": str,
            "digest_id": int,  # the digest that queued it
            "status": str,  # pending | sent | expired
            "attempts": int,
            "last_error": str,
            "sent_at": str,
            "sent_digest_id": int,
            "message_id": str,
        },
        pk="id",
    )
    db["outbox"].create_index(["recipient", "item_key"], unique=True)
    db["outbox"].create_index(["recipient", "status"])
    db["scheduler_runs"].create(
        {
            "id": int,
            "job_id": str,
            "scheduled_for": str,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | ok | failed | skipped (already running) | missed
            "error": str,
            "result": str,  # JSON summary returned by the job
            "pid": int,
        },
        pk="id",
    )


def _m_calls_register(db: sqlite_utils.Database) -> None:
    """Calls register: event dates on calls, link roles, when detect ran, FTS, analyst views."""
    from pipeline.search import enable_search
    from pipeline.views import create_views

    db["calls"].add_column("events", str)  # JSON list of event dates (info days, the event itself)
    db["call_pages"].add_column("role", str)  # describes | mentions
    db["runs"].add_column("detected_at", str)  # set when detect finished: `calls --new` uses it
    enable_search(db)
    create_views(db)


def _m_fts_reindex_on_text_only(db: sqlite_utils.Database) -> None:
    """FTS update triggers fire only when indexed text changes, not on every last_seen touch."""
    from pipeline.search import reindex_only_on_text_changes

    reindex_only_on_text_changes(db)


def _m_revisit_policy(db: sqlite_utils.Database) -> None:
    """What the revisit policy (pipeline/revisit.py) remembers per page, and what each source's
    run asked for: pages named by its listing, due, fetched, and skipped as not due."""
    db["page_revisits"].create(
        {
            "url": str,  # as the listing, feed or sitemap links to it
            "page_url": str,  # the `pages` row it was stored as (after redirects); null until stored
            "source": str,
            "entry": str,  # digest of its listing entry / feed item / sitemap lastmod as last seen
            "listed_run": int,  # the last run whose listing named it
            "listed_depth": int,  # on which listing page (1 = the first) it was named then
            "checked_run": int,  # the last run that asked for it
            "checked_on": str,  # ISO date of that run
            "due_reason": str,  # why that run asked for it (new, live, interval, ...)
            "outcome": str,  # what it found: new | changed | unchanged | failed
            "interval_days": int,  # asked for again this many days after checked_on, unless due sooner
        },
        pk="url",
        if_not_exists=True,
    )
    db["page_revisits"].create_index(["source"], if_not_exists=True)
    db["page_revisits"].create_index(["page_url"], if_not_exists=True)
    columns = db["source_runs"].columns_dict
    for column in ("pages_listed", "pages_due", "pages_fetched", "pages_skipped"):
        if column not in columns:
            db["source_runs"].add_column(column, int)


# Append new migrations at the end; never reorder or rename existing ones.
MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_core", _m001_core),
    ("002_extractions", _m002_extractions),
    ("003_calls", _m003_calls),
    ("digest_outbox_scheduler", _m_digest_outbox),
    ("calls_register", _m_calls_register),
    ("fts_reindex_on_text_only", _m_fts_reindex_on_text_only),
    ("revisit_policy", _m_revisit_policy),
]


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration not yet recorded; return the names applied."""
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
    done = {row["name"] for row in db["_migrations"].rows}
    applied = []
    for name, migrate in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            migrate(db)
            db["_migrations"].insert({"name": name, "applied_at": _now()})
        applied.append(name)
    return applied


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
