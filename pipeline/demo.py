"""The offline demo: serve the bundled snapshot site on 127.0.0.1 and run the real job on it."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.run import EventCallback, run_job
from pipeline.store import open_db

DEMO_SITE = Path(__file__).with_name("demo_site")
# The feed's item links are absolute: written with this origin, set to the server's on start.
PLACEHOLDER_ORIGIN = "http://snapshot.invalid"
DEMO_DB = "callwatch-demo.db"

# Politeness settings are for other people's servers; the demo crawls its own.
DEMO_CRAWL_SETTINGS = {"AUTOTHROTTLE_START_DELAY": 0.0, "DOWNLOAD_DELAY": 0.0, "AUTOTHROTTLE_ENABLED": False}


def demo_sources_toml(base_url: str) -> str:
    return f"""
[[sources]]
name = "demo-eu-office"
title = "EU-kontoret Region Exempelland: Aktuellt"
kind = "listing"
url = "{base_url}/eu-kontoret/aktuellt/"
follow = "/eu-kontoret/aktuellt/[a-z0-9-]+\\\\.html$"
lang = "sv"
region = "Exempelland"

[[sources]]
name = "demo-agency-calls"
title = "Myndigheten: utlysningar (RSS)"
kind = "feed"
url = "{base_url}/utlysningar/feed.xml"
lang = "sv"
"""


def reset_demo_db(db_path: str | os.PathLike) -> None:
    """Start the demo afresh: its site is served on a new port each time, so its URLs change.

    Only a database that holds nothing but demo sources is removed; any other is refused.
    """
    path = Path(db_path)
    if path.exists():
        db = open_db(path)
        try:
            foreign = [row[0] for row in db.execute("select distinct source from pages")
                       if not row[0].startswith("demo-")]
        finally:
            db.close()
        if foreign:
            raise ConfigError(f"{path} holds pages of real sources ({', '.join(foreign[:3])}); "
                              "the demo will not overwrite it: choose another --db")
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(f"{path}.httpcache", ignore_errors=True)


def run_demo(db_path: str | os.PathLike = DEMO_DB, on_event: EventCallback | None = None) -> dict[str, Any]:
    """Crawl the bundled site into a fresh `db_path`; return the run summary and what the DB holds."""
    reset_demo_db(db_path)
    with tempfile.TemporaryDirectory() as tmp, serve_demo_site(Path(tmp, "site")) as base_url:
        sources = Path(tmp, "demo-sources.toml")
        sources.write_text(demo_sources_toml(base_url), encoding="utf-8")
        summary = run_job(db_path, sources, crawl_settings=DEMO_CRAWL_SETTINGS, on_event=on_event)
    db = open_db(db_path)
    try:
        summary["holdings"] = {
            "pages": db["pages"].count,
            "sources": db.execute("select count(distinct source) from pages").fetchone()[0],
            "calls": db.execute("select count(*) from calls where kind = 'funding-call'").fetchone()[0],
            "open_calls": db.execute(
                "select count(*) from calls where kind = 'funding-call' and status = 'open'").fetchone()[0],
            "opportunities": db["calls"].count,
        }
    finally:
        db.close()
    return summary


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the demo prints its own progress
        pass


@contextmanager
def serve_demo_site(copy_to: Path) -> Iterator[str]:
    """The bundled site, copied to `copy_to` with its own address written in, served by the
    standard library's file server on 127.0.0.1 (a free port); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(copy_to)))
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    shutil.copytree(DEMO_SITE, copy_to)
    for page in copy_to.rglob("*"):
        if page.suffix in (".html", ".xml"):
            page.write_text(page.read_text(encoding="utf-8").replace(PLACEHOLDER_ORIGIN, base_url), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
