"""The SQLite schema, created in code and changed only by appending migrations.

Each step is a function registered, in order, on the sqlite-utils 4 `Migrations` set below;
`migrate` applies the steps a store has not had yet, each in its own transaction together with
its record in `_sqlite_migrations`, so an existing store is brought up to date on open and a new
step never renumbers an old one. The analyst views are not a step: `migrate` recreates any view
whose SQL changed on every open, so an edited view reaches existing stores.
These table and column names are the documented schema analysts rely on.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from pipeline.search import enable_search, reindex_only_on_text_changes
from pipeline.views import create_views

# Append new steps at the end of this file; never reorder or rename existing ones (their names
# are what existing stores recorded).
migrations = Migrations("callwatch")

# Before sqlite-utils' Migrations, applied step names were recorded in this table (same names).
LEGACY_RECORD = "_migrations"


@migrations(name="001_core")
def create_core(db: sqlite_utils.Database) -> None:
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


@migrations(name="002_extractions")
def create_extractions(db: sqlite_utils.Database) -> None:
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


@migrations(name="003_calls")
def create_calls(db: sqlite_utils.Database) -> None:
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


@migrations(name="digest_outbox_scheduler")
def create_digest_outbox_scheduler(db: sqlite_utils.Database) -> None:
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


@migrations(name="calls_register")
def add_calls_register(db: sqlite_utils.Database) -> None:
    """Calls register: event dates on calls, link roles, when detect ran, FTS (the analyst views,
    first made here, are now made by `migrate` after every step)."""
    db["calls"].add_column("events", str)  # JSON list of event dates (info days, the event itself)
    db["call_pages"].add_column("role", str)  # describes | mentions
    db["runs"].add_column("detected_at", str)  # set when detect finished: `calls --new` uses it
    enable_search(db)


@migrations(name="fts_reindex_on_text_only")
def reindex_fts_on_text_only(db: sqlite_utils.Database) -> None:
    """FTS update triggers fire only when indexed text changes, not on every last_seen touch."""
    reindex_only_on_text_changes(db)


@migrations(name="page_documents")
def add_page_documents(db: sqlite_utils.Database) -> None:
    """Call documents (PDF, DOCX) are pages too; `parent_url` is the article that links to them."""
    db["pages"].add_column("parent_url", str)
    db["pages"].create_index(["parent_url"])


@migrations(name="sources_and_call_fields")
def add_sources_and_call_fields(db: sqlite_utils.Database) -> None:
    """The sources each run crawled, so later stages (the digest's regions and "found on" titles)
    read them from the store instead of a sources file; and the fields the digest shows besides:
    the call a portal topic or Vinnova round belongs to (number and title), an event's
    registration deadline."""
    db["sources"].create(
        {
            "slug": str,  # the source's name in sources.toml, pages.source and source_runs.source
            "title": str,
            "url": str,  # what the crawl reads: a listing page, a feed, an API endpoint
            "site": str,  # where a person browses the source's calls ("found on" links here)
            "region": str,
            "kind": str,
            "lang": str,
            "run_id": int,  # the run that last crawled it with these settings
        },
        pk="slug",
    )
    db["calls"].add_column("call_identifier", str)  # the call a portal topic / Vinnova round is part of
    db["calls"].add_column("call_title", str)
    db["calls"].add_column("registration", str)  # an event's registration deadline, when stated
    db["extractions"].add_column("registration", str)


@migrations(name="revisit_policy")
def add_revisit_policy(db: sqlite_utils.Database) -> None:
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
    )
    db["page_revisits"].create_index(["source"])
    db["page_revisits"].create_index(["page_url"])
    for column in ("pages_listed", "pages_due", "pages_fetched", "pages_skipped"):
        db["source_runs"].add_column(column, int)


# ---- new steps go above this line -------------------------------------------------------------


def pending_steps(db: sqlite_utils.Database) -> list[str]:
    """Names of the steps this store has not had yet (reads only)."""
    legacy = _legacy_names(db)
    return [m.name for m in migrations.pending(db) if m.name not in legacy]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Bring the store's schema up to date and its views current; return the steps applied.

    Writes nothing when the store is current (a read-only store can then still be read).
    """
    with db.atomic():
        _adopt_legacy_record(db)
    pending = pending_steps(db)
    if pending:
        migrations.apply(db)
    with db.atomic():
        create_views(db)  # replaces only views whose SQL changed
    return pending


def _legacy_names(db: sqlite_utils.Database) -> set[str]:
    if not db[LEGACY_RECORD].exists():
        return set()
    return {row["name"] for row in db[LEGACY_RECORD].rows}


def _adopt_legacy_record(db: sqlite_utils.Database) -> None:
    """Move the steps recorded by the earlier hand-made runner into `_sqlite_migrations`
    (same names, same times), so they are never applied twice; then drop the old table."""
    if not db[LEGACY_RECORD].exists():
        return
    migrations.ensure_migrations_table(db)
    db[migrations.migrations_table].insert_all(
        ({"migration_set": migrations.name, "name": row["name"], "applied_at": row["applied_at"]}
         for row in db[LEGACY_RECORD].rows_where(order_by="rowid")),
        ignore=True,  # (migration_set, name) is unique: a step recorded twice stays one row
    )
    db[LEGACY_RECORD].drop()
