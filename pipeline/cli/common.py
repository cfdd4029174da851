"""Options and error handling shared by every command."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pipeline.errors import CallwatchError, StoreError

if TYPE_CHECKING:  # pydantic and sqlite-utils load only for the commands that use a config or the store
    from pipeline.config import Config

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite database (default: $CALLWATCH_DB or ./callwatch.db).",
)


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="callwatch.toml (default: $CALLWATCH_CONFIG; without one, defaults and SMTP env vars).",
)


def config_db_path(db_path: str | None, config: Config) -> Path:
    """--db, else $CALLWATCH_DB, else the config's `db`, else ./callwatch.db."""
    from pipeline.store import DEFAULT_DB

    chosen = [("--db", db_path), ("$CALLWATCH_DB", os.environ.get("CALLWATCH_DB")),
              (f"{config.path}: key 'db'", config.db_path), ("default", DEFAULT_DB)]
    origin, value = next((o, v) for o, v in chosen if v)
    path = Path(value)
    # `--db` refuses a directory itself; $CALLWATCH_DB and the config's `db` reach here
    # unchecked, and the run lock would otherwise write `<dir>.lock` before the DB open fails.
    if path.is_dir():
        raise StoreError(f"{origin}: {path} is a directory, not a database file")
    return path


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn callwatch's own errors, and file-system errors on a named path, into a one-line
    message and exit code 1 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CallwatchError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            # A DB or lock path that cannot be created (`--db /proc/nope/x.db`, a read-only
            # directory) is the user's path, not a bug; errors without a path (sockets) are not.
            if exc.filename is None:
                raise
            db = kwargs.get("db_path")
            related = db and (str(db).startswith(str(exc.filename)) or str(exc.filename).startswith(str(db)))
            about = f" (database {db})" if related else ""
            raise click.ClickException(f"cannot use {exc.filename}{about}: {exc.strerror or exc}") from exc

    return wrapper
