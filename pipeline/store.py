"""Open the SQLite store and save what the crawl found: pages, their versions, runs.

Every write happens in a transaction; the database runs in WAL mode so analysts can read
while a crawl writes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from pipeline.errors import StoreError
from pipeline.schema import migrate, pending_steps

log = logging.getLogger(__name__)

DEFAULT_DB = "callwatch.db"


def resolve_db_path(path: str | os.PathLike | None, configured: str | os.PathLike | None = None) -> Path:
    """The DB path: an explicit option, else $CALLWATCH_DB, else the config file's `db`, else
    ./callwatch.db (one order for every command and the scheduler)."""
    return Path(path or os.environ.get("CALLWATCH_DB") or configured or DEFAULT_DB)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_db(path: str | os.PathLike, *, create: bool = True, write: bool = True) -> sqlite_utils.Database:
    """Open the store at `path` in WAL mode, with its schema up to date and its views current.

    `create=False` refuses a store that does not exist (every command that only reads one: a
    typo in a path must not silently give an empty store). `write=False` accepts a read-only or
    immutable file as long as its schema is current; otherwise a store callwatch cannot write
    is refused up front, in one line naming the file.
    """
    path = Path(path)
    if not create and not path.exists():
        raise StoreError(f"no database at {path}: run `callwatch run` first, or check --db, "
                         "$CALLWATCH_DB and the config's `db`")
    writable = _writable(path)
    if write and not writable:
        raise StoreError(_read_only_message(path))
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA busy_timeout=30000")
        if writable:
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL, not the default FULL: in WAL mode a commit then writes the WAL without an
            # fsync (the WAL is synced at checkpoints). A power cut may lose the last commits, never
            # corrupt the database; a crash of the process loses nothing. FULL cost one fsync per
            # saved page, a fifth of a whole crawl's time.
            db.execute("PRAGMA synchronous=NORMAL")
            migrate(db)
        elif pending_steps(db):
            db.close()
            raise StoreError(f"{_read_only_message(path)}, and its schema is older than this callwatch: "
                             "make it writable once so it can be upgraded")
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open the database {path}: {exc}{_directory_hint(path)}") from exc
    return db


def _writable(path: Path) -> bool:
    """Whether SQLite can write here: the file, and its directory (for the -wal and -shm files).

    os.access also answers False for a root-owned process on an immutable (chattr +i) file.
    """
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    parent = next((p for p in path.parents if p.exists()), Path("."))
    return os.access(parent, os.W_OK)


def _read_only_message(path: Path) -> str:
    if path.exists() and not os.access(path, os.W_OK):
        return f"the database {path} is read-only (file permissions, an immutable file or a read-only mount)"
    return f"the database {path} is in a directory callwatch cannot write to (SQLite needs its -wal and -shm files)"


def _directory_hint(path: Path) -> str:
    if path.parent.exists() and not os.access(path.parent, os.W_OK):
        return f" (the directory {path.parent} is read-only)"
    return ""


def hash_content(title: str | None, text: str | None) -> str:
    return hashlib.sha256(f"{title or ''}\n{text or ''}".encode()).hexdigest()


def save_page(db: sqlite_utils.Database, page: dict[str, Any], run_id: int) -> str:
    """Upsert one crawled page; return 'new', 'changed' or 'unchanged'.

    A `page_versions` row is written for the first fetch and for every content change, so the
    text that was there on any night can be recovered.
    """
    now = page.get("fetched_at") or now_iso()
    digest = hash_content(page.get("title"), page.get("text"))
    meta = page.get("meta")
    row = {
        "url": page["url"],
        "source": page["source"],
        "title": page.get("title"),
        "text": page.get("text"),
        "published": page.get("published"),
        "lang": page.get("lang"),
        "canonical_url": page.get("canonical_url"),
        "content_hash": digest,
        "body_hash": page.get("body_hash"),
        "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True) if meta is not None else None,
        "parent_url": page.get("parent_url"),  # a call document: the article linking to it
        "fetched_at": now,
        "last_seen": now,
        "last_seen_run": run_id,
    }
    with db.conn:
        # Take the write lock before reading: a read left open and then turned into a write fails
        # at once ("database is locked", no busy wait) when another connection (the job's
        # extraction thread) committed in between.
        db.execute("begin immediate")
        existing = db.execute(
            "select content_hash from pages where url = ?", [page["url"]]
        ).fetchone()
        if existing is None:
            outcome = "new"
            db["pages"].insert({**row, "first_seen": now, "first_seen_run": run_id})
        else:
            outcome = "unchanged" if existing[0] == digest else "changed"
            db["pages"].update(page["url"], row)
        if outcome != "unchanged":
            db["page_versions"].insert(
                {
                    "url": page["url"],
                    "content_hash": digest,
                    "fetched_at": now,
                    "run_id": run_id,
                    "title": page.get("title"),
                    "text": page.get("text"),
                }
            )
    return outcome


def touch_page(db: sqlite_utils.Database, url: str, source: str, run_id: int) -> None:
    """Record that an unchanged page was seen again in this run."""
    now = now_iso()
    with db.conn:
        db.execute(
            "update pages set last_seen = ?, fetched_at = ?, last_seen_run = ?, source = ? where url = ?",
            [now, now, run_id, source, url],
        )


INTERRUPTED = "interrupted: the process stopped before the run finished"


def close_interrupted_runs(db: sqlite_utils.Database) -> int:
    """Record runs (and their sources) left 'running' as failed; return how many runs.

    Only call this while holding the run lock: then no live process owns a 'running' row, so
    such a row was left by a run killed mid-way (a crash, kill -9, power loss), and leaving it
    'running' would make a dead run look as if it were still going or had never failed.
    """
    now = now_iso()
    with db.conn:
        stale = [row[0] for row in db.execute("select id from runs where status = 'running'")]
        if not stale:
            return 0
        marks = ", ".join("?" for _ in stale)
        db.execute(
            f"update source_runs set status = 'failed', error = ?, finished_at = ? "
            f"where status = 'running' and run_id in ({marks})",
            [INTERRUPTED, now, *stale],
        )
        db.execute(
            f"update runs set status = 'failed', error = ?, finished_at = ? where id in ({marks})",
            [INTERRUPTED, now, *stale],
        )
    log.warning("%d interrupted run(s) recorded as failed: %s", len(stale), ", ".join(map(str, stale)))
    return len(stale)


def start_run(db: sqlite_utils.Database) -> int:
    with db.conn:
        return db["runs"].insert({"started_at": now_iso(), "status": "running"}).last_pk


def save_source_run(db: sqlite_utils.Database, run_id: int, source: str, **fields: Any) -> None:
    """Create or update the row of one source in one run."""
    with db.conn:
        db["source_runs"].upsert({"run_id": run_id, "source": source, **fields}, pk=("run_id", "source"))


def finish_run(db: sqlite_utils.Database, run_id: int, error: str | None = None) -> dict[str, Any]:
    """Close a run: totals from its source rows; status ok, partial (some sources failed) or failed."""
    totals = db.execute(
        """select
             coalesce(sum(status = 'ok'), 0), coalesce(sum(status = 'failed'), 0),
             coalesce(sum(status = 'empty'), 0), coalesce(sum(pages_seen), 0),
             coalesce(sum(pages_new), 0), coalesce(sum(pages_changed), 0)
           from source_runs where run_id = ?""",
        [run_id],
    ).fetchone()
    ok, failed, empty, seen, new, changed = totals
    if error or (ok == 0 and (failed or empty)) or (ok + failed + empty == 0):
        status = "failed"
    elif failed or empty:
        status = "partial"
    else:
        status = "ok"
    row = {
        "finished_at": now_iso(),
        "status": status,
        "sources_ok": ok,
        "sources_failed": failed,
        "sources_empty": empty,
        "pages_seen": seen,
        "pages_new": new,
        "pages_changed": changed,
        "error": error,
    }
    with db.conn:
        db["runs"].update(run_id, row)
    return {"id": run_id, **row}
