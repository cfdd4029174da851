"""What `callwatch run` prints, as the real command in its own process (the crawl child writes to
the same terminal): a failing source is one line, not Scrapy's tracebacks; an unchanged night
reports no changes."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import write_sources

CALLWATCH = Path(sys.executable).with_name("callwatch")


def callwatch(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLWATCH_")} | {"COLUMNS": "100"}
    return subprocess.run([str(CALLWATCH), *args], capture_output=True, text=True, timeout=240, env=env)


def closed_port() -> int:
    """A port with nothing listening on loopback addresses: the source is offline."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.2", 0))
        return sock.getsockname()[1]


def test_a_failing_source_is_one_line_with_its_reason_and_the_detail_is_kept(tmp_path, serve_site):
    site = serve_site("feedsite")
    port = closed_port()
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "region-feed", "kind": "feed", "url": f"{site.url}/rss.xml"},
        # Other loopback addresses: Scrapy's politeness delays are per host, so these run in parallel.
        {"name": "offline-listing", "kind": "listing", "url": f"http://127.0.0.2:{port}/aktuellt/"},
        {"name": "offline-feed", "kind": "feed", "url": f"http://127.0.0.3:{port}/rss.xml"},
    ])
    db = tmp_path / "callwatch.db"

    quiet = callwatch("run", "--sources", str(sources), "--db", str(db))

    assert quiet.returncode == 0, quiet.stderr  # one source worked
    lines = quiet.stderr.splitlines()
    assert "Traceback" not in quiet.stderr and "scrapy" not in quiet.stderr.lower()
    for name in ("offline-listing", "offline-feed"):
        [line] = [line for line in lines if line.lstrip().startswith(f"failed {name}:")]
        assert "connection refused" in line and f":{port}/" in line
    assert any(line.lstrip().startswith("ok region-feed:") for line in lines)
    assert "Run 1: partial" in quiet.stderr  # the per-source table is there, readable
    assert len(lines) < 40
    with sqlite3.connect(db) as conn:
        errors = dict(conn.execute("select source, error from source_runs where status = 'failed'").fetchall())
    assert set(errors) == {"offline-listing", "offline-feed"}
    assert all("connection refused" in e and f":{port}/" in e for e in errors.values())

    verbose = callwatch("-v", "run", "--sources", str(sources), "--db", str(db), "--only", "offline-listing")

    assert verbose.returncode == 1  # its only source failed
    assert "Traceback" in verbose.stderr or "Gave up retrying" in verbose.stderr  # Scrapy's detail


def test_an_unchanged_second_run_reports_no_changed_calls(tmp_path, serve_site):
    site = serve_site("feedsite")
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "region-feed", "kind": "feed", "url": f"{site.url}/rss.xml"}])
    db = tmp_path / "callwatch.db"

    first = callwatch("run", "--sources", str(sources), "--db", str(db))
    second = callwatch("run", "--sources", str(sources), "--db", str(db))

    assert first.returncode == 0 and second.returncode == 0, second.stderr
    with sqlite3.connect(db) as conn:
        calls = conn.execute("select count(*) from calls").fetchone()[0]
        seen_again = conn.execute("select count(*) from calls where last_seen_run = 2").fetchone()[0]
        events = conn.execute("select count(*) from call_events where run_id = 2").fetchone()[0]
    assert calls >= 1 and seen_again == calls and events == 0  # seen again, nothing else changed
    assert f"register: {calls} opportunities, {calls} new, 0 changed" in " ".join(first.stderr.split())
    assert f"register: {calls} opportunities, 0 new, 0 changed, 0 history events" in " ".join(second.stderr.split())
