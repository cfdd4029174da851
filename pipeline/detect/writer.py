"""Apply a plan of changes to the store: the only code in detect that writes.

Plain SQL with executemany: sqlite-utils' update() re-reads the schema on every call, slow for
the thousands of rows a first night writes. The caller holds the transaction.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from pipeline.detect.changes import Changes


def write_changes(db: sqlite_utils.Database, changes: Changes) -> None:
    """Make the stored register `changes.register`, record the history, mark the run detected."""
    for absorbed, into in changes.merges:  # a folded call's history becomes the kept call's
        db.execute("update call_events set call_id = ? where call_id = ?", [into, absorbed])
    db.conn.executemany("delete from call_pages where call_id = ? and url = ?", changes.removed_links)
    db.conn.executemany("delete from calls where id = ?", [[call_id] for call_id in changes.removed_calls])
    _insert(db, "calls", changes.new_calls)
    _update(db, "calls", ["id"], [(columns, [call_id]) for call_id, columns in changes.updated_calls.items()])
    _insert(db, "call_pages", changes.new_links)
    _update(db, "call_pages", ["call_id", "url"], [(columns, list(key))
                                                   for key, columns in changes.updated_links.items()])
    db.conn.executemany(
        "insert into call_events (call_id, run_id, field, old_value, new_value, at) values (?, ?, ?, ?, ?, ?)",
        [[e.call_id, changes.run_id, e.field, e.old, e.new, changes.at] for e in changes.events],
    )
    db.execute("update runs set detected_at = ? where id = ?", [changes.at, changes.run_id])


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]]) -> None:
    by_columns: dict[tuple[str, ...], list[list[Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(row), []).append(list(row.values()))
    for columns, values in by_columns.items():
        names = ", ".join(f"[{c}]" for c in columns)
        marks = ", ".join("?" for _ in columns)
        db.conn.executemany(f"insert into [{table}] ({names}) values ({marks})", values)


def _update(db: sqlite_utils.Database, table: str, key: list[str],
            rows: list[tuple[dict[str, Any], list[Any]]]) -> None:
    where = " and ".join(f"[{c}] = ?" for c in key)
    for columns, key_values in rows:
        assignments = ", ".join(f"[{column}] = ?" for column in columns)
        db.execute(f"update [{table}] set {assignments} where {where}", [*columns.values(), *key_values])
