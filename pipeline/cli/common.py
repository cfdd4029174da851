"""Options and error handling shared by every command."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from pipeline.errors import CallwatchError

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite database (default: $CALLWATCH_DB or ./callwatch.db).",
)


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn callwatch's own errors into a one-line message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CallwatchError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper
