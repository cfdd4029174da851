"""Extract the fields of every page whose text or the pipeline changed since its last extraction.

Reads `pages`, writes `extractions`; an unchanged page with a current extraction is skipped, so a
nightly re-run does not pay for extraction again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import sqlite_utils

from pipeline.store import now_iso

log = logging.getLogger(__name__)

JSON_FIELDS = ("events", "funders", "topics", "amounts", "identifiers")
BATCH = 200


def pending_urls(db: sqlite_utils.Database, pipeline_version: str) -> list[str]:
    """URLs of the pages lacking an extraction of their current content by the current pipeline.

    Read in full before any extraction is written: a SELECT left open on the connection while the
    same connection writes `extractions` (which it joins) may see its own writes or miss rows.
    """
    return [row[0] for row in db.execute(
        """select p.url
           from pages p left join extractions e on e.url = p.url
           where e.url is null or e.content_hash != p.content_hash or e.pipeline_version != ?
           order by p.url""",
        [pipeline_version],
    ).fetchall()]


def load_pages(db: sqlite_utils.Database, urls: list[str]) -> list[dict[str, Any]]:
    """The fields extraction needs of the pages at `urls` (a batch: well under SQLite's 32,766 variables)."""
    placeholders = ", ".join("?" for _ in urls)
    return list(db.query(
        f"select url, title, text, published, fetched_at, content_hash from pages where url in ({placeholders})",
        urls,
    ))


def analyse_pending_pages(db: sqlite_utils.Database, on_progress: Callable[[int], None] | None = None) -> int:
    """Extract and save fields for every pending page; return how many were extracted."""
    from pipeline.extract import PIPELINE_VERSION, extract_records

    urls = pending_urls(db, PIPELINE_VERSION)
    done = 0
    for start in range(0, len(urls), BATCH):
        pages = load_pages(db, urls[start:start + BATCH])
        done += _extract_batch(db, pages, PIPELINE_VERSION, extract_records)
        if on_progress:
            on_progress(done)
    return done


def _extract_batch(db: sqlite_utils.Database, pages: list[dict[str, Any]], version: str,
                   extract_records: Callable[..., Iterator[dict[str, Any]]]) -> int:
    records = [
        {
            "id": page["url"],
            "url": page["url"],
            "title": page["title"],
            "text": "\n\n".join(part for part in (page["title"], page["text"]) if part),
            "reference_date": (page["published"] or page["fetched_at"] or now_iso())[:10],
        }
        for page in pages
    ]
    hashes = {page["url"]: page["content_hash"] for page in pages}
    rows = []
    for result in extract_records(records):
        row = {key: result.get(key) for key in ("lang", "kind", "call_status", "deadline", "opening")}
        row.update({key: json.dumps(result.get(key) or [], ensure_ascii=False) for key in JSON_FIELDS})
        row.update(url=result["id"], content_hash=hashes[result["id"]], pipeline_version=version,
                   extracted_at=now_iso())
        rows.append(row)
    with db.conn:
        db["extractions"].upsert_all(rows, pk="url")
    return len(rows)
