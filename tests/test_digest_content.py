"""What goes into a digest: moved deadlines, opening soon, source health judged by history, the CLI."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from digest_store import (
    TODAY,
    SmtpServer,
    add_call,
    add_event,
    add_run,
    add_source_run,
    add_sources,
    parts,
    smtp_section,
    write_config,
)

from pipeline.cli import cli
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


def _digested(db, run_id):
    with db.conn:
        db["digests"].insert({"started_at": "2026-11-01T02:00:00+00:00", "run_id": run_id, "since_run": 0,
                              "until_run": run_id, "status": "ok"})


def _send(tmp_path, db, smtp, run_id, extra=""):
    config = load_config(write_config(tmp_path, smtp_section(smtp.port) + extra + """
[[recipients]]
email = "anna@region.example"
language = "en"
"""))
    summary = send_digests(db, config, run_id, today=TODAY)
    messages = smtp.inbox.to("anna@region.example")
    return summary, [parts(m)[0] for m in messages]


def test_moved_deadlines_and_calls_opening_soon_are_reported(tmp_path, db, smtp):
    r1 = add_run(db, day="2026-11-10")
    add_call(db, "moved", "Interreg call with a new deadline", r1, deadline="2027-01-15")
    add_call(db, "later", "Call opening next week", r1, deadline="2027-03-01", opening="2026-11-27")
    add_call(db, "far", "Call opening next year", r1, deadline="2027-06-01", opening="2027-02-01")
    _digested(db, r1)
    r2 = add_run(db, day="2026-11-21")
    add_event(db, "moved", r2, "deadline", "2027-01-15", "2027-02-20")
    add_event(db, "moved", r2, "status", "forthcoming", "open")  # not a deadline: not in this section

    _, [text] = _send(tmp_path, db, smtp, r2)
    assert "Deadline moved" in text
    assert "Interreg call with a new deadline" in text and "moved from 2027-01-15 to 2027-02-20" in text
    assert "Opening soon" in text and "Call opening next week" in text and "2026-11-27 (in 5 days)" in text
    assert "Call opening next year" not in text


def test_closing_soon_is_said_once_per_deadline(tmp_path, db, smtp):
    r1 = add_run(db, day="2026-11-10")
    add_call(db, "soon", "Call closing soon", r1, deadline="2026-11-30")
    _digested(db, r1)
    summary, [text] = _send(tmp_path, db, smtp, r1)
    assert "Closing within 14 days" in text and "Call closing soon" in text and "8 days left" in text
    again, texts = _send(tmp_path, db, smtp, r1)
    assert again.sent == [] and len(texts) == 1
    # The deadline is extended but still within 14 days: that is news again.
    r2 = add_run(db, day="2026-11-22")
    add_event(db, "soon", r2, "deadline", "2026-11-30", "2026-12-04")
    _, texts = _send(tmp_path, db, smtp, r2)
    assert len(texts) == 2 and "moved from 2026-11-30 to 2026-12-04" in texts[1]


def test_source_health_reports_silent_failures_judged_by_the_sources_history(tmp_path, db, smtp):
    for day in ("2026-11-17", "2026-11-18", "2026-11-19"):
        run = add_run(db, day=day)
        add_source_run(db, run, "vgr", pages=40)
        add_source_run(db, run, "skane-eu", pages=0, status="empty")  # never returns pages
        add_source_run(db, run, "eu-portal", pages=25)
    _digested(db, run)
    tonight = add_run(db, status="partial", day="2026-11-21")
    add_source_run(db, tonight, "vgr", pages=0, status="empty")  # usually ~40: silently broken
    add_source_run(db, tonight, "skane-eu", pages=0, status="empty")
    add_source_run(db, tonight, "eu-portal", pages=0, status="failed", error="SourceError: HTTP 500 from API")

    _, [text] = _send(tmp_path, db, smtp, tonight)
    health = text.split("Source health", 1)[1]
    # the source's title from the store, with the slug the logs and source_runs use
    assert "Västra Götalandsregionen: utlysningar (vgr) – returned no pages" in health
    assert "usually about 40 pages" in health
    assert "EU Funding & Tenders Portal (eu-portal) – failed" in health and "HTTP 500 from API" in health
    assert "skane-eu" not in health


def test_send_when_empty_sends_a_nothing_new_message(tmp_path, db, smtp):
    run = add_run(db)
    add_source_run(db, run, "vgr", pages=3)
    _digested(db, run)
    _, texts = _send(tmp_path, db, smtp, run)
    assert texts == []
    _, [text] = _send(tmp_path, db, smtp, run, extra="\n[digest]\nsend_when_empty = true\n")
    assert "Nothing new since the last digest" in text


def test_cli_preview_writes_html_and_sends_nothing(tmp_path, db, smtp):
    run = add_run(db)
    add_source_run(db, run, "vgr", pages=3)
    add_call(db, "c1", "Preview me", run, deadline="2026-12-10")
    path = write_config(tmp_path, smtp_section(smtp.port) + '\n[[recipients]]\nemail = "anna@region.example"\n')
    out = tmp_path / "preview" / "digest.html"
    result = CliRunner().invoke(cli, ["digest", "--config", str(path), "--db", str(tmp_path / "callwatch.db"),
                                      "--preview", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Preview me" in html and "Nya utlysningar" in html  # Swedish by default
    assert "Preview me" in out.with_suffix(".txt").read_text(encoding="utf-8")
    assert smtp.inbox.received == []
    assert db.execute("select count(*) from outbox").fetchone()[0] == 0


def test_cli_sends_with_to_and_environment_only(tmp_path, db, smtp, monkeypatch):
    run = add_run(db)
    add_source_run(db, run, "vgr", pages=3)
    add_call(db, "c1", "A call for the ad-hoc address", run, deadline="2099-01-01")
    monkeypatch.delenv("CALLWATCH_CONFIG", raising=False)
    env = {"CALLWATCH_SMTP_HOST": "127.0.0.1", "CALLWATCH_SMTP_PORT": str(smtp.port), "CALLWATCH_SMTP_TLS": "none",
           "CALLWATCH_SMTP_FROM": "robot@region.example"}
    args = ["digest", "--db", str(tmp_path / "callwatch.db"), "--to", "me@region.example"]
    first = CliRunner().invoke(cli, args, env=env)
    assert first.exit_code == 0, first.output
    assert "sent to me@region.example" in first.output
    second = CliRunner().invoke(cli, args, env=env)
    assert "nothing new for me@region.example" in second.output
    [message] = smtp.inbox.to("me@region.example")
    assert "A call for the ad-hoc address" in parts(message)[0]


def test_cli_reports_smtp_failure_and_keeps_items(tmp_path, db):
    run = add_run(db)
    add_call(db, "c1", "Kept for later", run, deadline="2099-01-01")
    env = {"CALLWATCH_SMTP_HOST": "127.0.0.1", "CALLWATCH_SMTP_PORT": "1", "CALLWATCH_SMTP_TLS": "none"}
    result = CliRunner().invoke(cli, ["digest", "--db", str(tmp_path / "callwatch.db"), "--to", "me@x.example"],
                                env=env)
    assert result.exit_code == 1
    assert "FAILED for me@x.example" in result.output and "kept for the next digest" in result.output
    assert db.execute("select status from outbox").fetchall() == [("pending",)]


def test_one_refused_recipient_does_not_stop_the_others_and_is_retried(tmp_path, db, smtp):
    async def refuse_bob(server, session, envelope, address, rcpt_options):
        if address.startswith("bob@"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp.inbox.handle_RCPT = refuse_bob  # aiosmtpd looks handlers up on the handler object
    run = add_run(db)
    add_call(db, "c1", "A call for everyone", run, deadline="2099-01-01")
    config = load_config(write_config(tmp_path, smtp_section(smtp.port) + """
[[recipients]]
email = "bob@region.example"

[[recipients]]
email = "anna@region.example"
"""))
    summary = send_digests(db, config, run, today=TODAY)
    assert summary.status == "partial" and summary.sent == ["anna@region.example"]
    assert "550" in summary.failed["bob@region.example"]
    assert len(smtp.inbox.to("anna@region.example")) == 1
    assert db.execute("select status, attempts from outbox where recipient = 'bob@region.example'").fetchall() == [
        ("pending", 1)]


def test_starttls_required_but_not_offered_sends_nothing_in_clear_text(tmp_path, db, smtp):
    run = add_run(db)
    add_call(db, "c1", "Confidential enough", run, deadline="2099-01-01")
    body = smtp_section(smtp.port).replace('tls = "none"', 'tls = "starttls"')
    config = load_config(write_config(tmp_path, body + '\n[[recipients]]\nemail = "anna@region.example"\n'))
    summary = send_digests(db, config, run, today=TODAY)
    assert summary.status == "failed" and "STARTTLS" in summary.failed["anna@region.example"]
    assert smtp.inbox.received == []
    assert db.execute("select status from outbox").fetchall() == [("pending",)]


def test_without_recipients_the_run_is_not_failed_but_the_command_says_so(tmp_path, db):
    config = load_config(None, env={})
    assert send_digests(db, config, None, today=TODAY).status == "no-recipients"
    result = CliRunner().invoke(cli, ["digest", "--db", str(tmp_path / "callwatch.db")],
                                env={"CALLWATCH_CONFIG": ""})
    assert result.exit_code == 1 and "no recipients" in result.output


def test_events_show_their_date_and_past_events_are_left_out(tmp_path, db, smtp):
    run = add_run(db)
    add_call(db, "info-day", "Info day: EU4Health work programme", run, kind="event", deadline=None,
             events=("2026-11-02", "2026-12-10"))
    add_call(db, "old-event", "Brokerage event that already happened", run, kind="event", deadline=None,
             events=("2026-11-02",))
    _, [text] = _send(tmp_path, db, smtp, run)
    assert "New events" in text and "Info day: EU4Health work programme" in text
    assert "Date: 2026-12-10 (in 18 days)" in text
    assert "Brokerage event" not in text


def test_since_reaches_back_for_a_new_address_without_resending_to_others(tmp_path, db, smtp):
    early = add_run(db, day="2026-11-05")
    add_call(db, "early", "Call found in early November", early, deadline="2099-01-01")
    _, [text] = _send(tmp_path, db, smtp, early)  # anna's first digest covers it
    assert "Call found in early November" in text
    config = load_config(write_config(tmp_path, smtp_section(smtp.port)))
    plain = send_digests(db, config, None, today=TODAY, to=["bob@region.example"])
    assert plain.skipped == ["bob@region.example"]  # nothing new since the last digest
    since = send_digests(db, config, None, today=TODAY, to=["bob@region.example"],
                         since=date(2026, 11, 1))
    assert since.sent == ["bob@region.example"]
    assert "Call found in early November" in parts(smtp.inbox.to("bob@region.example")[0])[0]
    again = send_digests(db, config, None, today=TODAY, to=["anna@region.example"], since=date(2026, 11, 1))
    assert again.skipped == ["anna@region.example"]  # --since never resends what anna already got


def test_a_run_still_in_progress_is_left_for_the_next_digest(tmp_path, db, smtp):
    done = add_run(db, day="2026-11-20")
    add_call(db, "a", "Call from a finished run", done, deadline="2099-01-01")
    with db.conn:
        crawling = db["runs"].insert({"started_at": "2026-11-22T01:00:00+00:00", "status": "running"}).last_pk
    _, [first] = _send(tmp_path, db, smtp, None)  # a manual digest while the nightly run crawls
    assert "Call from a finished run" in first
    add_call(db, "b", "Call detected at the end of that run", crawling, deadline="2099-01-01")
    with db.conn:
        db["runs"].update(crawling, {"status": "ok", "finished_at": "2026-11-22T01:40:00+00:00"})
    _, [_, second] = _send(tmp_path, db, smtp, crawling)
    assert "Call detected at the end of that run" in second and "Call from a finished run" not in second


def test_cli_digest_does_not_race_a_running_job(tmp_path, db, smtp, monkeypatch):
    import importlib

    from pipeline.lock import run_lock

    digest_cli = importlib.import_module("pipeline.cli.digest")  # the attribute is the command

    run = add_run(db)
    add_call(db, "c1", "Not sent twice", run, deadline="2099-01-01")
    monkeypatch.setattr(digest_cli, "LOCK_WAIT_SECONDS", 0)
    env = {"CALLWATCH_SMTP_HOST": "127.0.0.1", "CALLWATCH_SMTP_PORT": str(smtp.port), "CALLWATCH_SMTP_TLS": "none",
           "CALLWATCH_CONFIG": ""}
    db_path = tmp_path / "callwatch.db"
    with run_lock(db_path):  # the nightly job holds the database
        result = CliRunner().invoke(cli, ["digest", "--db", str(db_path), "--to", "me@x.example"], env=env)
    assert result.exit_code == 1 and "another callwatch run is using" in result.output
    assert smtp.inbox.received == []


def test_a_run_that_failed_before_any_source_is_reported(tmp_path, db, smtp):
    run = add_run(db, status="failed")
    with db.conn:
        db["runs"].update(run, {"error": "CrawlError: crawl subprocess exited with 1\nTraceback ..."})
    _, [text] = _send(tmp_path, db, smtp, run)
    assert "the whole run failed" in text and "CrawlError: crawl subprocess exited with 1 Traceback" in text
