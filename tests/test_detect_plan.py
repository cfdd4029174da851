"""The detect plan with no database: facts and a register in, the changes out.

Each night's register is the one the previous plan produced (`Changes.register`), so a sequence
of nights is planned in memory; the last test checks that the writer makes the stored register
exactly the planned one.
"""

from __future__ import annotations

import copy
from datetime import date

from calls_store import crawl_night, extraction, html_page, night, open_store, portal_page

from pipeline.detect import plan_changes
from pipeline.detect.changes import CallEvent, Changes
from pipeline.detect.facts import Facts, PageSighting, Register, read_facts, read_register
from pipeline.detect.plan import SEEN_COLUMNS
from pipeline.detect.writer import write_changes
from pipeline.matching import PageFacts, normalise_identifier

TODAY = date(2026, 11, 22)
CARE = "HORIZON-HLTH-2025-CARE-01-01"
CARE_ID = "horizon-hlth-2025-care-01-01"
PORTAL_URL = "https://portal.example/care"
NEWS_URL = "https://skane.example/nyheter/vard"


def portal(run: int, deadline: str = "2027-04-16", identifier: str = CARE) -> PageFacts:
    """The portal's page of a topic as the API states it, last seen in `run`."""
    return PageFacts(url=PORTAL_URL, source="eu-portal", kind="funding-call", title="Digital tools for care",
                     identifier=normalise_identifier(identifier), identifier_label=identifier,
                     identifiers=[normalise_identifier(identifier)], opening="2026-10-01", cutoffs=[deadline],
                     from_api=True, first_seen_run=1, last_seen_run=run, last_seen=f"2026-11-{run:02d}T02:00")


def news(run: int, names: tuple[str, ...] = ()) -> PageFacts:
    """A regional news item about a call, naming `names` (official ids) in its text."""
    ids = [normalise_identifier(n) for n in names]
    return PageFacts(url=NEWS_URL, source="skane-eu", kind="funding-call", title="EU-pengar till digital vård",
                     identifier=ids[0] if len(ids) == 1 else None, identifier_label=names[0] if names else None,
                     identifiers=ids, cutoffs=["2027-04-16"], first_seen_run=1, last_seen_run=run,
                     last_seen=f"2026-11-{run:02d}T02:00")


def plan(run: int, pages: list[PageFacts], register: Register | None = None, *, failed: tuple[str, ...] = (),
         sightings: dict[str, PageSighting] | None = None, today: date = TODAY) -> Changes:
    """Plan night `run`: `pages` stated (and stored, with `sightings` of other stored pages), every
    source of theirs ran fine but `failed`."""
    sightings = {p.url: PageSighting(p.source, p.last_seen_run) for p in pages} | (sightings or {})
    sources = {p.source for p in pages} | {s.source for s in sightings.values()}
    facts = Facts(run_id=run, read_at=f"2026-11-{run:02d}T03:00", pages=pages, sightings=sightings,
                  sources_ok=frozenset(sources - set(failed)))
    return plan_changes(facts, register or Register(), today)


def test_a_new_call_is_a_new_row_with_its_page_and_no_history():
    changes = plan(1, [portal(1)])

    [call] = changes.new_calls
    assert (call["id"], call["identifier"], call["deadline"], call["status"]) == (CARE_ID, CARE, "2027-04-16", "open")
    assert call["first_seen_run"] == 1 and call["url"] == PORTAL_URL
    assert [(link["call_id"], link["url"], link["role"]) for link in changes.new_links] == [
        (CARE_ID, PORTAL_URL, "describes")]
    assert changes.events == []  # being new is the news: no history rows
    assert changes.summary().new == 1


def test_a_moved_deadline_updates_the_call_and_records_old_and_new():
    first = plan(1, [portal(1)])
    changes = plan(2, [portal(2, deadline="2027-05-20")], first.register)

    assert changes.new_calls == [] and changes.removed_calls == []
    assert changes.updated_calls[CARE_ID]["deadline"] == "2027-05-20"
    assert changes.events == [CallEvent(CARE_ID, "deadline", "2027-04-16", "2027-05-20")]
    assert changes.summary().updated == 1


def test_a_page_vanishes_only_when_asked_for_and_its_source_ran_fine():
    first = plan(1, [news(1)])
    [call_id] = first.register.calls
    gone = {NEWS_URL: PageSighting("skane-eu", 1)}  # stored, last seen in run 1, not stated tonight

    changes = plan(2, [], first.register, sightings=gone)
    assert changes.events == [CallEvent(call_id, "page_vanished", NEWS_URL, None)]
    assert changes.updated_links == {(call_id, NEWS_URL): {"vanished_run": 2}}
    assert list(changes.register.calls) == [call_id]  # the call stays in the register

    assert plan(2, [], first.register, sightings=gone, failed=("skane-eu",)).events == []

    not_due = {NEWS_URL: PageSighting("skane-eu", 1, not_asked=True)}  # the revisit policy let it be
    assert plan(2, [], first.register, sightings=not_due).events == []

    returned = plan(3, [news(3)], changes.register)
    assert CallEvent(call_id, "page_returned", None, NEWS_URL) in returned.events
    assert returned.register.links[(call_id, NEWS_URL)]["vanished_run"] is None


def test_a_duplicate_is_folded_into_the_older_call_with_its_pages_and_history():
    first = plan(1, [news(1)])
    [news_call] = first.register.calls
    second = plan(2, [news(2), portal(2)], first.register)  # the news item names no id: two calls
    assert set(second.register.calls) == {news_call, CARE_ID}

    # Re-read, the news item names the portal's topic: both calls are one opportunity.
    changes = plan(3, [news(3, names=(CARE,)), portal(3)], second.register)

    assert changes.removed_calls == [CARE_ID] and changes.merges == [(CARE_ID, news_call)]
    assert CallEvent(news_call, "merged", CARE_ID, news_call) in changes.events
    [kept] = changes.register.calls.values()
    assert kept["id"] == news_call and kept["first_seen_run"] == 1 and kept["identifier"] == CARE
    assert set(changes.register.links) == {(news_call, NEWS_URL), (news_call, PORTAL_URL)}
    assert (CARE_ID, PORTAL_URL) in changes.removed_links
    assert changes.summary().merged == 1 and changes.summary().new == 0


def test_a_page_found_to_be_about_another_call_leaves_the_first():
    first = plan(1, [portal(1), news(1, names=(CARE,))])
    assert list(first.register.calls) == [CARE_ID]

    other, other_id = "HORIZON-HLTH-2025-CARE-02-01", "horizon-hlth-2025-care-02-01"
    changes = plan(2, [portal(2), news(2, names=(other,))], first.register)  # re-read: another topic

    assert [c["id"] for c in changes.new_calls] == [other_id]
    assert changes.removed_links == [(CARE_ID, NEWS_URL)]
    assert set(changes.register.links) == {(CARE_ID, PORTAL_URL), (other_id, NEWS_URL)}


def test_an_unchanged_night_plans_nothing_but_the_sighting():
    first = plan(1, [portal(1), news(1)])
    assert plan(1, [portal(1), news(1)], first.register).is_empty  # detect re-run on the same night

    next_night = plan(2, [portal(2), news(2)], first.register)
    assert next_night.events == [] and next_night.new_calls == [] and next_night.merges == []
    assert all(set(columns) <= SEEN_COLUMNS for columns in next_night.updated_calls.values())
    assert all(set(columns) == {"last_seen_run"} for columns in next_night.updated_links.values())
    assert next_night.summary().updated == 0


def test_only_time_passing_closes_a_call_no_page_states_any_more():
    first = plan(1, [portal(1, deadline="2026-12-01")])
    changes = plan(2, [], first.register, today=date(2026, 12, 2))

    assert changes.events == [CallEvent(CARE_ID, "status", "open", "closed")]
    assert changes.updated_calls == {CARE_ID: {"status": "closed"}}


def test_planning_leaves_its_inputs_as_they_were():
    first = plan(1, [news(1)])
    register, pages = copy.deepcopy(first.register), [news(2, names=(CARE,)), portal(2)]
    stated = copy.deepcopy(pages)

    plan(2, pages, register)

    assert register == first.register and pages == stated


def test_the_writer_makes_the_stored_register_the_planned_one(tmp_path):
    """Three nights on a real store (a fold, a vanished page, a mention); the third planned and
    written by hand: what is stored afterwards is exactly the plan's register."""
    _, db = open_store(tmp_path)
    portal_html = portal_page(CARE, "Digital tools for care", "2027-04-16")
    skane = html_page("https://skane.example/care", "skane-eu", "EU-pengar till digital vård")
    vgr = html_page("https://vgr.example/fond", "vgr", "Regional utvecklingsfond")
    roundup = html_page("https://skane.example/roundup", "skane-eu", "Veckans utlysningar")
    night(db, [portal_html, skane, vgr], {skane["url"]: extraction(deadline="2027-04-16"),
                                          vgr["url"]: extraction(deadline="2027-02-01")})
    run2 = crawl_night(db, [portal_html, skane, roundup, html_page("https://vgr.example/", "vgr", "Start")],
                       {skane["url"]: extraction(deadline="2027-04-20", identifiers=(CARE,)),
                        roundup["url"]: extraction(kind="news", identifiers=(CARE,))})

    with db.atomic():
        changes = plan_changes(read_facts(db, run2), read_register(db), TODAY)
        write_changes(db, changes)

    assert {e.field for e in changes.events} >= {"merged", "page_vanished", "source_added"}
    assert read_register(db) == changes.register
    stored = [tuple(r) for r in db.execute("select call_id, field, old_value, new_value from call_events "
                                           "where run_id = ? order by id", [run2])]
    assert stored == [(e.call_id, e.field, e.old, e.new) for e in changes.events]
