"""The words every stage shares: page kinds, source kinds, call statuses, the JSON-list columns,
and THE rule that decides a call's status from its dates and today's date.

Everything that needs one of these imports it from here; nothing defines its own copy. The
status is always derived from dates, never copied from a source's (possibly stale) status code.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

# --- page kinds --------------------------------------------------------------------------------
# What a page is about, as extraction decides it (the order breaks ties in the kind classifier).
FUNDING_CALL = "funding-call"
PARTNER_SEARCH = "partner-search"
EVENT = "event"
PageKind = Literal["funding-call", "partner-search", "event", "news", "project", "info"]  # for pydantic
PAGE_KINDS: tuple[str, ...] = get_args(PageKind)
# The kinds that become opportunities in the calls register (the others are only context).
REGISTER_KINDS = (FUNDING_CALL, PARTNER_SEARCH, EVENT)

# --- source kinds ------------------------------------------------------------------------------
# How a source is read: generic web spiders, and the APIs with a spider of their own.
SourceKind = Literal["listing", "feed", "sitemap", "eu-portal", "vinnova"]  # each has a spider in crawlers/spiders
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)

# --- call statuses -----------------------------------------------------------------------------
FORTHCOMING = "forthcoming"
OPEN = "open"  # can be applied for today: "open" means this and only this, everywhere
CLOSED = "closed"
CALL_STATUSES = (FORTHCOMING, OPEN, CLOSED)
OPEN_OR_FORTHCOMING = (OPEN, FORTHCOMING)  # open today or announced to open

# --- JSON-list columns -------------------------------------------------------------------------
CALL_JSON_COLUMNS = ("funders", "topics", "amounts", "cutoffs", "events")  # in `calls`
EXTRACTION_JSON_COLUMNS = ("events", "funders", "topics", "amounts", "identifiers")  # in `extractions`

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def today_in_stockholm() -> date:
    """The date the offices work by: a run after midnight UTC but before midnight here is 'today'."""
    return datetime.now(STOCKHOLM).date()


def decode_json_list(value: Any, *, what: str | None = None) -> list[Any]:
    """A JSON-list column as a list: NULL, empty, malformed or non-list values give [].

    A stored value is never fatal for its reader; with `what` (e.g. "funders of <url>") a
    malformed value is logged.
    """
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        if what:
            log.warning("ignoring malformed %s: not JSON", what)
        return []
    if not isinstance(parsed, list):
        if what:
            log.warning("ignoring malformed %s: not a JSON list", what)
        return []
    return parsed


def key_dates(kind: str | None, cutoffs: Sequence[str], events: Sequence[str]) -> list[str]:
    """The dates a call is judged by: its cut-offs; for an event without any, the event's dates."""
    return list(cutoffs) or (list(events) if kind == EVENT else [])


def derive_status(opening: str | None, deadlines: Sequence[str], today: date) -> str | None:
    """THE call-status rule. 'forthcoming' before opening, 'open' until the last cut-off (a
    cut-off today is still ahead), 'closed' after it; None when there are no dates to judge by."""
    if opening and date.fromisoformat(opening[:10]) > today:
        return FORTHCOMING
    dates = sorted(date.fromisoformat(d[:10]) for d in deadlines if d)
    if dates:
        return OPEN if dates[-1] >= today else CLOSED
    return OPEN if opening else None


def next_deadline(deadlines: Sequence[str], today: date) -> str | None:
    """The next cut-off still ahead (today counts), else the last one."""
    dates = sorted({d[:10] for d in deadlines if d})
    ahead = [d for d in dates if date.fromisoformat(d) >= today]
    return ahead[0] if ahead else (dates[-1] if dates else None)


def status_today(call: Mapping[str, Any], today: date) -> str | None:
    """A register row's status on `today` by the rule above (its JSON columns decoded or not);
    a row without any date keeps its stored status."""
    dates = key_dates(call.get("kind"), decode_json_list(call.get("cutoffs")), decode_json_list(call.get("events")))
    if not dates and call.get("deadline"):
        dates = [call["deadline"]]
    try:
        return derive_status(call.get("opening"), [str(d) for d in dates], today) or call.get("status")
    except ValueError:  # a date the store should never hold: judge by the stored status
        log.warning("call %s has a malformed date; using its stored status", call.get("id"))
        return call.get("status")
