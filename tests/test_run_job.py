"""`callwatch run` as staff run it: the whole job (crawl -> extract -> detect -> digest) through the
CLI, over a local site on 127.0.0.1, with a real SMTP server. Dates are written relative to today,
since the CLI judges calls against the real date."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_sources
from digest_store import SmtpServer, free_port, parts, smtp_section
from site_server import SnapshotServer, SnapshotSite

from pipeline.cli import cli
from pipeline.store import open_db
from pipeline.vocabulary import today_in_stockholm

MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
             "oktober", "november", "december")

ARTICLE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Startsida</a> <a href="/aktuellt/">Aktuellt</a></nav>
<main><article><h1>{title}</h1><p>{body}</p>
<p>Kontakta regionens EU-kontor om du vill ha stöd i ansökan eller hjälp att hitta partner.</p></article></main>
<footer>Region Exempel, växel 010-000 00 00</footer></body></html>"""


def swedish_date(day: date) -> str:
    return f"{day.day} {MONTHS_SV[day.month - 1]} {day.year}"


def write_news_site(root: Path, articles: dict[str, tuple[str, str]]) -> None:
    (root / "aktuellt").mkdir(parents=True, exist_ok=True)
    links = "".join(f'<li><a href="/aktuellt/{slug}.html">{title}</a></li>' for slug, (title, _) in articles.items())
    (root / "aktuellt" / "index.html").write_text(
        f"<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>Aktuellt</title></head>"
        f"<body><main><h1>Aktuellt</h1><ul>{links}</ul></main></body></html>", encoding="utf-8")
    for slug, (title, body) in articles.items():
        (root / "aktuellt" / f"{slug}.html").write_text(ARTICLE.format(title=title, body=body), encoding="utf-8")


def call_articles() -> dict[str, tuple[str, str]]:
    deadline = swedish_date(today_in_stockholm() + timedelta(days=75))
    event_day = swedish_date(today_in_stockholm() + timedelta(days=20))
    return {
        "utlysning-vard": (
            "Utlysning: digitala lösningar för nära vård",
            f"Tillväxtverket utlyser medel ur Europeiska regionala utvecklingsfonden för projekt som "
            f"utvecklar digitala lösningar för nära vård. Sista ansökningsdag är den {deadline}. "
            f"Projekten kan beviljas högst 4 miljoner kronor."),
        "infomote": (
            "Informationsmöte om utlysningen",
            f"Välkommen till ett digitalt informationsmöte den {event_day} klockan 10.00 där vi "
            f"berättar om utlysningen och svarar på frågor."),
    }


@pytest.fixture
def sources(tmp_path: Path) -> Iterator[Path]:
    """A regional news section with a call and an info meeting, served on 127.0.0.1, as a sources file."""
    root = tmp_path / "site"
    write_news_site(root, call_articles())
    with SnapshotServer(SnapshotSite(root)) as site:
        yield write_sources(tmp_path / "sources.toml", [{
            "name": "region-aktuellt", "kind": "listing", "url": f"{site.url}/aktuellt/",
            "follow": r"/aktuellt/[a-z-]+\.html$"}])


def config_file(tmp_path: Path, sources: Path, db: Path, smtp_port: int) -> Path:
    path = tmp_path / "callwatch.toml"
    path.write_text(f'db = "{db}"\nsources = "{sources}"\n' + smtp_section(smtp_port)
                    + '\n[[recipients]]\nemail = "eu-kontoret@region.example"\n', encoding="utf-8")
    return path


def test_run_with_digest_stores_the_register_and_mails_it_once(tmp_path, sources):
    db_path = tmp_path / "callwatch.db"
    with SmtpServer() as smtp:
        config = config_file(tmp_path, sources, db_path, smtp.port)
        first = CliRunner().invoke(cli, ["run", "--config", str(config), "--digest"])
        second = CliRunner().invoke(cli, ["run", "--config", str(config), "--digest"])

    assert first.exit_code == 0, first.output
    assert "register: 2 opportunities, 2 new" in first.output
    calls = json.loads(CliRunner().invoke(cli, ["calls", "--db", str(db_path), "--format", "json"]).output)
    by_kind = {c["kind"]: c for c in calls}
    assert set(by_kind) == {"funding-call", "event"}
    assert by_kind["funding-call"]["deadline"] == (today_in_stockholm() + timedelta(days=75)).isoformat()
    assert by_kind["funding-call"]["status"] == "open"

    [message] = smtp.inbox.to("eu-kontoret@region.example")  # the second run had nothing new to say
    text, html = parts(message)
    assert "Utlysning: digitala lösningar för nära vård" in text and "Informationsmöte om utlysningen" in html
    assert second.exit_code == 0, second.output
    assert "register: 2 opportunities, 0 new" in second.output
    db = open_db(db_path)
    assert [r["status"] for r in db.query("select status from runs order by id")] == ["ok", "ok"]


def test_smtp_down_does_not_fail_the_run_and_the_digest_is_owed(tmp_path, sources):
    db_path = tmp_path / "callwatch.db"
    dead_port = free_port()
    config = config_file(tmp_path, sources, db_path, dead_port)
    result = CliRunner().invoke(cli, ["run", "--config", str(config), "--digest"])

    assert result.exit_code == 0, result.output
    assert "digest: failed" in result.output
    db = open_db(db_path)
    assert db["calls"].count == 2
    assert {r["status"] for r in db.query("select status from outbox")} == {"pending"}

    with SmtpServer(port=dead_port) as smtp:  # the server is back: the next digest delivers what was owed
        later = CliRunner().invoke(cli, ["digest", "--config", str(config)])
    assert later.exit_code == 0, later.output
    [message] = smtp.inbox.to("eu-kontoret@region.example")
    assert "Utlysning: digitala lösningar för nära vård" in parts(message)[0]


def test_run_without_digest_sends_nothing(tmp_path, sources):
    with SmtpServer() as smtp:
        config = config_file(tmp_path, sources, tmp_path / "callwatch.db", smtp.port)
        result = CliRunner().invoke(cli, ["run", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert smtp.inbox.received == []
    calls = list(open_db(tmp_path / "callwatch.db").query("select first_seen, last_seen from calls"))
    assert len(calls) == 2
    assert all(c["first_seen"] <= c["last_seen"] for c in calls)  # seen first when its page was seen


def test_an_unknown_only_name_is_refused_before_anything_is_written(tmp_path):
    sources = write_sources(tmp_path / "sources.toml", [{
        "name": "region-aktuellt", "kind": "listing", "url": "http://127.0.0.1:9/aktuellt/"}])
    db_path = tmp_path / "callwatch.db"
    result = CliRunner().invoke(cli, ["run", "--sources", str(sources), "--db", str(db_path), "--only", "nosuch"])
    assert result.exit_code != 0
    assert "unknown source(s): nosuch" in result.output
    assert not db_path.exists()


def test_the_nightly_job_runs_the_whole_chain_and_mails_the_digest(tmp_path, sources):
    from scheduler import nightly_job

    db_path = tmp_path / "callwatch.db"
    with SmtpServer() as smtp:
        summary = nightly_job(str(db_path), str(config_file(tmp_path, sources, db_path, smtp.port)))

    assert summary["status"] == "ok" and summary["detect"]["new"] == 2
    assert summary["digest"]["sent"] == ["eu-kontoret@region.example"]
    [message] = smtp.inbox.to("eu-kontoret@region.example")
    assert "Utlysning: digitala lösningar för nära vård" in parts(message)[0]
