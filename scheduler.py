"""APScheduler wiring for the nightly job: job store, cron trigger, job defaults, listeners.

`callwatch schedule` runs `serve()` in the foreground (systemd-friendly: logs to stderr, clean
shutdown on SIGTERM). The job store is a table (`scheduler_jobs`) in the callwatch SQLite
database, so a restart keeps the schedule and a night missed while the machine was off runs
once on start (coalesce, misfire grace of hours). Each firing is recorded in `scheduler_runs`:
ok, failed (with the error; the next night runs normally), or skipped (already running / locked).

Pitfalls handled (APScheduler 3.11): the default misfire grace is 1 s, so it is set to hours;
adding the job with `replace_existing=True` at every start would silently drop a pending
catch-up run, so the job is added only when absent and rescheduled only when the configured
cron (or time zone) changed; and the main loop looks for due jobs once more after `shutdown()`
has woken it, so the job store stops handing out due jobs before the scheduler shuts down
(`ClosingJobStore`), or a catch-up run due at that moment would be submitted to a stopped
executor and lost.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from apscheduler.events import (
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_SCHEDULER_STARTED,
    JobExecutionEvent,
    JobSubmissionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.util import ref_to_obj, utc_timestamp_to_datetime

from pipeline.config import Config, load_config
from pipeline.config import cron_trigger as make_cron_trigger
from pipeline.lock import LockedError, scheduler_lock
from pipeline.store import now_iso, open_db, resolve_db_path

log = logging.getLogger("callwatch.scheduler")

JOB_ID = "callwatch-nightly"
NIGHTLY_JOB = "scheduler:nightly_job"
JOBS_TABLE = "scheduler_jobs"
LOCK_WAIT_SECONDS = 3600  # the nightly job waits this long for a manual run to finish


# --- the job ---------------------------------------------------------------------------------

def nightly_job(db_path: str, config_path: str | None = None) -> dict[str, Any]:
    """The real job: crawl -> extract -> detect -> digest via pipeline.run.run_job."""
    from pipeline.run import run_job  # imported at run time: the scheduler must start without it

    config = load_config(config_path)
    return run_job(db_path, sources_path=config.sources_path, config=config, lock_wait=LOCK_WAIT_SECONDS)


def run_recorded(job_ref: str, db_path: str, config_path: str | None = None) -> Any:
    """Run `job_ref(db_path=..., config_path=...)` and record its outcome in `scheduler_runs`.

    A crash is recorded as failed and re-raised (APScheduler logs the traceback); the trigger
    is untouched, so the next night runs normally.
    """
    job = ref_to_obj(job_ref)
    row_id = _record(db_path, None, job_id=JOB_ID, started_at=now_iso(), status="running", pid=os.getpid())
    log.info("job %s started (scheduler run %s)", job_ref, row_id)
    try:
        result = job(db_path=db_path, config_path=config_path)
    except LockedError as exc:
        _record(db_path, row_id, finished_at=now_iso(), status="skipped", error=str(exc))
        log.warning("job skipped: %s", exc)
        return None
    except Exception as exc:
        _record(db_path, row_id, finished_at=now_iso(), status="failed", error=f"{type(exc).__name__}: {exc}")
        log.error("job failed: %s: %s", type(exc).__name__, exc)
        raise
    _record(db_path, row_id, finished_at=now_iso(), status="ok",
            result=json.dumps(result, default=str, ensure_ascii=False) if result is not None else None)
    log.info("job finished (scheduler run %s)", row_id)
    return result


def _record(db_path: str, row_id: int | None, **fields: Any) -> int:
    db = open_db(db_path)
    try:
        with db.conn:
            if row_id is None:
                return db["scheduler_runs"].insert(fields).last_pk
            db["scheduler_runs"].update(row_id, fields)
            return row_id
    finally:
        db.close()


# --- the scheduler ---------------------------------------------------------------------------

def cron_trigger(config: Config) -> CronTrigger:
    """The configured cron, with crontab's day-of-week numbering (see pipeline.config.cron_trigger)."""
    return make_cron_trigger(config.schedule.cron, config.schedule.timezone)


class ClosingJobStore(SQLAlchemyJobStore):
    """The SQLite job store, which hands out no due job once the scheduler is shutting down.

    APScheduler 3.11's main loop looks for due jobs once more after `shutdown()` has woken it; a
    job due at that moment (a missed night read by a paused scheduler) would fail to submit to
    the stopped executor while its next run time is advanced anyway: the catch-up run lost.
    """

    closing = False

    def get_due_jobs(self, now: datetime) -> list[Any]:
        return [] if self.closing else super().get_due_jobs(now)

    def shutdown(self) -> None:
        self.closing = True
        super().shutdown()


def build_scheduler(
    config: Config,
    db_path: str | os.PathLike,
    *,
    scheduler_class: type[BaseScheduler] = BlockingScheduler,
    trigger: BaseTrigger | None = None,
    job_ref: str = NIGHTLY_JOB,
) -> BaseScheduler:
    """A scheduler whose SQLite job store holds the nightly job; the job is ensured on start.

    `trigger` and `job_ref` default to the configured cron and the real job; tests pass a short
    interval and a job of their own.
    """
    db_path = str(Path(db_path).resolve())
    open_db(db_path).close()  # migrations first: scheduler_runs must exist before a job runs
    jobstore = ClosingJobStore(
        url=f"sqlite:///{db_path}", tablename=JOBS_TABLE, engine_options={"connect_args": {"timeout": 30}}
    )
    job_defaults = {
        "coalesce": True,  # a backlog of missed nights runs once
        "max_instances": 1,  # never two jobs at once; a firing during a run is skipped
        "misfire_grace_time": int(config.schedule.misfire_grace_hours * 3600),
    }
    scheduler = scheduler_class(
        jobstores={"default": jobstore},
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults=job_defaults,
        timezone=config.schedule.timezone,
    )
    trigger = trigger or cron_trigger(config)
    kwargs = {"job_ref": job_ref, "db_path": db_path,
              "config_path": str(config.path.resolve()) if config.path else None}

    def on_start(event: Any) -> None:
        outcome = ensure_job(scheduler, trigger, kwargs, job_defaults)
        job = scheduler.get_job(JOB_ID)
        log.info("nightly job %s; next run at %s", outcome, job.next_run_time if job else None)

    def on_not_run(event: JobSubmissionEvent | JobExecutionEvent) -> None:
        status = "skipped" if event.code == EVENT_JOB_MAX_INSTANCES else "missed"
        reason = ("the previous run is still going (max_instances=1)" if status == "skipped"
                  else "missed by more than the misfire grace time")
        # a skipped firing comes as a submission event (several run times), a missed one as an
        # execution event (one run time)
        times = event.scheduled_run_times if isinstance(event, JobSubmissionEvent) else [event.scheduled_run_time]
        for when in times:
            log.warning("job run at %s %s: %s", when, status, reason)
            _record(db_path, None, job_id=event.job_id, scheduled_for=when.isoformat(),
                    finished_at=now_iso(), status=status, error=reason, pid=os.getpid())

    scheduler.add_listener(on_start, EVENT_SCHEDULER_STARTED)
    scheduler.add_listener(on_not_run, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
    return scheduler


def ensure_job(
    scheduler: BaseScheduler, trigger: BaseTrigger, kwargs: dict[str, Any], defaults: dict[str, Any]
) -> str:
    """Add the job if absent; reschedule only if the trigger changed; keep a pending catch-up run."""
    job = scheduler.get_job(JOB_ID)
    if job is None:
        scheduler.add_job("scheduler:run_recorded", trigger, id=JOB_ID, name="callwatch nightly run",
                          kwargs=kwargs, **defaults)
        return "added"
    outcome = "unchanged"
    changes = {k: v for k, v in defaults.items() if getattr(job, k) != v}
    if job.kwargs != kwargs:
        changes["kwargs"] = kwargs
    if changes:
        scheduler.modify_job(JOB_ID, **changes)
        outcome = "updated"
    if repr(job.trigger) != repr(trigger):  # repr includes fields and time zone
        scheduler.reschedule_job(JOB_ID, trigger=trigger)
        outcome = "rescheduled"
    return outcome


def next_run_times(config: Config, count: int = 5, now: datetime | None = None) -> list[datetime]:
    """The next `count` times the configured cron fires."""
    trigger = cron_trigger(config)
    now = now or datetime.now(trigger.timezone)
    times: list[datetime] = []
    previous = None
    while len(times) < count:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None:
            break
        times.append(fire)
        previous, now = fire, fire
    return times


def stored_next_run(db_path: str | os.PathLike) -> datetime | None:
    """When the job store says the job runs next (a past time: a catch-up run on start).

    Read straight from the table: starting even a paused scheduler could process the due job.
    """
    try:
        conn = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute(f"select next_run_time from {JOBS_TABLE} where id = ?", [JOB_ID]).fetchone()
    except sqlite3.Error:  # no job store yet
        return None
    finally:
        conn.close()
    return utc_timestamp_to_datetime(row[0]) if row and row[0] is not None else None


def _close_interrupted(db_path: Path) -> None:
    """Runs left 'running' by a scheduler that was killed mid-job are failed runs, said so."""
    db = open_db(db_path)
    try:
        with db.conn:
            cursor = db.execute(
                "update scheduler_runs set status = 'failed', finished_at = ?, "
                "error = 'interrupted: the scheduler stopped during the run' where status = 'running'",
                [now_iso()],
            )
        if cursor.rowcount:
            log.warning("%d interrupted run(s) recorded as failed", cursor.rowcount)
    finally:
        db.close()


def serve(config: Config, db_path: str | os.PathLike | None = None) -> None:
    """Run the scheduler in the foreground until SIGTERM or SIGINT."""
    db = resolve_db_path(db_path, config.db_path)
    with scheduler_lock(db.resolve()):
        scheduler = build_scheduler(config, db)
        _close_interrupted(db)
        stopping = threading.Event()

        def stop(signum: int, frame: Any) -> None:
            if stopping.is_set():
                return
            stopping.set()
            log.info("received %s: stopping (a running job is allowed to finish)", signal.Signals(signum).name)
            scheduler.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.info("scheduler starting: cron %r in %s, database %s",
                 config.schedule.cron, config.schedule.timezone, db)
        scheduler.start()  # blocks until shutdown
        log.info("scheduler stopped")
