"""The revisit policy as a pure function: stored facts of a page + today -> due or not, and why."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pipeline.revisit import (
    DROPPED,
    ENTRY_CHANGED,
    FULL,
    INTERVAL,
    LIVE,
    NEW,
    NOT_DUE,
    POLICY,
    RETRY,
    UNREAD,
    Sighting,
    StoredPage,
    Walk,
    decide,
    first_interval,
    next_interval,
)

TODAY = date(2026, 3, 2)
URL = "https://region.example/aktuellt/nyhet.html"


def old_news(**facts) -> StoredPage:
    """A stored, extracted page with nothing ahead, last fetched yesterday."""
    base = dict(url=URL, stored=True, extracted=True, last_checked=TODAY - timedelta(days=1), interval_days=7,
                entry="teaser-1", listed_run=4, listed_depth=1, checked_run=3)
    return StoredPage(**{**base, **facts})


def test_a_page_never_asked_for_is_due_and_a_full_run_asks_for_everything():
    assert decide(None, TODAY) == (True, NEW)
    assert decide(StoredPage(URL), TODAY) == (True, NEW)
    assert decide(old_news(), TODAY) == (False, NOT_DUE)
    assert decide(old_news(), TODAY, full=True) == (True, FULL)


def test_a_changed_listing_entry_makes_the_page_due_an_unknown_one_does_not():
    assert decide(old_news(), TODAY, Sighting("teaser-2")) == (True, ENTRY_CHANGED)
    assert decide(old_news(), TODAY, Sighting("teaser-1")) == (False, NOT_DUE)
    assert decide(old_news(), TODAY, Sighting(None)) == (False, NOT_DUE)  # e.g. a sitemap without lastmod
    assert decide(old_news(entry=None), TODAY, Sighting("teaser-2")) == (False, NOT_DUE)  # first seen: no change


@pytest.mark.parametrize("facts", [
    {"deadlines": ("2026-05-16",)},  # an open call
    {"deadlines": ("2026-02-28",)},  # closed two days ago: deadlines are often extended on the day
    {"events": ("2026-03-22",)},  # an upcoming event
    {"opening": "2026-04-01", "deadlines": ("2026-06-01",)},  # forthcoming
    {"opening": "2025-01-01"},  # open since, no deadline: a rolling call
    {"status": "open"},  # no dates at all, the register says open
    {"deadlines": ("2025-10-01",), "events": ("2026-03-10",)},  # closed, but its info day is ahead
])
def test_something_still_ahead_is_due_every_run(facts):
    assert decide(old_news(**facts), TODAY) == (True, LIVE)


@pytest.mark.parametrize("facts", [
    {"deadlines": ("2026-02-20",)},  # closed 10 days ago
    {"events": ("2025-11-12",)},  # a past event
    {"opening": "2025-01-01", "deadlines": ("2025-06-01",)},
    {"status": "closed"},
    {"status": "open", "deadlines": ("2025-06-01",)},  # a stale "open" loses against its own dates
    {"deadlines": ("not a date",)},
])
def test_what_is_behind_us_waits_for_its_interval(facts):
    assert decide(old_news(**facts), TODAY) == (False, NOT_DUE)
    assert decide(old_news(**facts), TODAY + timedelta(days=6)) == (True, INTERVAL)


def test_a_page_not_yet_extracted_is_read_again():
    assert decide(old_news(extracted=False), TODAY) == (True, UNREAD)


def test_a_page_that_left_the_listing_is_checked_once():
    walk = Walk(covered_depth=1, previous_run=4)
    assert decide(old_news(), TODAY, None, walk) == (True, DROPPED)
    # still listed, or listed further down than this run read, or known to have left earlier
    assert decide(old_news(), TODAY, Sighting("teaser-1"), walk) == (False, NOT_DUE)
    assert decide(old_news(listed_depth=2), TODAY, None, walk) == (False, NOT_DUE)
    assert decide(old_news(listed_run=2), TODAY, None, walk) == (False, NOT_DUE)
    # checked after it left: once is enough
    assert decide(old_news(checked_run=5, listed_run=4), TODAY, None, Walk(1, 4)) == (False, NOT_DUE)
    # the listing could not be read through: nothing counts as dropped
    assert decide(old_news(), TODAY, None, None) == (False, NOT_DUE)


def test_the_interval_grows_while_unchanged_up_to_its_cap_and_shrinks_on_a_change():
    intervals = [first_interval(URL)]
    for _ in range(4):
        intervals.append(next_interval(URL, intervals[-1], "unchanged", stored_before=True))
    assert POLICY.first_interval_days <= intervals[0] < 2 * POLICY.first_interval_days
    assert intervals[1] == 2 * intervals[0]
    assert intervals[-1] == POLICY.max_interval_days and intervals[-2] == POLICY.max_interval_days
    assert next_interval(URL, 28, "changed", stored_before=True) == 14
    assert next_interval(URL, 14, "changed", stored_before=True) == 7
    assert next_interval(URL, 7, "changed", stored_before=True) == 7
    assert next_interval(URL, 28, "failed", stored_before=True) == 28  # the stored version stands


def test_a_page_is_due_exactly_when_its_interval_is_up():
    page = old_news(last_checked=TODAY, interval_days=14)
    assert decide(page, TODAY + timedelta(days=13)) == (False, NOT_DUE)
    assert decide(page, TODAY + timedelta(days=14)) == (True, INTERVAL)


def test_first_intervals_spread_new_pages_over_a_week_and_a_first_night_over_three():
    urls = [f"https://region.example/aktuellt/artikel-{n}.html" for n in range(600)]
    firsts = [next_interval(url, None, "new", stored_before=False) for url in urls]
    assert set(firsts) == set(range(POLICY.first_interval_days, 2 * POLICY.first_interval_days))
    assert max(firsts.count(days) for days in set(firsts)) < 600 / 4  # no day takes most of them
    assert firsts == [first_interval(url) for url in urls]  # the same every run
    archive = [next_interval(url, None, "new", stored_before=False, full=True) for url in urls]
    assert set(archive) == set(range(POLICY.first_interval_days, POLICY.max_interval_days))
    assert max(archive.count(days) for days in set(archive)) < 600 / 10


def test_a_link_that_never_answered_is_retried_after_1_2_4_days():
    retries = [next_interval(URL, None, "failed", stored_before=False)]
    for _ in range(3):
        retries.append(next_interval(URL, retries[-1], "failed", stored_before=False))
    assert retries == [1, 2, 4, 8]
    failed = StoredPage(URL, stored=False, last_checked=TODAY - timedelta(days=1), interval_days=2)
    assert decide(failed, TODAY) == (False, NOT_DUE)
    assert decide(failed, TODAY + timedelta(days=1)) == (True, RETRY)
