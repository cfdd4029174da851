"""One writer per database: a lock file beside the DB, held for a whole run.

A manual `callwatch run` and the nightly job must never crawl into the same DB at once. The
lock is an OS-level `flock`, so it is released even when the holder is killed.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import CallwatchError


class LockedError(CallwatchError):
    """Another callwatch process holds the database."""


@contextmanager
def run_lock(db_path: str | os.PathLike, wait: float = 0.0) -> Iterator[None]:
    """Hold the run lock of `db_path`; wait up to `wait` seconds, else raise LockedError."""
    lock_path = Path(f"{db_path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"another callwatch run is using {db_path} (lock {lock_path}); try again later"
                    ) from None
                time.sleep(0.2)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
