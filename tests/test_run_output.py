"""What `callwatch run` prints, as the real command in its own process (the crawl child writes to
the same terminal): a failing source is one line, not Scrapy's tracebacks, with the detail under
-v; an unchanged night reports no changes.

Two nights over a served feed and two offline sources, run once for the module: night 1 quiet,
night 2 with -v and nothing changed on the site."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SITES, SnapshotServer, SnapshotSite, write_sources

CALLWATCH = Path(sys.executable).with_name("callwatch")
OFFLINE = ("offline-listing", "offline-feed")


def callwatch(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLWATCH_")} | {"COLUMNS": "100"}
    return subprocess.run([str(CALLWATCH), *args], capture_output=True, text=True, timeout=240, env=env)


def closed_port() -> int:
    """A port with nothing listening on loopback addresses: the source is offline."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.2", 0))
        return sock.getsockname()[1]


@dataclass
class Nights:
    db: Path
    port: int
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> Iterator[Nights]:
    tmp = tmp_path_factory.mktemp("run-output")
    shutil.copytree(SITES / "feedsite", tmp / "feedsite")
    port = closed_port()
    with SnapshotServer(SnapshotSite(tmp / "feedsite")) as site:
        sources = write_sources(tmp / "sources.toml", [
            {"name": "region-feed", "kind": "feed", "url": f"{site.url}/rss.xml"},
            # Other loopback addresses: Scrapy's politeness delays are per host, so these run in parallel.
            {"name": "offline-listing", "kind": "listing", "url": f"http://127.0.0.2:{port}/aktuellt/"},
            {"name": "offline-feed", "kind": "feed", "url": f"http://127.0.0.3:{port}/rss.xml"},
        ])
        db = tmp / "callwatch.db"
        first = callwatch("run", "--sources", str(sources), "--db", str(db))
        second = callwatch("-v", "run", "--sources", str(sources), "--db", str(db))
    yield Nights(db, port, first, second)


def test_a_failing_source_is_one_line_with_its_reason(nights):
    out = nights.first
    assert out.returncode == 0, out.stderr  # one source worked
    lines = out.stderr.splitlines()
    assert "Traceback" not in out.stderr and "scrapy" not in out.stderr.lower()
    for name in OFFLINE:
        [line] = [line for line in lines if line.lstrip().startswith(f"failed {name}:")]
        assert "connection refused" in line and f":{nights.port}/" in line
    assert any(line.lstrip().startswith("ok region-feed:") for line in lines)
    assert "Run 1: partial" in out.stderr  # the per-source table is there, readable
    assert len(lines) < 40


def test_the_detail_is_in_source_runs_and_under_verbose(nights):
    with sqlite3.connect(nights.db) as conn:
        errors = conn.execute("select run_id, source, error from source_runs where status = 'failed'").fetchall()
    assert sorted((run, source) for run, source, _ in errors) == [(1, s) for s in sorted(OFFLINE)] + [
        (2, s) for s in sorted(OFFLINE)]
    assert all("connection refused" in e and f":{nights.port}/" in e for _, _, e in errors)
    assert "Traceback" in nights.second.stderr or "Gave up retrying" in nights.second.stderr  # Scrapy's


def test_an_unchanged_night_reports_no_changed_calls(nights):
    with sqlite3.connect(nights.db) as conn:
        calls = conn.execute("select count(*) from calls").fetchone()[0]
        seen_again = conn.execute("select count(*) from calls where last_seen_run = 2").fetchone()[0]
        events = conn.execute("select count(*) from call_events where run_id = 2").fetchone()[0]
    assert nights.second.returncode == 0, nights.second.stderr
    assert calls >= 1 and seen_again == calls and events == 0  # seen again, nothing else changed
    first, second = (" ".join(n.stderr.split()) for n in (nights.first, nights.second))
    assert f"register: {calls} opportunities, {calls} new, 0 changed" in first
    assert f"register: {calls} opportunities, 0 new, 0 changed, 0 history events" in second
