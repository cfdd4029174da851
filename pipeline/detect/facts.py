"""What detect reads from the store: the facts pages state, and the register as it stands.

Both are plain data (no connection kept), so the plan can be computed and tested without a
database. Pages come from `pages` joined with `extractions`, API `meta` taking precedence; call
documents (PDF, DOCX) are folded into the article that links to them.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from pipeline.call_documents import complete_with_documents
from pipeline.matching import PageFacts, normalise_identifier, primary_identifier
from pipeline.store import now_iso
from pipeline.vocabulary import decode_json_list

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageSighting:
    """Where a stored page comes from, the last run that saw it, and whether tonight's run left
    it alone: the revisit policy did not ask for it (it is no more missing than it is seen)."""

    source: str
    last_seen_run: int | None
    not_asked: bool = False


@dataclass
class Facts:
    """What the store says after run `run_id`, read at `read_at` (the time detect stamps on its rows)."""

    run_id: int
    read_at: str
    pages: list[PageFacts] = field(default_factory=list)  # pages with an extraction or API meta
    sightings: dict[str, PageSighting] = field(default_factory=dict)  # every stored page, by url
    sources_ok: frozenset[str] = frozenset()  # sources that ran fine in this run


@dataclass
class Register:
    """The calls register: `calls` rows by id (in store order) and `call_pages` rows by (call_id, url)."""

    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


def read_register(db: sqlite_utils.Database) -> Register:
    return Register(
        calls={row["id"]: row for row in db.query("select * from calls")},
        links={(row["call_id"], row["url"]): row for row in db.query("select * from call_pages")},
    )


def read_facts(db: sqlite_utils.Database, run_id: int) -> Facts:
    """The pages' facts, every stored page's sighting and the sources that ran fine in `run_id`."""
    # A page with `page_revisits` rows, none of them asked for in this run, was not due tonight.
    sightings = {
        url: PageSighting(source, last_seen_run, not_asked=bool(revisits) and (checked_run or 0) < run_id)
        for url, source, last_seen_run, revisits, checked_run in db.execute(
            """select p.url, p.source, p.last_seen_run, count(v.page_url), max(v.checked_run)
               from pages p left join page_revisits v on v.page_url = p.url
               group by p.url"""
        ).fetchall()
    }
    sources_ok = frozenset(source for (source,) in db.execute(
        "select source from source_runs where run_id = ? and status = 'ok'", [run_id]).fetchall())
    return Facts(run_id=run_id, read_at=now_iso(), pages=read_page_facts(db), sightings=sightings,
                 sources_ok=sources_ok)


def read_page_facts(db: sqlite_utils.Database) -> list[PageFacts]:
    """Every page with an extraction or API meta, meta fields taking precedence."""
    rows = db.query(
        """select p.url, p.source, p.title, p.text, p.meta, p.first_seen_run, p.last_seen_run,
                  p.last_seen, p.parent_url, e.kind, e.call_status, e.deadline, e.opening, e.events,
                  e.funders, e.topics, e.amounts, e.identifiers, e.registration
           from pages p left join extractions e on e.url = p.url
           where p.meta is not null or e.url is not null
           order by p.url"""
    )
    pages: list[PageFacts] = []
    documents: dict[str, list[PageFacts]] = defaultdict(list)  # article URL -> its call documents
    for row in rows:
        facts = _page_facts(row)
        (documents[row["parent_url"]] if row["parent_url"] else pages).append(facts)
    return [complete_with_documents(page, documents.get(page.url, ())) for page in pages]


def _page_facts(row: dict[str, Any]) -> PageFacts:
    url = row["url"]
    meta = _meta(row["meta"], url)
    extracted_ids = _list(row, "identifiers")
    meta_id = normalise_identifier(meta.get("identifier"))
    identifier = meta_id or primary_identifier(extracted_ids)
    label = str(meta["identifier"]).strip() if meta_id else next(
        (str(x).strip() for x in extracted_ids if normalise_identifier(x) == identifier), identifier)
    identifiers = sorted({i for i in (normalise_identifier(x) for x in [meta_id, *extracted_ids]) if i})
    deadline = meta.get("deadline") or row["deadline"]
    cutoffs = meta.get("cutoffs") or ([deadline] if deadline else [])
    return PageFacts(
        url=url,
        source=row["source"],
        kind=meta.get("kind") or row["kind"],
        title=meta.get("title") or row["title"],
        text=row["text"],
        identifier=identifier,
        identifier_label=label,
        identifiers=identifiers,
        parent_identifier=normalise_identifier(meta.get("call")),
        parent_label=str(meta["call"]).strip() if meta.get("call") else None,
        parent_title=str(meta["call_title"]).strip() if meta.get("call") and meta.get("call_title") else None,
        opening=meta.get("opening") or row["opening"],
        cutoffs=sorted({str(d)[:10] for d in cutoffs if d}),
        events=sorted({str(d)[:10] for d in _list(row, "events") if d}),
        registration=(row["registration"] or "")[:10] or None,
        call_status=row["call_status"],
        funders=meta.get("funders") or _list(row, "funders"),
        topics=_list(row, "topics"),
        amounts=meta.get("amounts") or _list(row, "amounts"),
        from_api=bool(meta),
        first_seen_run=row["first_seen_run"],
        last_seen_run=row["last_seen_run"],
        last_seen=row["last_seen"],
    )


def _meta(value: str | None, url: str) -> dict[str, Any]:
    """An API page's `meta` object; a malformed value is logged and ignored, never fatal for the run."""
    if value is None or value == "":
        return {}
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        log.warning("ignoring malformed meta JSON of %s", url)
        return {}
    if not isinstance(parsed, dict):
        log.warning("ignoring meta of %s: expected an object", url)
        return {}
    return parsed


def _list(row: dict[str, Any], column: str) -> list[Any]:
    return decode_json_list(row[column], what=f"{column} of {row['url']}")
