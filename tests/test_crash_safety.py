"""Crash safety: the job killed with SIGKILL mid-crawl or mid-extraction leaves a sound store.

The job runs as a real process tree (job process + its crawl child) over a local site of 60
call pages served with a per-request delay, so the kill lands mid-crawl deterministically.
`callwatch run` has no option for crawl settings and its polite defaults (0.5 s a request)
would make a 60-page site take half a minute, so the job is started the way the CLI starts it
(`run_job`) with the fast loopback settings; the lock test uses the real `callwatch run`.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FAST_CRAWL, write_sources
from site_server import SnapshotServer, SnapshotSite
from test_calls_site import PAGE

from pipeline.events import PageStored, ProgressEvent, StageStarted, from_json
from pipeline.lock import LockedError, run_lock

PAGES = 60
TOPICS = ("vätgas", "skogsbruk", "kulturarv", "digitalisering", "vattenrening", "turism", "batterier",
          "äldreomsorg", "livsmedel", "solenergi")
AREAS = ("Norr", "Syd", "Öst", "Väst", "Mitt", "Kust")
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober")

# The job as `callwatch run` runs it, printing its progress events as JSON lines, then its status.
# Given a stage (argv[4]), it holds on once that stage has started, as a long stage would: on a
# 60-page site extraction and detection take a fraction of a second, and a kill sent when the stage
# is announced could land after the job had finished.
JOB = """
import json, sys, time
from pipeline.events import StageStarted, to_json
from pipeline.run import run_job
def on_event(event):
    print(to_json(event), flush=True)
    if isinstance(event, StageStarted) and event.stage == sys.argv[4]:
        time.sleep(600)
summary = run_job(sys.argv[1], sys.argv[2], crawl_settings=json.loads(sys.argv[3]), on_event=on_event)
print("done", summary["status"], flush=True)
"""


def write_calls_site(root: Path) -> None:
    """A listing of PAGES distinct calls, each with its own title and deadline."""
    (root / "utlysningar").mkdir(parents=True)
    links = []
    for i in range(PAGES):
        title = f"Utlysning {i + 1}: stöd till {TOPICS[i % 10]} i region {AREAS[i // 10]}"
        body = (f"Regionen utlyser medel för projekt om {TOPICS[i % 10]}. "
                f"Sista ansökningsdag är den {i % 27 + 1} {MONTHS[i % 10]} 2027.")
        (root / "utlysningar" / f"u{i}.html").write_text(PAGE.format(title=title, body=body), encoding="utf-8")
        links.append(f'<li><a href="/utlysningar/u{i}.html">{title}</a></li>')
    (root / "utlysningar" / "index.html").write_text(
        f"<html lang='sv'><body><main><ul>{''.join(links)}</ul></main></body></html>", encoding="utf-8")


class SlowServer(SnapshotServer):
    """The snapshot server, answering each call page only after `delay` seconds."""

    def __init__(self, site: SnapshotSite) -> None:
        super().__init__(site)
        self.delay = 0.0
        self.httpd.clear_all_handlers()
        self.httpd.expect_request(re.compile(".*")).respond_with_handler(self._slow_answer)

    def _slow_answer(self, request):  # type: ignore[no-untyped-def]
        if "/u" in request.path:
            time.sleep(self.delay)
        return self.site.answer(request)


@dataclass(frozen=True)
class JobDone:
    status: str


class Job:
    """The job as a process group of its own, with its progress events read in a thread."""

    def __init__(self, db_path: Path, sources: Path, hold_at: str = "") -> None:
        self.events: queue.Queue[ProgressEvent | JobDone] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-c", JOB, str(db_path), str(sources), json.dumps(FAST_CRAWL), hold_at],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("done "):
                self.events.put(JobDone(line.split()[1]))
            elif line.startswith("{"):
                self.events.put(from_json(line))

    def wait_for(self, wanted: Callable[[ProgressEvent | JobDone], bool], timeout: float = 30
                 ) -> ProgressEvent | JobDone:
        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError("the job never reached the expected point") from None
            if wanted(event):
                return event

    def crash(self) -> None:
        """Kill the whole process tree at once, as a power cut or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def finish(self) -> JobDone:
        done = self.wait_for(lambda e: isinstance(e, JobDone), timeout=60)
        assert self.process.wait(timeout=10) == 0
        return done


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[SlowServer, Path]]:
    write_calls_site(tmp_path / "site")
    with SlowServer(SnapshotSite(tmp_path / "site")) as server:
        sources = write_sources(tmp_path / "sources.toml", [{
            "name": "region-utlysningar", "kind": "listing", "url": f"{server.url}/utlysningar/",
            "follow": r"/utlysningar/u\d+\.html$",
        }])
        yield server, sources


def query(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def assert_sound_store(db_path: Path) -> None:
    """Every page once, one call per page, no repeated version, nothing corrupt."""
    assert query(db_path, "pragma integrity_check") == [("ok",)]
    assert query(db_path, "select count(*), count(distinct url) from pages") == [(PAGES, PAGES)]
    assert query(db_path, "select count(*), count(distinct title) from calls") == [(PAGES, PAGES)]
    assert query(db_path, "select count(*) from (select url from call_pages group by url having count(*) > 1)") \
        == [(0,)]
    assert query(db_path, "select count(*) from (select 1 from page_versions group by url, content_hash "
                          "having count(*) > 1)") == [(0,)]


def kill_mid_crawl(job: Job, server: SlowServer) -> None:
    server.delay = 0.15  # 60 pages, two at a time: ~4.5 s of crawl, killed after 10 pages
    for _ in range(10):
        job.wait_for(lambda e: isinstance(e, PageStored))
    job.crash()
    server.delay = 0.0


@pytest.mark.parametrize("stage", ["crawl", "extract", "detect"])
def test_a_job_killed_mid_way_is_recorded_as_failed_and_the_next_run_completes(site, tmp_path, stage):
    server, sources = site
    db_path = tmp_path / "cw.db"
    job = Job(db_path, sources, hold_at=stage)
    if stage == "crawl":
        kill_mid_crawl(job, server)
        stored = query(db_path, "select count(*) from pages")[0][0]
        assert 10 <= stored < PAGES  # the kill really landed in the middle of the crawl
    else:
        job.wait_for(lambda e: e == StageStarted(stage))
        job.crash()
    assert query(db_path, "pragma integrity_check") == [("ok",)]
    assert query(db_path, "select status from runs") == [("running",)]  # what a crash leaves behind

    assert Job(db_path, sources).finish().status == "ok"

    killed, recovered = query(db_path, "select status, error, finished_at is not null from runs order by id")
    assert killed[0] == "failed" and "interrupted" in killed[1] and killed[2]
    assert recovered[0] == "ok"
    assert query(db_path, "select count(*) from source_runs where status = 'running'") == [(0,)]
    assert_sound_store(db_path)


def kill_job_process_only(job: Job, server: SlowServer) -> None:
    """SIGKILL the job process mid-crawl and leave its crawl child be (an OOM kill, `kill -9 <pid>`)."""
    server.delay = 0.15
    for _ in range(10):
        job.wait_for(lambda e: isinstance(e, PageStored))
    os.kill(job.process.pid, signal.SIGKILL)
    job.process.wait(timeout=10)


def lock_is_free(db_path: Path) -> bool:
    try:
        with run_lock(db_path):
            return True
    except LockedError:
        return False


def test_when_the_job_process_dies_its_crawl_stops_or_keeps_the_database_locked(site, tmp_path):
    server, sources = site
    db_path = tmp_path / "cw.db"
    job = Job(db_path, sources)
    try:
        kill_job_process_only(job, server)
        time.sleep(0.5)  # a page in flight may still land
        written = query(db_path, "select count(*) from pages")[0][0]
        time.sleep(2.0)  # the orphan would store ~13 more pages meanwhile
        if lock_is_free(db_path):  # a new run may start now: nothing else may be writing
            assert query(db_path, "select count(*) from pages")[0][0] == written
    finally:
        if _group_alive(job.process.pid):
            os.killpg(job.process.pid, signal.SIGKILL)


def test_after_the_job_process_alone_is_killed_the_next_run_completes(site, tmp_path):
    server, sources = site
    db_path = tmp_path / "cw.db"
    job = Job(db_path, sources)
    try:
        kill_job_process_only(job, server)
        server.delay = 0.0
        assert Job(db_path, sources).finish().status == "ok"
    finally:
        if _group_alive(job.process.pid):
            os.killpg(job.process.pid, signal.SIGKILL)
    killed, recovered = query(db_path, "select status, error from runs order by id")
    assert killed[0] == "failed" and "interrupted" in killed[1]
    assert recovered[0] == "ok"
    assert_sound_store(db_path)


def test_a_second_callwatch_run_on_a_busy_database_says_so_and_writes_nothing(site, tmp_path):
    server, sources = site
    db_path = tmp_path / "cw.db"
    job = Job(db_path, sources)
    server.delay = 0.5  # 60 pages, a few at a time: the first run holds the lock for seconds
    try:
        job.wait_for(lambda e: isinstance(e, PageStored))
        callwatch = Path(sys.executable).with_name("callwatch")
        started = time.monotonic()
        second = subprocess.run([str(callwatch), "run", "--sources", str(sources), "--db", str(db_path),
                                 "--wait", "1"], capture_output=True, text=True, timeout=60)
        assert time.monotonic() - started >= 1  # --wait: it waited that long for the lock, then said so
        assert second.returncode != 0
        assert f"another callwatch run is using {db_path}" in second.stderr
        assert "Traceback" not in second.stderr
        assert query(db_path, "select count(*) from runs") == [(1,)]
    finally:
        job.crash()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
