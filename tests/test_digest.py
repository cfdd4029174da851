"""Real digests through a real SMTP server on 127.0.0.1: content, parts, filtering, exactly once."""

from __future__ import annotations

import re

import pytest
from digest_store import (
    TODAY,
    SmtpServer,
    add_call,
    add_run,
    add_source_run,
    add_sources,
    free_port,
    parts,
    smtp_section,
    write_config,
)

from pipeline.config import load_config
from pipeline.digest import send_digests
from pipeline.store import open_db


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def db(tmp_path):
    db = open_db(tmp_path / "callwatch.db")
    add_sources(db)  # as the crawl records them
    return db


def _store_with_a_night(db):
    """Run 1 saw an old call (digested then); run 2 found new calls, one already past its deadline."""
    r1 = add_run(db, day="2026-11-19")
    add_source_run(db, r1, "vgr", pages=12)
    add_source_run(db, r1, "skane-eu", pages=8)
    add_call(db, "old-call", "Old call seen before", r1, deadline="2027-03-01")
    with db.conn:  # last night's digest covered run 1
        db["digests"].insert({"started_at": "2026-11-19T02:00:00+00:00", "run_id": r1, "since_run": 0,
                              "until_run": r1, "status": "ok"})
    r2 = add_run(db, status="partial", day="2026-11-21")
    add_source_run(db, r2, "vgr", pages=12)
    add_source_run(db, r2, "skane-eu", status="failed", pages=0, error="HTTP 503 from https://skane.example/news")
    add_call(db, "thcs", "Transforming health and care systems", r2, deadline="2026-12-01",
             funders=("Horizon Europe",), topics=("health-care", "digitalisation"), sources=("eu-portal",),
             identifier="HORIZON-HLTH-2025-CARE-01-01", url="https://ec.europa.eu/topic/HORIZON-HLTH-2025-CARE-01-01")
    add_call(db, "innovair", "Innovair: sustainable aviation", r2, deadline="2027-02-10",
             funders=("Vinnova",), topics=("transport-mobility",), sources=("vgr",))
    add_call(db, "expired", "A call that already closed", r2, deadline="2026-11-01", topics=("health-care",))
    return r2


def test_digest_arrives_as_text_and_html_with_what_is_new(tmp_path, db, smtp):
    run_id = _store_with_a_night(db)
    config = load_config(write_config(tmp_path, smtp_section(smtp.port) + """
[digest]
language = "en"

[[recipients]]
email = "anna@region.example"
name = "Anna"
"""))
    summary = send_digests(db, config, run_id, today=TODAY)

    assert summary.sent == ["anna@region.example"] and summary.status == "ok"
    [message] = smtp.inbox.to("anna@region.example")
    text, html = parts(message)
    assert message["From"].addresses[0].addr_spec == "callwatch@region.example"
    assert "2 new calls" in message["Subject"]
    for body in (text, html):
        assert "Transforming health and care systems" in body
        assert "Horizon Europe" in body
        assert "2026-12-01" in body and "9 days left" in body
        assert "Health and care, Digitalisation, data and AI" in body
        assert "HORIZON-HLTH-2025-CARE-01-01" in body
        assert "Innovair: sustainable aviation" in body
        # Closed calls are not news; a call seen in an earlier digest window is not new.
        assert "A call that already closed" not in body
        assert "Old call seen before" not in body
        # Source health: the failed source is named with its error.
        assert "Source health" in body and "skane-eu" in body and "HTTP 503" in body
    assert 'href="https://ec.europa.eu/topic/HORIZON-HLTH-2025-CARE-01-01"' in html
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "<style" not in html.lower()  # inline CSS only
    # The new call closing within 14 days is said once, in the first section it belongs to.
    assert html.count("Transforming health and care systems") == 1


def test_each_recipient_only_gets_what_matches_their_subscription(tmp_path, db, smtp):
    run_id = _store_with_a_night(db)
    config = load_config(write_config(tmp_path, smtp_section(smtp.port) + """
[digest]
language = "en"
source_health = false

[[recipients]]
email = "health@region.example"
topics = ["health-care"]

[[recipients]]
email = "skane@region.example"
regions = ["vastra-gotaland"]

[[recipients]]
email = "vinnova@region.example"
funders = ["vinnova"]
kinds = ["funding-call"]

[[recipients]]
email = "events@region.example"
kinds = ["event"]

[[recipients]]
email = "ops@region.example"
topics = ["energy"]
source_health = true
"""))
    summary = send_digests(db, config, run_id, today=TODAY)

    def body(address):
        [message] = smtp.inbox.to(address)
        return parts(message)[0]

    assert "Transforming health" in body("health@region.example")
    assert "Innovair" not in body("health@region.example")
    assert "Innovair" in body("skane@region.example")
    assert "Transforming health" not in body("skane@region.example")
    assert "Innovair" in body("vinnova@region.example")
    assert "Transforming health" not in body("vinnova@region.example")
    # Nothing matched and no health subscription: no email at all.
    assert smtp.inbox.to("events@region.example") == []
    assert summary.skipped == ["events@region.example"]
    # Health subscribers get the source-health section even when no call matched.
    ops = body("ops@region.example")
    assert "skane-eu" in ops and "Innovair" not in ops
    assert "Source health" not in body("health@region.example")


def test_rerunning_the_digest_does_not_resend_and_the_next_night_sends_only_news(tmp_path, db, smtp):
    run_id = _store_with_a_night(db)
    config = load_config(write_config(tmp_path, smtp_section(smtp.port) + """
[[recipients]]
email = "anna@region.example"
language = "en"
"""))
    send_digests(db, config, run_id, today=TODAY)
    again = send_digests(db, config, run_id, today=TODAY)
    assert len(smtp.inbox.to("anna@region.example")) == 1
    assert again.sent == [] and again.skipped == ["anna@region.example"]

    next_run = add_run(db, day="2026-11-22")
    add_source_run(db, next_run, "vgr", pages=12)
    add_source_run(db, next_run, "skane-eu", pages=8)
    add_call(db, "life", "LIFE nature and biodiversity", next_run, deadline="2027-04-01", funders=("LIFE",))
    send_digests(db, config, next_run, today=TODAY)
    first, second = smtp.inbox.to("anna@region.example")
    text = parts(second)[0]
    assert "LIFE nature and biodiversity" in text
    assert "Transforming health" not in text and "Innovair" not in text
    assert "skane-eu" not in text  # it recovered: no health item tonight


def test_smtp_down_then_up_delivers_everything_exactly_once(tmp_path, db):
    run_id = _store_with_a_night(db)
    port = free_port()  # nothing listens here yet
    config = load_config(write_config(tmp_path, smtp_section(port) + """
[[recipients]]
email = "anna@region.example"
language = "en"
"""))
    down = send_digests(db, config, run_id, today=TODAY)
    assert down.status == "failed" and "anna@region.example" in down.failed
    assert db.execute("select status from digests where id = ?", [down.digest_id]).fetchone()[0] == "failed"
    pending = db.execute("select count(*) from outbox where status = 'pending'").fetchone()[0]
    assert pending >= 3  # two new calls, a closing-soon item and the failed source wait

    # A new call arrives while the server is still down; then the server comes back.
    later = add_run(db, day="2026-11-22")
    add_source_run(db, later, "vgr", pages=12)
    add_call(db, "life", "LIFE nature and biodiversity", later, deadline="2027-04-01")
    with SmtpServer(port) as smtp:
        up = send_digests(db, config, later, today=TODAY)
        once_more = send_digests(db, config, later, today=TODAY)
    assert up.sent == ["anna@region.example"] and once_more.sent == []
    [message] = smtp.inbox.to("anna@region.example")
    text = parts(message)[0]
    for title in ("Transforming health and care systems", "Innovair", "LIFE nature and biodiversity", "skane-eu"):
        assert title in text
    assert db.execute("select count(*) from outbox where status = 'pending'").fetchone()[0] == 0


def test_a_script_in_a_scraped_title_arrives_escaped(tmp_path, db, smtp):
    run_id = add_run(db)
    add_source_run(db, run_id, "vgr", pages=3)
    add_call(db, "xss", '<script>alert("x")</script> Regional call & more', run_id,
             url="javascript:alert(1)")
    config = load_config(write_config(tmp_path, smtp_section(smtp.port) + """
[[recipients]]
email = "anna@region.example"
"""))
    send_digests(db, config, run_id, today=TODAY)
    [message] = smtp.inbox.to("anna@region.example")
    text, html = parts(message)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Regional call &amp; more" in html
    assert "<script" not in html.lower()
    assert "javascript:" not in html  # only http(s) links are kept
    assert '<script>alert("x")</script> Regional call & more' in text


def test_swedish_labels_by_config(tmp_path, db, smtp):
    run_id = _store_with_a_night(db)
    config = load_config(write_config(tmp_path, smtp_section(smtp.port) + """
[digest]
language = "sv"

[[recipients]]
email = "anna@region.example"
"""))
    send_digests(db, config, run_id, today=TODAY)
    [message] = smtp.inbox.to("anna@region.example")
    text, html = parts(message)
    assert "2 nya utlysningar" in message["Subject"]
    for body in (text, html):
        assert "Nya utlysningar" in body and "9 dagar kvar" in body and "Källornas hälsa" in body
    assert re.search(r'<html lang="sv">', html)


def test_the_subject_names_new_partner_searches_events_and_moves_as_what_they_are(tmp_path, db, smtp):
    r1 = add_run(db, day="2026-11-10")
    add_call(db, "moved", "Interreg call with a new deadline", r1, deadline="2027-01-15")
    with db.conn:
        db["digests"].insert({"started_at": "2026-11-10T02:00:00+00:00", "run_id": r1, "since_run": 0,
                              "until_run": r1, "status": "ok"})
    r2 = add_run(db, day="2026-11-21")
    add_call(db, "partners", "Partner sought: telemedicine in the Arctic", r2, kind="partner-search")
    add_call(db, "info-day", "Infodag om hälsoutlysningarna", r2, kind="event", deadline=None,
             events=("2026-12-10",))
    add_call(db, "soon", "Opens next week", r2, deadline="2027-03-01", opening="2026-11-27")
    with db.conn:
        db["call_events"].insert({"call_id": "moved", "run_id": r2, "field": "deadline", "old_value": "2027-01-15",
                                  "new_value": "2027-02-20", "at": "2026-11-21T01:00:00+00:00"})
    config = load_config(write_config(tmp_path, smtp_section(smtp.port) + """
[[recipients]]
email = "sv@region.example"
language = "sv"

[[recipients]]
email = "en@region.example"
language = "en"
"""))
    send_digests(db, config, r2, today=TODAY)
    [sv] = smtp.inbox.to("sv@region.example")
    [en] = smtp.inbox.to("en@region.example")
    assert sv["Subject"] == ("callwatch 2026-11-22: 1 ny utlysning, 1 ny partnersökning, 1 nytt evenemang, "
                             "1 ändrad sista ansökningsdag")
    assert en["Subject"] == "callwatch 2026-11-22: 1 new call, 1 new partner search, 1 new event, 1 deadline moved"
    assert "uppdatering" not in sv["Subject"] and "update" not in en["Subject"]
