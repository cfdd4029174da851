"""`callwatch serve`: the register in Datasette, stopped cleanly by SIGTERM (systemd), SIGHUP or Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from pipeline.cli.calls import open_existing_db
from pipeline.cli.common import db_option, reports_errors
from pipeline.views import datasette_metadata

# Datasette loads every module here: the SQL function behind the `search_calls` canned query.
PLUGINS_DIR = Path(__file__).with_name("datasette_plugins")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
STOP_GRACE_SECONDS = 10


class _StopRequested(Exception):
    """A stop signal arrived while Datasette was serving."""


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port.")
@reports_errors
def serve(db_path: str | None, host: str, port: int) -> None:
    """Browse and query the register in Datasette (views, canned queries, full-text search).

    Runs in the foreground until Ctrl-C or SIGTERM, then stops Datasette and removes its
    temporary files.

    Example: callwatch serve --db callwatch.db --port 8001
    """
    path, db = open_existing_db(db_path)  # brings the schema (views, FTS) up to date first
    db.close()
    with tempfile.TemporaryDirectory(prefix="callwatch-datasette-") as tmp:
        metadata = Path(tmp) / "metadata.json"
        metadata.write_text(json.dumps(datasette_metadata(path.stem), ensure_ascii=False), encoding="utf-8")
        command = [sys.executable, "-m", "datasette", "serve", str(path), "--metadata", str(metadata),
                   "--plugins-dir", str(PLUGINS_DIR), "--host", host, "--port", str(port)]
        code = run_until_stopped(command)
    if code:
        raise click.ClickException(f"datasette exited with status {code}")


def run_until_stopped(command: list[str]) -> int:
    """Run `command` in the foreground and return its exit code; on SIGTERM, SIGHUP or Ctrl-C
    stop it (SIGTERM, then SIGKILL after a grace period) and return 0.

    Without this, SIGTERM ends only this process: the server child keeps its port and the
    temporary folder is never removed.
    """
    def request_stop(signum: int, frame: object) -> None:
        raise _StopRequested(signum)

    previous = {sig: signal.signal(sig, request_stop) for sig in STOP_SIGNALS}
    child: subprocess.Popen[bytes] | None = None
    try:
        child = subprocess.Popen(command)
        return child.wait()
    except (_StopRequested, KeyboardInterrupt):
        if child is not None:
            _stop(child)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop(child: subprocess.Popen[bytes]) -> None:
    child.terminate()
    try:
        child.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
