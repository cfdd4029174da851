"""One opportunity's register fields: merged from its pages, dated as of today, and its id."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from pipeline.matching import PageFacts, normalise_name
from pipeline.vocabulary import derive_status, key_dates, next_deadline

DESCRIPTION_CHARS = 600


def merge_fields(group: list[PageFacts]) -> dict[str, Any]:
    """The register fields of one opportunity from its pages (sorted best source first)."""
    best = group[0]
    cutoffs = next((p.cutoffs for p in group if p.cutoffs), [])
    opening = next((p.opening[:10] for p in group if p.opening), None)
    events = sorted({d for p in group for d in p.events})
    funders: dict[str, dict[str, Any]] = {}
    for page in group:
        for funder in page.funders:
            if isinstance(funder, dict) and funder.get("name"):
                funders.setdefault(normalise_name(funder["name"]), funder)
    amounts = {
        (a.get("value"), a.get("currency")): a for p in group for a in p.amounts if isinstance(a, dict)
    }
    text = next((p.text for p in group if p.text), None)
    return {
        "title": next((p.title for p in group if p.title), best.url),
        "kind": best.kind,
        "url": best.url,
        "identifier": next((p.identifier_label or p.identifier for p in group if p.identifier), None),
        # the call a topic (or round) belongs to: a field of each, never a reason to merge them
        "call_identifier": next((p.parent_label for p in group if p.parent_label), None),
        "call_title": next((p.parent_title for p in group if p.parent_label), None),
        "opening": opening,
        "cutoffs": cutoffs,
        "events": events,
        "registration": min((p.registration for p in group if p.registration), default=None),
        "fallback_status": next((p.call_status for p in group if p.call_status), None),
        "funders": list(funders.values()),
        "topics": sorted({t for p in group for t in p.topics if isinstance(t, str)}),
        "amounts": list(amounts.values()),
        "description": " ".join(text.split())[:DESCRIPTION_CHARS] if text else None,
        "last_seen_run": max((p.last_seen_run or 0 for p in group), default=None),
        "last_seen": max((p.last_seen or "" for p in group), default=None) or None,
    }


def dated_fields(kind: str | None, opening: str | None, cutoffs: list[str], events: list[str],
                 fallback_status: str | None, today: date) -> dict[str, Any]:
    """Deadline (next key date) and status as of `today`: an event is open until its date passed."""
    dates = key_dates(kind, cutoffs, events)
    status = derive_status(opening, dates, today) or fallback_status
    return {"deadline": next_deadline(dates, today) if dates else None, "status": status}


def deadline_moved(old: str | None, new: str | None, old_cutoffs: list[str], new_cutoffs: list[str]) -> bool:
    """A different next deadline, unless it only moved on to a cut-off already known (time passed)."""
    if old == new:
        return False
    return not (old and new and old in new_cutoffs and new in old_cutoffs)


def call_id_for(group: list[PageFacts]) -> str:
    """A readable id derived from the identifier, else from the best page's URL."""
    best = group[0]
    prefix = "" if best.kind == "funding-call" else f"{best.kind}-"
    identifier = next((p.identifier for p in group if p.identifier), None)
    if identifier:
        return prefix + re.sub(r"[^a-z0-9]+", "-", identifier.lower()).strip("-")
    return f"{prefix or 'call-'}{hashlib.sha1(best.url.encode()).hexdigest()[:12]}"
