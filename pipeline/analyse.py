"""Extract the fields of every page whose text or the pipeline changed since its last extraction.

Reads `pages`, writes `extractions`; an unchanged page with a current extraction is skipped, so a
nightly re-run does not pay for extraction again.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import sqlite_utils

from pipeline.store import now_iso, open_db
from pipeline.vocabulary import EXTRACTION_JSON_COLUMNS

log = logging.getLogger(__name__)

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


def analyse_pending_pages(db: sqlite_utils.Database, on_progress: Callable[[int], None] | None = None,
                          should_stop: Callable[[], bool] | None = None) -> int:
    """Extract and save fields for every pending page; return how many were extracted.

    `should_stop` is asked between batches (a background pass stops early when told to).
    """
    from pipeline.extract import PIPELINE_VERSION

    urls = pending_urls(db, PIPELINE_VERSION)
    if not urls:
        return 0  # nothing to do: spaCy and the pipelines are not even loaded
    from pipeline.extract import extract_records

    done = 0
    for start in range(0, len(urls), BATCH):
        pages = load_pages(db, urls[start:start + BATCH])
        done += _extract_batch(db, pages, PIPELINE_VERSION, extract_records)
        if on_progress:
            on_progress(done)
        if should_stop and should_stop():
            break
    return done


class BackgroundAnalysis:
    """Extract pages while the crawl is still storing more, on a thread with its own connection.

    The crawl runs in a child process on one core; without this the job's own process would
    only wait for it, then extract everything afterwards. Whatever this thread has not reached
    when the crawl ends is extracted by the final `analyse_pending_pages` pass, so nothing
    depends on how far it got. Its error, if any, is raised by `stop()`.
    """

    IDLE_SECONDS = 0.5  # between passes that found nothing pending

    def __init__(self, db_path: str | os.PathLike) -> None:
        self.db_path = db_path
        self.done = 0
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="callwatch-extract", daemon=True)

    def __enter__(self) -> BackgroundAnalysis:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop(raise_error=exc[0] is None)

    def stop(self, raise_error: bool = True) -> int:
        """Finish the batch in hand, end the thread; return how many pages it extracted."""
        self._stop.set()
        self._thread.join()
        if self._error is not None and raise_error:
            raise self._error
        return self.done

    def _work(self) -> None:
        try:
            db = open_db(self.db_path)
            try:
                while not self._stop.is_set():
                    found = analyse_pending_pages(db, should_stop=self._stop.is_set)
                    self.done += found
                    if not found:
                        self._stop.wait(self.IDLE_SECONDS)
            finally:
                db.close()
        except BaseException as exc:  # handed to the job's thread by stop()
            self._error = exc


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
        row = {key: result.get(key) for key in ("lang", "kind", "call_status", "deadline", "opening",
                                                 "registration")}
        row.update({key: json.dumps(result.get(key) or [], ensure_ascii=False) for key in EXTRACTION_JSON_COLUMNS})
        row.update(url=result["id"], content_hash=hashes[result["id"]], pipeline_version=version,
                   extracted_at=now_iso())
        rows.append(row)
    with db.conn:
        db["extractions"].upsert_all(rows, pk="url")
    return len(rows)
