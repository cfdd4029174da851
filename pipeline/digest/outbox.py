"""The outbox: what each recipient is owed and what was delivered, so every item goes out once.

An item is queued (`pending`) per recipient as soon as a digest finds it, and marked `sent` only
after the SMTP server accepted the message that carried it. If sending fails, the row stays
pending and the next digest carries it; re-running a digest finds nothing pending and sends
nothing again. Items that went stale before they could be sent (the call's deadline passed)
become `expired`.

The one window left: a crash after the server accepted a message but before the `sent` mark
is committed repeats that message once; no order of failures loses an item.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from pipeline.digest.select import Item
from pipeline.store import now_iso

PENDING, SENT, EXPIRED = "pending", "sent", "expired"


def _address(email: str) -> str:
    return email.strip().lower()


def handled_keys(db: sqlite_utils.Database, recipient: str) -> set[str]:
    """Keys already sent to (or expired for) this recipient."""
    return {
        row[0]
        for row in db.execute(
            "select item_key from outbox where recipient = ? and status != ?", [_address(recipient), PENDING]
        ).fetchall()
    }


def pending_items(db: sqlite_utils.Database, recipient: str) -> list[Item]:
    """Items queued for this recipient and not yet delivered (call rows not loaded)."""
    rows = db.execute(
        "select item_key, section, call_id, payload from outbox where recipient = ? and status = ? order by id",
        [_address(recipient), PENDING],
    ).fetchall()
    return [Item(key, section, call_id, json.loads(payload or "{}")) for key, section, call_id, payload in rows]


def enqueue(db: sqlite_utils.Database, recipient: str, items: Iterable[Item], digest_id: int | None) -> int:
    """Queue items for a recipient; an item already queued, sent or expired is left as it is."""
    now = now_iso()
    rows = [
        (_address(recipient), i.key, i.section, i.call_id, json.dumps(i.payload, ensure_ascii=False), now,
         digest_id, PENDING, 0)
        for i in items
    ]
    with db.conn:
        cursor = db.conn.executemany(
            """insert or ignore into outbox
                 (recipient, item_key, section, call_id, payload, created_at, digest_id, status, attempts)
               values (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            rows,
        )
    return cursor.rowcount


def _update(db: sqlite_utils.Database, recipient: str, keys: Iterable[str], sql: str, params: list[Any]) -> None:
    keys = list(keys)
    with db.conn:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            db.execute(
                f"update outbox set {sql} where recipient = ? and status = ? and item_key in ({marks})",
                [*params, _address(recipient), PENDING, *chunk],
            )


def mark_sent(
    db: sqlite_utils.Database, recipient: str, keys: Iterable[str], digest_id: int | None, message_id: str
) -> None:
    """Call only after the SMTP server accepted the message carrying these items."""
    _update(
        db, recipient, keys,
        "status = ?, sent_at = ?, sent_digest_id = ?, message_id = ?, attempts = attempts + 1, last_error = null",
        [SENT, now_iso(), digest_id, message_id],
    )


def mark_failed(db: sqlite_utils.Database, recipient: str, keys: Iterable[str], error: str) -> None:
    """Record a failed attempt; the items stay pending for the next digest."""
    _update(db, recipient, keys, "attempts = attempts + 1, last_error = ?", [error[:1000]])


def mark_expired(db: sqlite_utils.Database, recipient: str, keys: Iterable[str]) -> None:
    _update(db, recipient, keys, "status = ?", [EXPIRED])
