"""Options and error handling shared by every command."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pipeline.config import Config
from pipeline.errors import CallwatchError
from pipeline.store import DEFAULT_DB

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
    return Path(db_path or os.environ.get("CALLWATCH_DB") or config.db_path or DEFAULT_DB)


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn callwatch's own errors into a one-line message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CallwatchError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper
