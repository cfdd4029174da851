"""Run one crawl of the selected sources into the store, in a process of its own.

Twisted's reactor cannot be restarted inside one process, so every crawl is a fresh
`python -m crawlers.crawl` child. The child reports progress as JSON lines on stdout
(`pipeline.events`); the parent (`run_crawl`) passes them on and makes sure every selected source ends with a
`source_runs` row, even if the child dies.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from crawlers.settings import build_settings
from crawlers.source_record import record_sources
from crawlers.sources import Source, load_sources
from pipeline.errors import ConfigError
from pipeline.events import EventCallback, from_json
from pipeline.store import now_iso, open_db, save_source_run

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def select_sources(sources: list[Source], only: Sequence[str] = ()) -> list[Source]:
    """The enabled sources, or exactly those named in `only` (unknown names are an error)."""
    if only:
        names = {s.name for s in sources}
        unknown = [name for name in only if name not in names]
        if unknown:
            raise ConfigError(f"unknown source(s): {', '.join(unknown)} (see `callwatch sources`)")
        return [s for s in sources if s.name in only]
    return [s for s in sources if s.enabled]


def run_crawl(
    db_path: str | os.PathLike,
    run_id: int,
    sources_path: str | os.PathLike | None = None,
    only: Sequence[str] = (),
    settings: dict[str, Any] | None = None,
    on_progress: EventCallback | None = None,
) -> None:
    """Crawl the selected sources into `db_path` as run `run_id` (in a child process)."""
    selected = select_sources(load_sources(sources_path), only)
    record_sources(db_path, run_id, selected)
    command = [sys.executable, "-m", "crawlers.crawl", "--db", str(db_path), "--run-id", str(run_id)]
    if sources_path:
        command += ["--sources", str(sources_path)]
    for name in only:
        command += ["--only", name]
    if settings:
        command += ["--settings-json", json.dumps(settings)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env,
                          preexec_fn=_die_with_parent(os.getpid())) as child:
        assert child.stdout is not None
        for line in child.stdout:
            try:
                event = from_json(line)
            except ValueError:
                sys.stderr.write(line)  # stray output from a library: pass it on, don't lose it
                continue
            if on_progress:
                on_progress(event)
        returncode = child.wait()
    _record_unfinished_sources(db_path, run_id, selected, returncode)


def _die_with_parent(parent_pid: int) -> Callable[[], None] | None:
    """A pre-exec hook that makes the crawl child die with the process that started it (Linux).

    The run lock belongs to the parent: a child left running after the parent was killed would
    go on writing into the DB while a new run, finding the lock free, writes into it too.
    """
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def hook() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent_pid:  # the parent died before the hook ran
            os._exit(1)

    return hook


def _record_unfinished_sources(db_path: str | os.PathLike, run_id: int, selected: list[Source],
                               returncode: int) -> None:
    """Any selected source without a finished row failed with the crawl process itself."""
    db = open_db(db_path)
    try:
        finished = {
            row[0] for row in db.execute(
                "select source from source_runs where run_id = ? and status in ('ok', 'failed', 'empty')", [run_id]
            )
        }
        for source in selected:
            if source.name not in finished:
                error = f"crawl process ended (exit code {returncode}) before this source finished"
                save_source_run(db, run_id, source.name, status="failed", error=error, finished_at=now_iso())
    finally:
        db.close()


def _last_ok_at(db_path: str | os.PathLike, source: str) -> str | None:
    db = open_db(db_path)
    try:
        row = db.execute(
            "select max(r.started_at) from source_runs s join runs r on r.id = s.run_id "
            "where s.source = ? and s.status = 'ok'",
            [source],
        ).fetchone()
        return row[0] if row else None
    finally:
        db.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Crawl sources into a callwatch DB (internal).")
    parser.add_argument("--db", required=True)
    parser.add_argument("--run-id", required=True, type=int)
    parser.add_argument("--sources")
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--settings-json", default=None)
    args = parser.parse_args(argv)

    from scrapy.crawler import CrawlerProcess

    from crawlers.spiders import SPIDER_KINDS

    selected = select_sources(load_sources(args.sources), args.only)
    overrides = json.loads(args.settings_json) if args.settings_json else {}
    settings = build_settings(Path(args.db), {**overrides, "CALLWATCH_RUN_ID": args.run_id})
    process = CrawlerProcess(settings)
    db = open_db(args.db)
    for source in selected:
        spider_class = SPIDER_KINDS.get(source.kind)
        if spider_class is None:
            save_source_run(db, args.run_id, source.name, status="failed", finished_at=now_iso(),
                            error=f"no spider for kind '{source.kind}'")
            continue
        process.crawl(spider_class, source=source, last_ok_at=_last_ok_at(args.db, source.name))
    db.close()
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
