"""The done-when run end to end: a local site crawled twice by the real Scrapy crawl, extracted
by the real spaCy pipeline, detected into the register, read back through `callwatch calls`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from calls_store import TODAY
from click.testing import CliRunner
from conftest import FAST_CRAWL, write_sources
from site_server import SnapshotServer, SnapshotSite

from crawlers.crawl import run_crawl
from pipeline.analyse import analyse_pending_pages
from pipeline.cli import cli
from pipeline.detect import detect_calls
from pipeline.store import finish_run, open_db, start_run

PAGE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{title} - Regionen</title></head>
<body><header><nav><a href="/">Startsida</a> <a href="/utlysningar/">Utlysningar</a></nav></header>
<main><article><h1>{title}</h1><p>{body}</p>
<p>Ansökan görs i regionens e-tjänst. Kontakta regionens EU-samordnare i god tid innan ansökan lämnas in,
så hjälper vi dig att formulera projektidén och hitta rätt partner.</p></article></main>
<footer><p>Regionens växel 010-000 00 00</p></footer></body></html>"""

CALLS = {
    "checkar": ("Utlysning: Innovationscheckar för små företag",
                "Västra Götalandsregionen utlyser innovationscheckar för små och medelstora företag. "
                "Du kan söka upp till 300 000 kronor. Sista ansökningsdag är den 15 mars 2027."),
    "halsa": ("Utlysning: Hälsoinnovation i primärvården",
              "Vinnova utlyser medel för projekt inom hälsa och vård. Sista dag att ansöka är "
              "10 april 2027. Projekten kan få högst 2 miljoner kronor."),
    "energi": ("Utlysning: Energieffektiva lokaler",
               "Energimyndigheten utlyser stöd till energieffektivisering av lokaler. "
               "Sista ansökningsdag är den 20 maj 2027."),
}


def write_site(root: Path, slugs: list[str], moved: dict[str, str] | None = None) -> None:
    (root / "utlysningar").mkdir(parents=True, exist_ok=True)
    links = "".join(f'<li><a href="/utlysningar/{s}.html">{CALLS[s][0]}</a></li>' for s in slugs)
    (root / "utlysningar" / "index.html").write_text(
        f"<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>Utlysningar</title></head>"
        f"<body><main><h1>Utlysningar</h1><ul>{links}</ul></main></body></html>", encoding="utf-8")
    for slug in slugs:
        title, body = CALLS[slug]
        for old, new in (moved or {}).items():
            body = body.replace(old, new)
        (root / "utlysningar" / f"{slug}.html").write_text(PAGE.format(title=title, body=body), encoding="utf-8")


def nightly(db_path: Path, sources: Path) -> int:
    db = open_db(db_path)
    run_id = start_run(db)
    run_crawl(db_path, run_id, sources, (), settings=FAST_CRAWL)
    analyse_pending_pages(db)
    finish_run(db, run_id)
    detect_calls(db, run_id, today=TODAY)
    db.close()
    return run_id


def test_second_crawl_adds_one_call_and_moves_one_deadline(tmp_path):
    root = tmp_path / "site"
    write_site(root, ["checkar", "halsa"])
    db_path = tmp_path / "callwatch.db"
    with SnapshotServer(SnapshotSite(root)) as server:
        sources = write_sources(tmp_path / "sources.toml", [{
            "name": "region-utlysningar", "kind": "listing", "url": f"{server.url}/utlysningar/",
            "follow": r"/utlysningar/[a-z]+\.html$",
        }])
        nightly(db_path, sources)
        write_site(root, ["checkar", "halsa", "energi"], moved={"10 april 2027": "24 april 2027"})
        run2 = nightly(db_path, sources)

    result = CliRunner().invoke(cli, ["calls", "--db", str(db_path), "--new", "--format", "json"])
    assert result.exit_code == 0, result.output
    new = json.loads(result.output)
    assert [c["title"] for c in new] == ["Utlysning: Energieffektiva lokaler"]
    assert new[0]["deadline"] == "2027-05-20" and new[0]["is_new"] is True

    everything = json.loads(CliRunner().invoke(cli, ["calls", "--db", str(db_path), "--format", "json"]).output)
    assert len(everything) == 3
    with sqlite3.connect(db_path) as conn:
        moves = conn.execute(
            "select run_id, title, old_value, new_value from call_history where field = 'deadline'"
        ).fetchall()
    assert moves == [(run2, "Utlysning: Hälsoinnovation i primärvården", "2027-04-10", "2027-04-24")]
