"""Builders for calls-register tests: nightly runs written into a real SQLite store.

detect's input is the store (pages, extractions, source_runs), so a "night" here saves pages
with the store's own functions, writes the extraction rows the language pipeline would write,
closes the run and runs detect.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from pipeline.detect import DetectSummary, detect_calls
from pipeline.store import finish_run, open_db, save_page, save_source_run, start_run

TODAY = date(2026, 11, 22)

PORTAL = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/"


def portal_page(identifier: str, title: str, deadline: str, opening: str = "2026-10-01",
                cutoffs: list[str] | None = None, funder: str = "European Commission",
                call: str | None = None) -> dict[str, Any]:
    """A page as the EU portal API spider stores it: the topic's web page plus `meta`."""
    return {
        "url": PORTAL + identifier.lower(),
        "source": "eu-portal",
        "title": title,
        "text": f"{title}. Expected outcome: better care. Deadline {deadline}.",
        "meta": {
            "identifier": identifier, "title": title, "opening": opening, "deadline": deadline,
            "cutoffs": cutoffs or [deadline], "funders": [{"name": funder, "text": funder}],
            "programme": "Horizon Europe", "keywords": [], "amounts": [], "kind": "funding-call",
            "origin": "eu-portal", "call": call,
        },
    }


def html_page(url: str, source: str, title: str, text: str = "") -> dict[str, Any]:
    return {"url": url, "source": source, "title": title, "text": text or f"{title}. Sök nu."}


def extraction(kind: str = "funding-call", deadline: str | None = None, opening: str | None = None,
               funders: tuple[str, ...] = (), identifiers: tuple[str, ...] = (),
               topics: tuple[str, ...] = (), events: tuple[str, ...] = (),
               call_status: str | None = None, registration: str | None = None) -> dict[str, Any]:
    return {
        "kind": kind, "deadline": deadline, "opening": opening, "call_status": call_status,
        "registration": registration,
        "funders": [{"name": f, "text": f} for f in funders], "identifiers": list(identifiers),
        "topics": list(topics), "events": list(events), "amounts": [],
    }


def open_store(tmp_path: Path) -> tuple[Path, sqlite_utils.Database]:
    path = tmp_path / "callwatch.db"
    return path, open_db(path)


def night(db: sqlite_utils.Database, pages: list[dict[str, Any]],
          extractions: dict[str, dict[str, Any]] | None = None, today: date = TODAY,
          sources: dict[str, str] | None = None) -> tuple[int, DetectSummary]:
    """One run: save `pages`, record every source ok (unless `sources` says otherwise), write
    extractions by URL, finish the run, detect. Returns the run id and detect's summary."""
    run_id = crawl_night(db, pages, extractions, sources)
    return run_id, detect_calls(db, run_id, today=today)


def crawl_night(db: sqlite_utils.Database, pages: list[dict[str, Any]],
                extractions: dict[str, dict[str, Any]] | None = None,
                sources: dict[str, str] | None = None) -> int:
    """A night up to detect: what `night` stores before detecting. Returns the run id."""
    run_id = start_run(db)
    statuses = dict.fromkeys({p["source"] for p in pages}, "ok") | (sources or {})
    for page in pages:
        save_page(db, page, run_id)
    for source, status in statuses.items():
        save_source_run(db, run_id, source, status=status,
                        pages_seen=sum(p["source"] == source for p in pages))
    for url, fields in (extractions or {}).items():
        row = {"url": url, "content_hash": "x", "pipeline_version": "test", "extracted_at": "now"}
        row |= {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in fields.items()}
        db["extractions"].upsert(row, pk="url")
    finish_run(db, run_id)
    return run_id


def calls(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(db.query("select * from calls order by id"))


def sources_of(db: sqlite_utils.Database, call_id: str) -> set[str]:
    return {r["source"] for r in db.query("select source from call_pages where call_id = ?", [call_id])}


def events_of(db: sqlite_utils.Database, call_id: str | None = None) -> list[tuple]:
    sql = "select call_id, run_id, field, old_value, new_value from call_events"
    if call_id:
        return [tuple(r.values()) for r in db.query(sql + " where call_id = ? order by id", [call_id])]
    return [tuple(r.values()) for r in db.query(sql + " order by id")]
