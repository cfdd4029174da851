"""The scheduler driven for real: a short interval and test jobs, a SQLite job store, SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from click.testing import CliRunner
from digest_store import write_config

import scheduler
from pipeline.cli import cli
from pipeline.config import load_config
from pipeline.store import open_db

# State shared with the test jobs below; APScheduler finds them by reference ("test_scheduler:…").
RELEASE = threading.Event()
ACTIVE = {"now": 0, "max": 0, "calls": 0}
LOCK = threading.Lock()


def blocking_job(db_path: str, config_path: str | None = None) -> dict:
    with LOCK:
        ACTIVE["now"] += 1
        ACTIVE["calls"] += 1
        ACTIVE["max"] = max(ACTIVE["max"], ACTIVE["now"])
    try:
        RELEASE.wait(30)
    finally:
        with LOCK:
            ACTIVE["now"] -= 1
    return {"status": "ok"}


def flaky_job(db_path: str, config_path: str | None = None) -> dict:
    with LOCK:
        ACTIVE["calls"] += 1
        first = ACTIVE["calls"] == 1
    if first:
        raise RuntimeError("crawl exploded")
    return {"status": "ok", "calls": ACTIVE["calls"]}


def quick_job(db_path: str, config_path: str | None = None) -> dict:
    return {"status": "ok"}


@pytest.fixture(autouse=True)
def reset_state():
    RELEASE.clear()
    ACTIVE.update(now=0, max=0, calls=0)
    yield
    RELEASE.set()


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def runs(db_path: Path) -> list[dict]:
    db = open_db(db_path)
    try:
        return list(db.query("select * from scheduler_runs order by id"))
    finally:
        db.close()


@pytest.fixture
def config(tmp_path):
    return load_config(write_config(tmp_path, '[schedule]\ncron = "0 2 * * *"\n', sources=False))


def test_one_job_at_a_time_a_firing_during_a_run_is_skipped(tmp_path, config):
    db_path = tmp_path / "cw.db"
    sched = scheduler.build_scheduler(config, db_path, scheduler_class=BackgroundScheduler,
                                      trigger=IntervalTrigger(seconds=1), job_ref="test_scheduler:blocking_job")
    sched.start()
    try:
        # While the first run blocks, the next firings are refused and recorded as skipped.
        wait_for(lambda: any(r["status"] == "skipped" for r in runs(db_path)))
        assert ACTIVE["max"] == 1 and ACTIVE["calls"] == 1
        RELEASE.set()
        wait_for(lambda: any(r["status"] == "ok" for r in runs(db_path)))
    finally:
        sched.shutdown(wait=True)
    assert ACTIVE["max"] == 1
    rows = runs(db_path)
    assert [r["status"] for r in rows].count("running") == 0
    skipped = [r for r in rows if r["status"] == "skipped"]
    assert "still going" in skipped[0]["error"]


def test_a_crashing_run_is_recorded_failed_and_the_next_run_runs_normally(tmp_path, config):
    db_path = tmp_path / "cw.db"
    sched = scheduler.build_scheduler(config, db_path, scheduler_class=BackgroundScheduler,
                                      trigger=IntervalTrigger(seconds=1), job_ref="test_scheduler:flaky_job")
    sched.start()
    try:
        wait_for(lambda: [r["status"] for r in runs(db_path)][:2] == ["failed", "ok"])
    finally:
        sched.shutdown(wait=True)
    failed, ok = runs(db_path)[:2]
    assert "RuntimeError: crawl exploded" in failed["error"] and failed["finished_at"]
    assert '"calls": 2' in ok["result"]


def test_restart_keeps_the_schedule_runs_a_missed_night_once_and_follows_a_changed_cron(tmp_path):
    db_path = tmp_path / "cw.db"
    # A grace of four days covers the nights missed below whatever the time of day the test runs.
    config = load_config(write_config(tmp_path, '[schedule]\ncron = "0 2 * * *"\nmisfire_grace_hours = 96\n',
                                      sources=False))

    def start(cfg, paused=False):
        sched = scheduler.build_scheduler(cfg, db_path, scheduler_class=BackgroundScheduler,
                                          job_ref="test_scheduler:quick_job")
        sched.start(paused=paused)
        return sched

    sched = start(config, paused=True)
    first_next = sched.get_job(scheduler.JOB_ID).next_run_time
    assert (first_next.hour, first_next.minute) == (2, 0)
    # The machine was off at 02:00: the stored next run time is now three nights in the past.
    missed = first_next - timedelta(days=3)
    sched.modify_job(scheduler.JOB_ID, next_run_time=missed)
    sched.shutdown()

    sched = start(config)  # same config: the job is kept, not replaced, so the catch-up happens
    try:
        wait_for(lambda: [r["status"] for r in runs(db_path)] == ["ok"])
        time.sleep(0.5)  # a backlog of nights is coalesced into that single run
        assert [r["status"] for r in runs(db_path)] == ["ok"]
        assert sched.get_job(scheduler.JOB_ID).next_run_time > datetime.now(first_next.tzinfo)
    finally:
        sched.shutdown(wait=True)

    changed = load_config(write_config(tmp_path, '[schedule]\ncron = "30 3 * * 1"\nmisfire_grace_hours = 96\n',
                                       sources=False))
    sched = start(changed, paused=True)
    try:
        job = sched.get_job(scheduler.JOB_ID)
        assert (job.next_run_time.hour, job.next_run_time.minute, job.next_run_time.weekday()) == (3, 30, 0)
    finally:
        sched.shutdown()
    assert scheduler.stored_next_run(db_path) == job.next_run_time


def test_schedule_next_prints_the_configured_times(tmp_path):
    path = write_config(tmp_path, '[schedule]\ncron = "15 4 * * 3"\ntimezone = "Europe/Stockholm"\n', sources=False)
    result = CliRunner().invoke(cli, ["schedule", "--next", "--config", str(path), "--db", str(tmp_path / "cw.db")])
    assert result.exit_code == 0, result.output
    times = [datetime.fromisoformat(line) for line in result.output.splitlines()[1:]]
    assert len(times) == 5
    assert all((t.hour, t.minute, t.weekday()) == (4, 15, 2) for t in times)
    assert all(b - a == timedelta(days=7) for a, b in zip(times, times[1:], strict=False))


def test_the_service_stops_cleanly_on_sigterm_and_a_second_one_refuses_to_start(tmp_path):
    path = write_config(tmp_path, '[schedule]\ncron = "0 2 * * *"\n', sources=False)
    db_path = tmp_path / "cw.db"
    db = open_db(db_path)
    with db.conn:  # a previous scheduler was killed in the middle of a run
        db["scheduler_runs"].insert({"job_id": scheduler.JOB_ID, "started_at": "2026-11-21T01:00:00+00:00",
                                     "status": "running", "pid": 999999})
    db.close()
    command = [sys.executable, "-c", "from pipeline.cli import cli; cli()", "schedule",
               "--config", str(path), "--db", str(db_path)]
    log_path = tmp_path / "stderr.log"
    with open(log_path, "w") as log_file:
        service = subprocess.Popen(command, stderr=log_file, stdout=subprocess.DEVNULL)
    try:
        wait_for(lambda: "next run at" in log_path.read_text())
        second = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert second.returncode != 0 and "already running" in second.stderr
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    finally:
        if service.poll() is None:
            service.kill()
    log = log_path.read_text()
    assert "received SIGTERM" in log and "scheduler stopped" in log
    assert "nightly job added" in log
    [interrupted] = runs(db_path)
    assert interrupted["status"] == "failed" and "interrupted" in interrupted["error"]


def test_the_real_nightly_job_records_a_broken_sources_file_as_a_failed_run(tmp_path):
    path = write_config(tmp_path, 'sources = "missing-sources.toml"\n', sources=False)
    db_path = tmp_path / "cw.db"
    open_db(db_path).close()
    with pytest.raises(Exception, match="sources file not found"):
        scheduler.run_recorded(scheduler.NIGHTLY_JOB, str(db_path), str(path))
    [row] = runs(db_path)
    assert row["status"] == "failed" and "missing-sources.toml" in row["error"]


def test_a_night_missed_beyond_the_grace_time_is_recorded_as_missed(tmp_path):
    hour = (datetime.now(UTC).hour - 3) % 24  # its last firing was three to four hours ago: past the grace
    config = load_config(write_config(
        tmp_path, f'[schedule]\ncron = "0 {hour} * * *"\ntimezone = "UTC"\nmisfire_grace_hours = 1\n', sources=False))
    db_path = tmp_path / "cw.db"

    def start(paused: bool = False) -> BackgroundScheduler:
        sched = scheduler.build_scheduler(config, db_path, scheduler_class=BackgroundScheduler,
                                          job_ref="test_scheduler:quick_job")
        sched.start(paused=paused)
        return sched

    sched = start(paused=True)
    job = sched.get_job(scheduler.JOB_ID)
    sched.modify_job(scheduler.JOB_ID, next_run_time=job.next_run_time - timedelta(days=3))
    sched.shutdown()
    sched = start()
    try:
        wait_for(lambda: [r["status"] for r in runs(db_path)] == ["missed"])
        assert [r["status"] for r in runs(db_path)] == ["missed"]  # recorded, not run
    finally:
        sched.shutdown(wait=True)
