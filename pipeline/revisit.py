"""When a stored page is worth asking its site for again: the revisit policy, as pure functions.

A monitor that revalidates every page it ever stored re-reads a region's whole news archive
every night, almost all of it old news, closed calls and past events that cannot matter any
more. This module decides per page, from what the store already knows and today's date, whether
tonight's run asks for it. The first rule that applies decides:

1. a full run (`callwatch run --full`, and a source's first run): every page;
2. a page never asked for: now ("new"); one asked for but never stored (it failed): again
   after 1, 2, 4 ... days ("retry");
3. a page whose entry in its listing, feed (`updated`) or sitemap (`lastmod`) changed: now;
4. a page about something still ahead: an open or forthcoming call, an upcoming event, any
   deadline, opening or event date ahead, or passed less than `grace_days` ago (deadlines are
   often extended on the day): every run ("live"), since a deadline can move any day;
5. a page extraction has not read yet: now ("unread"), since its kind and dates are unknown;
6. a page that was in its listing on the previous run and is not any more: once ("dropped"),
   since only asking for it tells whether it vanished or only moved off the listing;
7. everything else: when its interval is up ("interval"). The first interval is 7 days, spread
   over 7-13 days by the URL so pages found on one night do not all come due on one later night
   (a source's first night, which finds its whole archive at once, spreads them over 7-27 days);
   it doubles each time the page is found unchanged (up to 28 days) and halves when it changed.

Nothing here touches a database: the spiders load the facts (pipeline/revisit_store.py), ask
`decide`, and record what the fetch found with `next_interval`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from pipeline.vocabulary import OPEN_OR_FORTHCOMING, derive_status

FULL = "full"
NEW = "new"
RETRY = "retry"
ENTRY_CHANGED = "entry changed"
LIVE = "live"
UNREAD = "unread"
DROPPED = "dropped"
INTERVAL = "interval"
NOT_DUE = "not due"

# Reasons a listing page itself reveals: a listing page showing none of these has nothing more
# to tell, so paging can stop there (pages due for their own reasons are asked for anyway).
LISTING_REASONS = frozenset({NEW, ENTRY_CHANGED})


@dataclass(frozen=True)
class RevisitPolicy:
    first_interval_days: int = 7
    max_interval_days: int = 28
    grace_days: int = 7  # a date passed less than this long ago still counts as ahead
    retry_days: int = 1  # first wait before asking again for a page that never arrived


POLICY = RevisitPolicy()


@dataclass(frozen=True)
class StoredPage:
    """What the store knows about one page (keyed by the URL its listing links to)."""

    url: str
    stored: bool = False  # a version of the page is in the store
    last_checked: date | None = None  # when it was last asked for (whatever the answer)
    interval_days: int | None = None  # None: never set (the first interval, spread by URL)
    entry: str | None = None  # digest of its listing/feed/sitemap entry as last seen; None: unknown
    listed_run: int | None = None  # the last run whose listing named it
    listed_depth: int | None = None  # on which listing page (1 = the first) it was named then
    checked_run: int | None = None  # the last run that asked for it
    extracted: bool = False  # extraction has read its current text
    status: str | None = None  # call status: of the call it describes, else as extracted
    opening: str | None = None
    deadlines: tuple[str, ...] = ()
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sighting:
    """Where this run's listing, feed or sitemap named the page."""

    entry: str | None = None  # digest of the entry (teaser text, feed item, lastmod); None: unknown
    depth: int = 1


@dataclass(frozen=True)
class Walk:
    """How much of the listing this run read, for telling a page dropped from it."""

    covered_depth: int  # every entry on listing pages 1..covered_depth was seen
    previous_run: int | None  # the last earlier run that read this listing


class Visit(NamedTuple):
    due: bool
    reason: str


def decide(page: StoredPage | None, today: date, sighting: Sighting | None = None, walk: Walk | None = None,
           full: bool = False, policy: RevisitPolicy = POLICY) -> Visit:
    """Whether to ask for `page` tonight, and why. `sighting`: where this run's listing named it
    (None: not named, or not yet known); `walk`: how much of the listing was read (None: unknown,
    so no page counts as dropped)."""
    if full:
        return Visit(True, FULL)
    if page is None or (not page.stored and page.last_checked is None):
        return Visit(True, NEW)
    if not page.stored:
        return Visit(True, RETRY) if interval_is_up(page, today, policy) else Visit(False, NOT_DUE)
    if sighting is not None and sighting.entry and page.entry and sighting.entry != page.entry:
        return Visit(True, ENTRY_CHANGED)
    if is_live(page, today, policy):
        return Visit(True, LIVE)
    if not page.extracted:
        return Visit(True, UNREAD)
    if sighting is None and walk is not None and was_dropped(page, walk):
        return Visit(True, DROPPED)
    if interval_is_up(page, today, policy):
        return Visit(True, INTERVAL)
    return Visit(False, NOT_DUE)


def is_live(page: StoredPage, today: date, policy: RevisitPolicy = POLICY) -> bool:
    """An open or forthcoming call, an upcoming event, or any key date ahead (within the grace)."""
    horizon = today - timedelta(days=policy.grace_days)
    dates = [d for d in (_day(x) for x in (*page.deadlines, *page.events)) if d is not None]
    if any(d >= horizon for d in dates):
        return True
    opening = page.opening if _day(page.opening) else None
    status = derive_status(opening, [d.isoformat() for d in dates], horizon)
    return (status or page.status) in OPEN_OR_FORTHCOMING


def was_dropped(page: StoredPage, walk: Walk) -> bool:
    """Named by the previous run's listing on a page this run read through, not named now, and
    not asked for since it was last named."""
    return (
        page.listed_run is not None
        and page.listed_run == walk.previous_run
        and (page.listed_depth or 1) <= walk.covered_depth
        and (page.checked_run is None or page.checked_run <= page.listed_run)
    )


def interval_is_up(page: StoredPage, today: date, policy: RevisitPolicy = POLICY) -> bool:
    if page.last_checked is None:
        return True
    return today >= page.last_checked + timedelta(days=current_interval(page.url, page.interval_days, policy))


def current_interval(url: str, interval_days: int | None, policy: RevisitPolicy = POLICY) -> int:
    return interval_days if interval_days else first_interval(url, policy)


def first_interval(url: str, policy: RevisitPolicy = POLICY, whole_archive: bool = False) -> int:
    """7-13 days (with the default policy), fixed per URL, so pages found the same night come due
    on different nights; 7-27 days for a page found with its whole archive (a full run)."""
    width = policy.max_interval_days - policy.first_interval_days if whole_archive else policy.first_interval_days
    spread = int(hashlib.sha256(url.encode("utf-8")).hexdigest()[:8], 16) % max(1, width)
    return policy.first_interval_days + spread


def next_interval(url: str, previous: int | None, outcome: str, stored_before: bool,
                  policy: RevisitPolicy = POLICY, full: bool = False) -> int:
    """The interval after tonight's fetch. `outcome`: new | changed | unchanged | failed; `full`:
    tonight read the whole archive (a source's first run, `--full`)."""
    if outcome == "new":
        return first_interval(url, policy, whole_archive=full)
    if outcome == "changed":
        return max(policy.first_interval_days, current_interval(url, previous, policy) // 2)
    if outcome == "unchanged":
        return min(policy.max_interval_days, current_interval(url, previous, policy) * 2)
    if not stored_before:  # failed, never stored: 1, 2, 4 ... days
        return min(policy.max_interval_days, previous * 2) if previous else policy.retry_days
    return current_interval(url, previous, policy)  # failed, but the stored version stands


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
