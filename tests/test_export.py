"""`callwatch export`: the iCalendar file parses back with icalendar, UIDs are stable, Atom is valid."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import icalendar
from calls_store import extraction, html_page, night, open_store, portal_page
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.export import render_atom
from pipeline.vocabulary import today_in_stockholm

ATOM = "{http://www.w3.org/2005/Atom}"
SKANE = "https://skane.example/"


def export(db_path, tmp_path, name: str) -> tuple[bytes, bytes]:
    ics, atom = tmp_path / f"{name}.ics", tmp_path / f"{name}.xml"
    result = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--ics", str(ics), "--atom", str(atom)])
    assert result.exit_code == 0, result.output
    return ics.read_bytes(), atom.read_bytes()


def vevents(ics: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(ics)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def first_night(db):
    two_stage = portal_page("HORIZON-CL5-2026-D3-02", "Two-stage batteries", "2027-01-20",
                            cutoffs=["2027-01-20", "2027-09-02"])
    care = portal_page("HORIZON-HLTH-2025-CARE-01-01", "Digital tools for care", "2027-04-16")
    info_day = html_page(SKANE + "infodag", "skane-eu", "Infodag: Horizon Europe hälsa")
    undated = html_page(SKANE + "partner", "skane-eu", "Partnersök utan datum")
    ex = {info_day["url"]: extraction(kind="event", events=("2026-12-03",)),
          undated["url"]: extraction(kind="partner-search")}
    night(db, [two_stage, care, info_day, undated], ex)
    return two_stage, care, info_day, undated


def test_ics_has_one_all_day_event_per_deadline_and_event_date(tmp_path):
    path, db = open_store(tmp_path)
    first_night(db)
    ics, _ = export(path, tmp_path, "a")

    events = vevents(ics)
    starts = sorted((e.decoded("dtstart"), str(e["summary"])) for e in events.values())
    assert starts == [
        (date(2026, 12, 3), "Infodag: Horizon Europe hälsa"),
        (date(2027, 1, 20), "Deadline: Two-stage batteries"),
        (date(2027, 4, 16), "Deadline: Digital tools for care"),
        (date(2027, 9, 2), "Deadline: Two-stage batteries"),
    ]
    assert len(set(events)) == 4 and all(uid.endswith("@callwatch") for uid in events)
    for event in events.values():
        assert event.decoded("dtend") == event.decoded("dtstart").fromordinal(
            event.decoded("dtstart").toordinal() + 1)
        assert "dtstamp" in event
    calendar = icalendar.Calendar.from_ical(ics)
    calendar.validate()  # PRODID, VERSION and at least one component
    assert calendar["version"] == "2.0"
    assert all({"uid", "dtstamp", "dtstart", "summary"} <= {k.lower() for k in e} for e in events.values())


def test_uids_are_stable_and_a_moved_deadline_updates_the_same_event(tmp_path):
    path, db = open_store(tmp_path)
    two_stage, care, info_day, undated = first_night(db)
    ics1, atom1 = export(path, tmp_path, "first")
    ics_again, atom_again = export(path, tmp_path, "again")
    assert ics_again == ics1 and atom_again == atom1  # nothing changed: same bytes

    moved = portal_page("HORIZON-HLTH-2025-CARE-01-01", "Digital tools for care", "2027-05-20")
    night(db, [two_stage, moved, info_day, undated], {info_day["url"]: extraction(kind="event",
                                                                                 events=("2026-12-03",))})
    ics2, _ = export(path, tmp_path, "second")

    before, after = vevents(ics1), vevents(ics2)
    assert set(before) == set(after)
    uid = "horizon-hlth-2025-care-01-01-deadline-2027-04-16@callwatch"  # the date first published
    assert before[uid].decoded("dtstart") == date(2027, 4, 16)
    assert after[uid].decoded("dtstart") == date(2027, 5, 20)
    assert int(after[uid]["sequence"]) > int(before[uid]["sequence"])


def test_atom_feed_of_new_calls_is_valid_and_escapes_scraped_text(tmp_path):
    path, db = open_store(tmp_path)
    today = today_in_stockholm()  # the feed holds calls still open today: dates relative to it
    night(db, [portal_page("EU4H-2026-PJ-02", "Cancer screening", (today + timedelta(days=90)).isoformat())],
          today=today)
    hostile = html_page(SKANE + "x", "skane-eu", "<script>alert(1)</script> Bidrag & stöd\x0b")
    night(db, [hostile], {hostile["url"]: extraction(deadline=(today + timedelta(days=60)).isoformat())}, today=today)
    _, atom = export(path, tmp_path, "feed")

    feed = ET.fromstring(atom)
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["<script>alert(1)</script> Bidrag & stöd", "Cancer screening"]  # newest first
    assert b"<script>" not in atom
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 2 and all(i.startswith("tag:") for i in ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}updated") and entry.find(f"{ATOM}link").get("href").startswith("http")
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")


def test_a_cut_off_added_before_another_leaves_the_others_uid_alone(tmp_path):
    path, db = open_store(tmp_path)
    night(db, [portal_page("HORIZON-CL5-2026-D3-02", "Two-stage batteries", "2027-09-02", cutoffs=["2027-09-02"])])
    ics1, _ = export(path, tmp_path, "one")
    # the portal adds a first stage before the existing cut-off
    night(db, [portal_page("HORIZON-CL5-2026-D3-02", "Two-stage batteries", "2027-01-20",
                           cutoffs=["2027-01-20", "2027-09-02"])])
    ics2, _ = export(path, tmp_path, "two")

    before, after = vevents(ics1), vevents(ics2)
    second_stage = "horizon-cl5-2026-d3-02-deadline-2027-09-02@callwatch"
    assert set(before) == {second_stage}
    assert set(after) == {second_stage, "horizon-cl5-2026-d3-02-deadline-2027-01-20@callwatch"}
    assert after[second_stage].decoded("dtstart") == date(2027, 9, 2)  # not renumbered, not moved


def test_a_deadline_moved_twice_keeps_its_first_uid(tmp_path):
    path, db = open_store(tmp_path)
    for deadline in ("2027-04-16", "2027-05-20", "2027-06-01"):
        night(db, [portal_page("HORIZON-HLTH-2025-CARE-01-01", "Digital tools for care", deadline)])
    events = vevents(export(path, tmp_path, "moved")[0])
    assert list(events) == ["horizon-hlth-2025-care-01-01-deadline-2027-04-16@callwatch"]
    [event] = events.values()
    assert event.decoded("dtstart") == date(2027, 6, 1) and int(event["sequence"]) == 2


def _entries(atom: bytes) -> dict[str, ET.Element]:
    return {e.findtext(f"{ATOM}title"): e for e in ET.fromstring(atom).findall(f"{ATOM}entry")}


def test_atom_feed_holds_open_funding_calls_only_each_with_its_own_timestamps(tmp_path):
    path, db = open_store(tmp_path)
    today = today_in_stockholm()
    ahead, later, months_ago = (today + timedelta(days=d) for d in (60, 90, -120))
    night(db, [portal_page("EU4H-2026-PJ-02", "Cancer screening", ahead.isoformat())], today=today)
    closed = html_page(SKANE + "gammal", "skane-eu", "Utlysning som stängde i somras")
    event = html_page(SKANE + "infodag", "skane-eu", "Infodag om hälsoutlysningarna")
    partner = html_page(SKANE + "partner", "skane-eu", "Partnersökning: e-hälsa i Arktis")
    care = portal_page("HORIZON-HLTH-2025-CARE-01-01", "Digital tools for care", ahead.isoformat())
    night(db, [closed, event, partner, care],
          {closed["url"]: extraction(deadline=months_ago.isoformat()),
           event["url"]: extraction(kind="event", events=(ahead.isoformat(),)),
           partner["url"]: extraction(kind="partner-search", deadline=ahead.isoformat())}, today=today)
    with db.conn:  # the second night was a day later
        db.execute("update calls set first_seen = '2026-01-02T01:00:00+00:00' where first_seen_run = 2")
        db.execute("update calls set first_seen = '2026-01-01T01:00:00+00:00' where first_seen_run = 1")
    moved = portal_page("EU4H-2026-PJ-02", "Cancer screening", later.isoformat())
    night(db, [moved, closed, event, partner, care], today=today)

    _, atom = export(path, tmp_path, "feed")
    entries = _entries(atom)
    assert set(entries) == {"Digital tools for care", "Cancer screening"}  # no closed call, event or partner search
    moved_entry, new_entry = entries["Cancer screening"], entries["Digital tools for care"]
    assert moved_entry.findtext(f"{ATOM}published") == "2026-01-01T01:00:00+00:00"
    assert moved_entry.findtext(f"{ATOM}updated") > moved_entry.findtext(f"{ATOM}published")  # its deadline moved
    assert new_entry.findtext(f"{ATOM}published") == new_entry.findtext(f"{ATOM}updated") == "2026-01-02T01:00:00+00:00"
    feed = ET.fromstring(atom)
    assert feed.findtext(f"{ATOM}updated") == moved_entry.findtext(f"{ATOM}updated")

    # events and partner searches have feeds of their own
    assert set(_entries(render_atom(db, kind="event"))) == {"Infodag om hälsoutlysningarna"}
    assert set(_entries(render_atom(db, kind="partner-search"))) == {"Partnersökning: e-hälsa i Arktis"}
