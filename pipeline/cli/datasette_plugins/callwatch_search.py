"""Datasette plugin: the `callwatch_search(text)` SQL function the canned query `search_calls`
uses, so Datasette reads a search exactly as `callwatch calls --search` does."""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

from pipeline.search import register_search_function


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    register_search_function(conn)
