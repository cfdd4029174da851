"""Untrusted content: hostile titles and texts crawled for real reach every output safely.

Two real crawl paths carry the same hostile text into SQLite: a call page on a local site
(HTML, through trafilatura, which already drops control characters) and a round from the
local Vinnova API (JSON, stored as published, controls and bidi overrides included). Then
every way the register is shown must stay safe: the terminal table, JSON, CSV, the digest's
HTML and text parts, the iCalendar and Atom exports, and full-text search.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from conftest import write_sources
from fake_apis import VINNOVA_ROUNDS, VinnovaApi, serve
from site_server import SnapshotServer, SnapshotSite
from test_calls_site import PAGE

from pipeline.cli import cli
from pipeline.cli.calls import CSV_FIELDS

CONTROLS = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\x7f"
HOSTILE = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> '); DROP TABLE calls; -- \" OR 1=1 -- "
    "[bold red]x[/] [link=https://evil.example]klick[/link] :warning: "
    f"ctl{CONTROLS}end \x1b[31mröd\x1b[0m \u202egnp.exe \u200bzw\u200d 🚀 e\u0301 a\u0308"
)
FORMULA = '=HYPERLINK("https://evil.example","Ansök")'
PAGE_TITLE = "Utlysning: " + HOSTILE + " " + "A" * 5000
VINNOVA_TITLE = f"{FORMULA} Vinnova {HOSTILE}"
# What no shown text may carry: C0/C1 controls but tab and newline, DEL, bidi overrides.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TABLES = {"pages", "page_versions", "runs", "source_runs", "extractions", "calls", "call_pages", "call_events"}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real `callwatch run` over the hostile site page and the hostile Vinnova round."""
    tmp = tmp_path_factory.mktemp("untrusted")
    (tmp / "site" / "utlysningar").mkdir(parents=True)
    (tmp / "site" / "utlysningar" / "index.html").write_text(
        "<html><body><a href='/utlysningar/farlig.html'>Utlysning</a></body></html>", encoding="utf-8")
    body = (html.escape(HOSTILE) + " Västra Götalandsregionen utlyser innovationscheckar. "
            "Sista ansökningsdag är 15 mars 2027.")
    (tmp / "site" / "utlysningar" / "farlig.html").write_text(
        PAGE.format(title=html.escape(PAGE_TITLE), body=body), encoding="utf-8")
    [round_] = json.loads(VINNOVA_ROUNDS.read_text(encoding="utf-8-sig"))[:1]
    round_.update(Titel=VINNOVA_TITLE, Beskrivning=HOSTILE)
    api = VinnovaApi(rounds_json=json.dumps([round_]).encode())
    path = tmp / "cw.db"
    with SnapshotServer(SnapshotSite(tmp / "site")) as site, serve(vinnova=api) as base:
        sources = write_sources(tmp / "sources.toml", [
            {"name": "region", "kind": "listing", "url": f"{site.url}/utlysningar/",
             "follow": r"/utlysningar/[a-z]+\.html$"},
            {"name": "vinnova", "kind": "vinnova", "url": f"{base}/api"},
        ])
        result = CliRunner().invoke(cli, ["run", "--sources", str(sources), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def calls_cli(db_path: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["calls", "--db", str(db_path), *args], env={"COLUMNS": "20000"})
    assert result.exit_code == 0, result.output
    return result.output


def test_the_store_keeps_hostile_text_as_published_and_loses_no_table(db_path):
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
        titles = dict(conn.execute("select case when url like '%vinnova%' then 'vinnova' else 'site' end, title "
                                   "from calls").fetchall())
    assert TABLES <= tables
    assert titles["vinnova"].startswith(FORMULA)
    for piece in ("'); DROP TABLE calls; --", '" OR 1=1 --', "<script>alert(1)</script>", "\x1b[31m", "\u202e",
                  "\x00", "🚀", "e\u0301", "[link=https://evil.example]"):
        assert piece in titles["vinnova"]  # an API's JSON is stored as published
    assert "<img src=x onerror=alert(1)>" in titles["site"] and len(titles["site"]) > 5000


def test_calls_table_prints_hostile_titles_literally_and_without_control_sequences(db_path):
    out = calls_cli(db_path, "--format", "table")
    assert not UNSAFE.search(out)
    for literal in ("[bold red]x[/]", "[link=https://evil.example]klick[/link]", ":warning:", "<script>", FORMULA):
        assert literal in out  # rich markup and emoji codes in scraped text are not interpreted
    assert "ctlend [31mröd[0m gnp.exe" in out


def test_calls_json_keeps_the_text_and_csv_is_safe_for_spreadsheets(db_path):
    calls = json.loads(calls_cli(db_path, "--format", "json"))
    assert len(calls) == 2
    vinnova = next(c for c in calls if c["title"].startswith(FORMULA))
    assert "\x1b[31m" in vinnova["title"]  # JSON is for programs: the data as stored

    rows = list(csv.reader(io.StringIO(calls_cli(db_path, "--format", "csv"))))
    assert rows[0] == list(CSV_FIELDS) and len(rows) == 3
    assert all(len(row) == len(CSV_FIELDS) for row in rows)
    titles = [row[CSV_FIELDS.index("title")] for row in rows[1:]]
    assert not any(UNSAFE.search(title) for title in titles)
    assert f"'{FORMULA}" in {t[:len(FORMULA) + 1] for t in titles}  # not run as a formula
    assert not any(t.startswith(("=", "+", "-", "@")) for row in rows[1:] for t in row)


def test_full_text_search_takes_any_typed_text(db_path):
    for query in ('"unbalanced', "a OR", "NEAR(", "*", "title:x", "AND", '""', "'); DROP TABLE calls; --"):
        result = CliRunner().invoke(cli, ["calls", "--db", str(db_path), "--search", query, "--format", "json"])
        assert result.exit_code == 0 and result.exception is None, (query, result.output)
        json.loads(result.output)
    found = json.loads(calls_cli(db_path, "--search", "DROP TABLE calls", "--format", "json"))
    assert len(found) == 2
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from calls").fetchone() == (2,)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_digest_preview_escapes_hostile_titles_and_carries_no_controls(db_path, tmp_path):
    preview = tmp_path / "digest.html"
    result = CliRunner().invoke(cli, ["digest", "--db", str(db_path), "--preview", str(preview),
                                      "--to", "me@example.org"], env={"CALLWATCH_CONFIG": ""})
    assert result.exit_code == 0, result.output
    page, text = preview.read_text(encoding="utf-8"), preview.with_suffix(".txt").read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    assert "script" not in {tag for tag, _ in parser.tags} and "img" not in {tag for tag, _ in parser.tags}
    assert not [name for _, attrs in parser.tags for name in attrs if name.startswith("on")]
    assert all(attrs["href"].startswith("http") for tag, attrs in parser.tags if tag == "a")
    shown = "".join(parser.text)
    assert "<img src=x onerror=alert(1)>" in shown and "'); DROP TABLE calls; --" in shown  # shown as text
    assert not UNSAFE.search(page) and not UNSAFE.search(text)
    assert "<script>alert(1)</script>" in text and "ctlend [31mröd[0m" in text


def test_exports_parse_and_keep_one_event_and_entry_per_call(db_path, tmp_path):
    ics, atom = tmp_path / "calls.ics", tmp_path / "calls.xml"
    result = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--ics", str(ics), "--atom", str(atom)])
    assert result.exit_code == 0, result.output

    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 2 and len({str(e["uid"]) for e in events}) == 2
    for event in events:
        assert str(event["summary"]).startswith("Deadline: ")
        assert not UNSAFE.search(str(event["summary"]) + str(event["description"]))
    assert any("<script>alert(1)</script>" in str(e["summary"]) for e in events)

    feed = ET.fromstring(atom.read_bytes())  # XML 1.0: a control character would fail here
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [entry.findtext("a:title", namespaces=ns) for entry in feed.findall("a:entry", ns)]
    assert len(titles) == 2
    assert all("<script>alert(1)</script>" in t and not UNSAFE.search(t) for t in titles)
