"""detect_calls on real SQLite stores: new calls, history, duplicates, vanished pages."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from calls_store import (
    TODAY,
    calls,
    events_of,
    extraction,
    html_page,
    night,
    open_store,
    portal_page,
    sources_of,
)

from pipeline.detect import detect_calls

CARE = "HORIZON-HLTH-2025-CARE-01-01"
SKANE = "https://skane.example/nyheter/"
VGR = "https://vgr.example/utlysningar/"


def test_second_run_flags_only_the_added_call_and_records_the_moved_deadline(tmp_path):
    _, db = open_store(tmp_path)
    care = portal_page(CARE, "Digital tools for care", "2027-04-16")
    stays = portal_page("EU4H-2026-PJ-02", "Cancer screening", "2027-03-01")
    run1, first = night(db, [care, stays])
    assert first.new == 2

    moved = portal_page(CARE, "Digital tools for care", "2027-05-20")
    added = portal_page("HORIZON-CL5-2026-D3-01", "Solar farms", "2027-06-01")
    run2, second = night(db, [moved, stays, added])

    assert second.new == 1
    new_ids = [c["id"] for c in calls(db) if c["first_seen_run"] == run2]
    assert new_ids == ["horizon-cl5-2026-d3-01"]
    care_id = "horizon-hlth-2025-care-01-01"
    assert (care_id, run2, "deadline", "2027-04-16", "2027-05-20") in events_of(db, care_id)
    assert {c["id"]: c["deadline"] for c in calls(db)}[care_id] == "2027-05-20"
    assert {c["id"]: c["first_seen_run"] for c in calls(db)}[care_id] == run1


def test_rerunning_and_recrawling_never_makes_a_call_new_again(tmp_path):
    _, db = open_store(tmp_path)
    page = html_page(VGR + "1", "vgr", "Regional utvecklingsfond 2027")
    ex = {page["url"]: extraction(deadline="2027-02-01", funders=("Västra Götalandsregionen",))}
    run1, _ = night(db, [page], ex)
    ids_before = [c["id"] for c in calls(db)]

    again = detect_calls(db, run1, today=TODAY)  # the same night, detect re-run
    run2, next_night = night(db, [page], ex)  # re-crawled and re-extracted the next night

    assert again.new == 0 and again.events == 0
    assert next_night.new == 0 and next_night.events == 0
    assert [c["id"] for c in calls(db)] == ids_before
    assert [c["first_seen_run"] for c in calls(db)] == [run1]


def test_same_call_on_portal_and_regional_news_is_one_call_with_both_sources(tmp_path):
    _, db = open_store(tmp_path)
    portal = portal_page(CARE, "Digital tools for care", "2027-04-16")
    news = html_page(SKANE + "care", "skane-eu", "Ny EU-utlysning om digital vård",
                     f"Kommissionen har öppnat {CARE}. Sista dag 16 april 2027.")
    ex = {news["url"]: extraction(deadline="2027-04-16", identifiers=(CARE,),
                                   funders=("Region Skåne",), topics=("health",))}
    night(db, [portal, news], ex)

    [call] = calls(db)
    assert sources_of(db, call["id"]) == {"eu-portal", "skane-eu"}
    assert call["url"] == portal["url"]  # the API source is the best URL
    assert call["title"] == "Digital tools for care"
    assert call["identifier"] == CARE
    assert "Region Skåne" in call["funders"] and "European Commission" in call["funders"]
    assert call["topics"] == '["health"]'


def test_pages_without_identifier_match_on_title_funder_and_deadline(tmp_path):
    _, db = open_store(tmp_path)
    a = html_page(VGR + "a", "vgr", "Utlysning: Innovationscheckar för små företag")
    b = html_page(SKANE + "b", "skane-eu", "Innovationscheckar för små företag")
    ex = {u: extraction(deadline="2027-03-15", funders=("Tillväxtverket",)) for u in (a["url"], b["url"])}
    night(db, [a, b], ex)

    [call] = calls(db)
    assert sources_of(db, call["id"]) == {"vgr", "skane-eu"}


def test_different_calls_with_similar_titles_stay_apart(tmp_path):
    _, db = open_store(tmp_path)
    pages = [
        html_page(VGR + "2026", "vgr", "Innovation for healthy ageing 2026"),
        html_page(VGR + "2027", "vgr", "Innovation for healthy ageing 2027"),
        html_page(SKANE + "other-deadline", "skane-eu", "Innovation for healthy ageing 2027"),
        html_page(SKANE + "other-funder", "skane-eu", "Innovation for healthy ageing 2026"),
        portal_page("HORIZON-HLTH-2026-STAYHLTH-01", "Healthy ageing", "2027-04-01"),
        portal_page("HORIZON-HLTH-2026-STAYHLTH-02", "Healthy ageing", "2027-04-01"),
    ]
    ex = {
        VGR + "2026": extraction(deadline="2027-02-01", funders=("Vinnova",)),
        VGR + "2027": extraction(deadline="2027-02-01", funders=("Vinnova",)),
        SKANE + "other-deadline": extraction(deadline="2027-09-01", funders=("Vinnova",)),
        SKANE + "other-funder": extraction(deadline="2027-02-01", funders=("Formas",)),
    }
    night(db, pages, ex)

    assert len(calls(db)) == 6


def test_a_regional_page_seen_first_keeps_its_id_when_the_portal_call_appears(tmp_path):
    _, db = open_store(tmp_path)
    news = html_page(SKANE + "care", "skane-eu", "Digital tools for care")
    ex = {news["url"]: extraction(deadline="2027-04-16", funders=("European Commission",))}
    run1, _ = night(db, [news], ex)
    [first] = calls(db)

    run2, summary = night(db, [news, portal_page(CARE, "Digital tools for care", "2027-04-16")], ex)

    [call] = calls(db)
    assert summary.new == 0
    assert call["id"] == first["id"] and call["first_seen_run"] == run1
    assert call["identifier"] == CARE
    assert (call["id"], run2, "source_added", None, PORTAL_URL) in events_of(db, call["id"])


PORTAL_URL = portal_page(CARE, "x", "2027-01-01")["url"]


def test_two_existing_calls_found_to_be_one_are_merged_into_the_older(tmp_path):
    _, db = open_store(tmp_path)
    portal = portal_page(CARE, "Digital tools for care", "2027-04-16")
    news = html_page(SKANE + "care", "skane-eu", "EU-pengar till digital vård")
    run1, _ = night(db, [portal, news], {news["url"]: extraction(deadline="2027-04-16")})
    assert len(calls(db)) == 2

    # Re-extraction now finds the identifier in the news item: it is the portal's call.
    run2, summary = night(db, [portal, news], {news["url"]: extraction(deadline="2027-04-16",
                                                                         identifiers=(CARE,))})
    [call] = calls(db)
    assert summary.merged == 1 and summary.new == 0
    assert call["first_seen_run"] == run1
    assert sources_of(db, call["id"]) == {"eu-portal", "skane-eu"}


def test_status_changes_when_only_time_passes(tmp_path):
    _, db = open_store(tmp_path)
    page = portal_page(CARE, "Digital tools for care", "2026-12-01", opening="2026-11-25")
    night(db, [page], today=date(2026, 11, 22))
    [call] = calls(db)
    assert call["status"] == "forthcoming"

    run2, _ = night(db, [page], today=date(2026, 11, 26))
    run3 = night(db, [], today=date(2026, 12, 2))[0]  # no page seen: the call still ages

    history = [e for e in events_of(db, call["id"]) if e[2] == "status"]
    assert history == [(call["id"], run2, "status", "forthcoming", "open"),
                       (call["id"], run3, "status", "open", "closed")]


def test_next_cutoff_passing_is_not_a_moved_deadline(tmp_path):
    _, db = open_store(tmp_path)
    page = portal_page(CARE, "Two-stage call", "2026-12-01", cutoffs=["2026-12-01", "2027-05-01"])
    night(db, [page], today=date(2026, 11, 22))
    night(db, [page], today=date(2026, 12, 5))

    [call] = calls(db)
    assert call["deadline"] == "2027-05-01" and call["status"] == "open"
    assert [e for e in events_of(db) if e[2] == "deadline"] == []


def test_page_vanished_only_when_its_source_ran_fine(tmp_path):
    _, db = open_store(tmp_path)
    a = html_page(VGR + "a", "vgr", "Regional utvecklingsfond")
    b = html_page(SKANE + "b", "skane-eu", "Partnersök: Interreg Öresund")
    other = html_page(VGR + "other", "vgr", "Om oss")
    ex = {a["url"]: extraction(deadline="2027-02-01"),
          b["url"]: extraction(kind="partner-search", deadline="2027-01-10")}
    night(db, [a, b], ex)

    run2, summary = night(db, [other], sources={"skane-eu": "failed"})

    assert summary.pages_vanished == 1
    vanished = [e for e in events_of(db) if e[2] == "page_vanished"]
    assert [(e[1], e[3]) for e in vanished] == [(run2, a["url"])]
    assert len(calls(db)) == 2  # the call stays in the register

    run3, _ = night(db, [a, other])
    assert [e[4] for e in events_of(db) if e[2] == "page_returned"] == [a["url"]]


def test_a_news_page_naming_identifiers_becomes_a_source_not_a_call(tmp_path):
    _, db = open_store(tmp_path)
    night(db, [portal_page(CARE, "Digital tools for care", "2027-04-16")])
    roundup = html_page(SKANE + "roundup", "skane-eu", "Veckans EU-utlysningar")
    run2, summary = night(db, [roundup], {roundup["url"]: extraction(
        kind="news", identifiers=(CARE, "HORIZON-CL6-2026-BIODIV-01"))})

    [call] = calls(db)
    assert summary.new == 0 and summary.sources_added == 1
    assert sources_of(db, call["id"]) == {"eu-portal", "skane-eu"}
    roles = {r["url"]: r["role"] for r in db.query("select url, role from call_pages")}
    assert roles[roundup["url"]] == "mentions"

    night(db, [portal_page(CARE, "Digital tools for care", "2027-04-16"), html_page(SKANE, "skane-eu", "Start")])
    assert [e for e in events_of(db) if e[2] == "page_vanished"] == []  # an aged-out mention is no change


def test_a_page_naming_a_portal_call_is_a_source_of_each_of_its_topics(tmp_path):
    _, db = open_store(tmp_path)
    call = "HORIZON-HLTH-2025-CARE-01"
    topics = [portal_page(f"{call}-0{n}", f"Care topic {n}", "2027-04-16", call=call) for n in (1, 2)]
    # The portal's own topic pages name their parent call too: that must not link siblings.
    ex = {t["url"]: extraction(identifiers=(t["meta"]["identifier"], call)) for t in topics}
    news = html_page(SKANE + "care-call", "skane-eu", "Två ämnen i vårdutlysningen")
    ex[news["url"]] = extraction(kind="news", identifiers=(call,))
    night(db, [*topics, news], ex)

    links = {(r["call_id"], r["url"], r["role"]) for r in db.query("select * from call_pages")}
    assert links == {
        ("horizon-hlth-2025-care-01-01", topics[0]["url"], "describes"),
        ("horizon-hlth-2025-care-01-02", topics[1]["url"], "describes"),
        ("horizon-hlth-2025-care-01-01", news["url"], "mentions"),
        ("horizon-hlth-2025-care-01-02", news["url"], "mentions"),
    }


def test_api_meta_overrides_extracted_fields(tmp_path):
    _, db = open_store(tmp_path)
    page = portal_page(CARE, "Digital tools for care", "2027-04-16")
    night(db, [page], {page["url"]: extraction(kind="news", deadline="2030-01-01", identifiers=("X-1",))})

    [call] = calls(db)
    assert call["kind"] == "funding-call" and call["deadline"] == "2027-04-16"
    assert call["identifier"] == CARE


def test_an_event_is_its_own_opportunity_and_closes_after_its_date(tmp_path):
    _, db = open_store(tmp_path)
    info_day = html_page(SKANE + "infodag", "skane-eu", "Infodag om Horizon Europe hälsa")
    night(db, [portal_page(CARE, "Digital tools for care", "2027-04-16"), info_day],
          {info_day["url"]: extraction(kind="event", events=("2026-12-03",), identifiers=(CARE,))})
    by_kind = {c["kind"]: c for c in calls(db)}
    assert set(by_kind) == {"funding-call", "event"}
    assert by_kind["event"]["status"] == "open"
    assert by_kind["event"]["deadline"] == "2026-12-03"  # an event sorts and filters by its date
    assert info_day["url"] in {r["url"] for r in db.query(
        "select url from call_pages where call_id = ?", [by_kind["funding-call"]["id"]])}

    night(db, [], today=date(2026, 12, 4))
    assert {c["kind"]: c["status"] for c in calls(db)}["event"] == "closed"


def test_an_events_registration_deadline_reaches_the_register(tmp_path):
    _, db = open_store(tmp_path)
    info_day = html_page(SKANE + "infodag", "skane-eu", "Infodag om Horizon Europe hälsa")
    night(db, [info_day], {info_day["url"]: extraction(kind="event", events=("2026-12-03",),
                                                       registration="2026-11-28")})
    [event] = calls(db)
    assert (event["registration"], event["deadline"], event["status"]) == ("2026-11-28", "2026-12-03", "open")


def test_malformed_extraction_json_does_not_stop_the_run(tmp_path, caplog):
    _, db = open_store(tmp_path)
    bad = html_page(VGR + "bad", "vgr", "Trasig rad")
    good = html_page(VGR + "good", "vgr", "Hel rad")
    ex = {bad["url"]: {**extraction(deadline="2027-01-01"), "funders": "{not json"},
          good["url"]: extraction(deadline="2027-01-02")}
    night(db, [bad, good], ex)

    assert len(calls(db)) == 2
    assert "malformed funders" in caplog.text


def test_a_failing_detect_leaves_the_register_as_it_was(tmp_path):
    _, db = open_store(tmp_path)
    night(db, [portal_page(CARE, "Digital tools for care", "2027-04-16")])
    before = (calls(db), events_of(db))

    # The history is written last: failing there, after the calls and links were written, must
    # take those writes back too.
    db.execute("create trigger full_disk before insert on call_events begin select raise(abort, 'disk full'); end")
    moved = portal_page(CARE, "Digital tools for care", "2027-05-20")
    added = portal_page("EU4H-2026-PJ-02", "Cancer screening", "2027-03-01")
    with pytest.raises(sqlite3.DatabaseError, match="disk full"):
        night(db, [moved, added])

    assert (calls(db), events_of(db)) == before


def test_a_page_that_becomes_an_event_mentions_its_call_the_same_night(tmp_path):
    _, db = open_store(tmp_path)
    portal = portal_page(CARE, "Digital tools for care", "2027-04-16")
    news = html_page(SKANE + "care", "skane-eu", "Digital tools for care")
    night(db, [portal, news], {news["url"]: extraction(deadline="2027-04-16", identifiers=(CARE,))})

    # Re-read, the page is an info day about the call: an opportunity of its own naming the call.
    as_event = {news["url"]: extraction(kind="event", events=("2026-12-03",), identifiers=(CARE,))}
    night(db, [portal, news], as_event)
    roles = {(r["call_id"], r["role"]) for r in db.query("select * from call_pages where url = ?", [news["url"]])}
    assert roles == {("horizon-hlth-2025-care-01-01", "mentions"), ("event-horizon-hlth-2025-care-01-01", "describes")}

    _, unchanged = night(db, [portal, news], as_event)
    assert unchanged.events == 0
