"""The job: crawl -> extract -> detect -> digest, as one recorded run.

Each stage reads what the previous one stored, so a failure in a later stage never loses what
an earlier one found: pages are in SQLite before extraction starts, and the run row records
the error.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

from crawlers.crawl import run_crawl
from crawlers.sources import load_sources
from pipeline.analyse import analyse_pending_pages
from pipeline.lock import run_lock
from pipeline.store import finish_run, open_db, start_run

log = logging.getLogger(__name__)

EventCallback = Callable[[dict[str, Any]], None]


def run_job(
    db_path: str | os.PathLike,
    sources_path: str | os.PathLike | None = None,
    only: Sequence[str] = (),
    crawl_settings: dict[str, Any] | None = None,
    on_event: EventCallback | None = None,
    lock_wait: float = 0.0,
) -> dict[str, Any]:
    """Run the whole job once; return the finished `runs` row plus per-source rows."""
    emit = on_event or (lambda event: None)
    load_sources(sources_path)  # a broken sources file fails before anything is written
    with run_lock(db_path, wait=lock_wait):
        db = open_db(db_path)
        run_id = start_run(db)
        emit({"event": "run", "run_id": run_id})
        error = None
        try:
            run_crawl(db_path, run_id, sources_path, only, crawl_settings, on_progress=emit)
            emit({"event": "stage", "stage": "extract"})
            extracted = analyse_pending_pages(db, on_progress=lambda n: emit({"event": "extracted", "count": n}))
            emit({"event": "stage", "stage": "extract-done", "count": extracted})
        except Exception as exc:  # record any stage failure on the run, then re-raise
            error = f"{type(exc).__name__}: {exc}"
            log.exception("run %s failed", run_id)
            raise
        finally:
            summary = finish_run(db, run_id, error=error)
            summary["sources"] = list(db.query(
                "select source, status, pages_seen, pages_new, pages_changed, error "
                "from source_runs where run_id = ? order by source", [run_id]))
            db.close()
    return summary
