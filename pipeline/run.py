"""The job: crawl -> extract -> detect -> digest, as one recorded run.

Each stage reads what the previous one stored, so a failure in a later stage never loses what
an earlier one found: pages are in SQLite before extraction starts, extractions before detect,
and the run row records the error. The digest comes after the run is closed (it reports the
finished run's source health) and its failure never fails the run: what was not sent stays
owed in the outbox for the next digest.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from datetime import date
from typing import Any

from crawlers.crawl import run_crawl, select_sources
from crawlers.sources import load_sources
from pipeline.analyse import BackgroundAnalysis, analyse_pending_pages
from pipeline.config import Config
from pipeline.detect import detect_calls
from pipeline.errors import CallwatchError
from pipeline.events import EventCallback, PagesExtracted, RunStarted, StageFinished, StageStarted
from pipeline.lock import run_lock
from pipeline.store import close_interrupted_runs, finish_run, open_db, start_run

log = logging.getLogger(__name__)


def run_job(
    db_path: str | os.PathLike,
    sources_path: str | os.PathLike | None = None,
    only: Sequence[str] = (),
    crawl_settings: dict[str, Any] | None = None,
    on_event: EventCallback | None = None,
    lock_wait: float = 0.0,
    config: Config | None = None,
    today: date | None = None,
    full: bool = False,
) -> dict[str, Any]:
    """Run the whole job once; return the finished `runs` row plus per-source rows.

    With a `config` the digest is sent after the run (to its recipients); without one, no email.
    `today` fixes the date calls' statuses are judged against, and which pages are due (default:
    today in Stockholm). `full` asks every source for every page, whether due or not.
    """
    emit = on_event or (lambda event: None)
    crawl_settings = {**(crawl_settings or {}), "CALLWATCH_FULL": full}
    if today is not None:
        crawl_settings["CALLWATCH_TODAY"] = today.isoformat()
    # A broken sources file or an unknown --only name fails before anything is written.
    select_sources(load_sources(sources_path), only)
    with run_lock(db_path, wait=lock_wait):
        db = open_db(db_path)
        try:
            close_interrupted_runs(db)  # safe under the lock: a 'running' row is a killed run's
            run_id = start_run(db)
            emit(RunStarted(run_id))
            summary = _run_stages(db, db_path, run_id, sources_path, only, crawl_settings, emit, today)
            if config is not None:
                summary["digest"] = _send_digest(db, config, run_id, today, emit)
        finally:
            db.close()
    return summary


def _run_stages(db: Any, db_path: str | os.PathLike, run_id: int, sources_path: str | os.PathLike | None,
                only: Sequence[str], crawl_settings: dict[str, Any] | None, emit: EventCallback,
                today: date | None) -> dict[str, Any]:
    error = None
    detected: dict[str, int] | None = None
    try:
        with BackgroundAnalysis(db_path) as background:  # extraction starts while the crawl stores pages
            run_crawl(db_path, run_id, sources_path, only, crawl_settings, on_progress=emit)
        emit(StageStarted("extract"))
        extracted = background.done + analyse_pending_pages(
            db, on_progress=lambda n: emit(PagesExtracted(background.done + n)))
        emit(StageFinished("extract", {"pages": extracted}))
        emit(StageStarted("detect"))
        detected = detect_calls(db, run_id, today=today).as_dict()
        emit(StageFinished("detect", detected))
    except Exception as exc:  # record any stage failure on the run, then re-raise
        error = f"{type(exc).__name__}: {exc}"
        log.exception("run %s failed", run_id)
        raise
    finally:
        summary = finish_run(db, run_id, error=error)
        summary["sources"] = list(db.query(
            "select source, status, pages_seen, pages_new, pages_changed, pages_listed, pages_due, pages_fetched, "
            "pages_skipped, error "
            "from source_runs where run_id = ? order by source", [run_id]))
    summary["detect"] = detected
    return summary


def _send_digest(db: Any, config: Config, run_id: int, today: date | None, emit: EventCallback) -> dict[str, Any]:
    from pipeline.digest import send_digests  # the digest is the last stage: imported only when used

    emit(StageStarted("digest"))
    try:
        result = send_digests(db, config, run_id, today=today)
    except CallwatchError as exc:
        # The run's findings are stored and owed in the outbox; the next digest carries them.
        log.error("digest after run %s failed: %s", run_id, exc)
        return {"status": "failed", "error": str(exc)}
    outcome = result.as_dict()
    emit(StageFinished("digest", outcome))
    return outcome
