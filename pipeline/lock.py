"""Locks beside the database: one writer per database (`run_lock`, held for a whole run) and one
scheduler per database (`scheduler_lock`).

A manual `callwatch run` and the nightly job must never crawl into the same DB at once. The
locks are OS-level `flock`s, so they are released even when the holder is killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import CallwatchError


class LockedError(CallwatchError):
    """Another callwatch process holds the database."""


def run_lock(db_path: str | os.PathLike, wait: float = 0.0) -> contextlib.AbstractContextManager[None]:
    """Hold the run lock of `db_path`; wait up to `wait` seconds, else raise LockedError."""
    return _file_lock(Path(f"{db_path}.lock"), wait, f"another callwatch run is using {db_path}; try again later")


def scheduler_lock(db_path: str | os.PathLike) -> contextlib.AbstractContextManager[None]:
    """Hold the scheduler lock of `db_path` (no waiting): one scheduler process per database."""
    return _file_lock(Path(f"{db_path}.scheduler.lock"), 0.0, f"a callwatch scheduler is already running for {db_path}")


@contextmanager
def _file_lock(lock_path: Path, wait: float, busy: str) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(f"{busy} (lock {lock_path})") from None
                time.sleep(0.2)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
