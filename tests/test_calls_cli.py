"""`callwatch calls`, `export`, `serve` on real SQLite stores, through click's CliRunner."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import sqlite3

import pytest
from calls_store import extraction, html_page, night, open_store, portal_page
from click.testing import CliRunner
from datasette.app import Datasette

from pipeline.cli import cli
from pipeline.search import register_search_function
from pipeline.store import open_db, start_run
from pipeline.views import VIEWS, datasette_metadata

CARE = "HORIZON-HLTH-2025-CARE-01-01"
VGR = "https://vgr.example/utlysningar/"
SKANE = "https://skane.example/nyheter/"


def callwatch(*args: str) -> list | str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if "json" in args else result.output


@pytest.fixture
def two_nights(tmp_path):
    """Night 1: three calls. Night 2: the same site plus one new call page, one deadline moved."""
    path, db = open_store(tmp_path)
    care = portal_page(CARE, "Digital tools for care", "2027-04-16")
    cheques = html_page(VGR + "checkar", "vgr", "Innovationscheckar för små företag",
                        "Västra Götalandsregionen ger stöd till innovationsprojekt i små företag.")
    partners = html_page(SKANE + "partnersok", "skane-eu", "Partnersök: Interreg Öresund-Kattegat-Skagerrak")
    ex = {
        cheques["url"]: extraction(deadline="2027-02-01", funders=("Västra Götalandsregionen",),
                                   topics=("innovation-smes",)),
        partners["url"]: extraction(kind="partner-search", deadline="2026-12-15",
                                    funders=("Interreg ÖKS",), topics=("international-cooperation",)),
    }
    night(db, [care, cheques, partners], ex)

    moved = portal_page(CARE, "Digital tools for care", "2027-05-20")
    added = html_page(VGR + "hälsa", "vgr", "Utlysning: Hälsoinnovation i primärvården",
                      "Region Skåne och Vinnova söker projekt för hälsa.")
    ex[added["url"]] = extraction(deadline="2027-03-10", funders=("Region Skåne", "Vinnova"),
                                  topics=("health-care",))
    run2, _ = night(db, [moved, cheques, partners, added], ex)
    return path, run2, added


def test_new_lists_exactly_the_call_added_in_the_latest_run(two_nights):
    path, run2, added = two_nights
    rows = callwatch("calls", "--db", str(path), "--new", "--format", "json")

    assert [r["url"] for r in rows] == [added["url"]]
    [row] = rows
    assert row["is_new"] is True and row["first_seen_run"] == run2
    assert row["title"] == "Utlysning: Hälsoinnovation i primärvården"
    assert row["sources"] == [{"source": "vgr", "url": added["url"], "role": "describes", "vanished": False}]
    assert set(row) >= {"id", "title", "kind", "url", "deadline", "opening", "status", "funders", "topics",
                        "amounts", "identifier", "first_seen_run", "last_seen_run", "first_seen", "last_seen"}


def test_new_still_means_the_last_detected_run_while_a_run_is_in_progress(two_nights):
    path, _, added = two_nights
    db = open_db(path)
    start_run(db)  # tonight's run has started but not reached detect yet
    rows = callwatch("calls", "--db", str(path), "--new", "--format", "json")
    assert [r["url"] for r in rows] == [added["url"]]


def test_the_moved_deadline_is_in_the_history_with_old_and_new_dates(two_nights):
    path, run2, _ = two_nights
    with sqlite3.connect(path) as conn:
        history = conn.execute(
            "select run_id, title, field, old_value, new_value from call_history where field = 'deadline'"
        ).fetchall()
    assert history == [(run2, "Digital tools for care", "deadline", "2027-04-16", "2027-05-20")]


def test_without_filters_every_call_is_listed_by_deadline(two_nights):
    path, _, _ = two_nights
    rows = callwatch("calls", "--db", str(path), "--format", "json")
    assert [r["deadline"] for r in rows] == ["2026-12-15", "2027-02-01", "2027-03-10", "2027-05-20"]
    assert [r["is_new"] for r in rows] == [False, False, True, False]


@pytest.mark.parametrize(("args", "expected_titles"), [
    (["--kind", "partner-search"], ["Partnersök: Interreg Öresund-Kattegat-Skagerrak"]),
    (["--topic", "health-care"], ["Utlysning: Hälsoinnovation i primärvården"]),
    (["--funder", "skåne"], ["Utlysning: Hälsoinnovation i primärvården"]),
    (["--funder", "VÄSTRA"], ["Innovationscheckar för små företag"]),
    (["--deadline-before", "2027-02-01"],
     ["Partnersök: Interreg Öresund-Kattegat-Skagerrak", "Innovationscheckar för små företag"]),
    (["--search", "innovation"],  # prefix search finds the Swedish compounds
     ["Innovationscheckar för små företag"]),
    (["--search", "primärvården"], ["Utlysning: Hälsoinnovation i primärvården"]),
    (["--search", "Vinnova söker"], ["Utlysning: Hälsoinnovation i primärvården"]),  # page text only
    (["--search", CARE], ["Digital tools for care"]),
    (["--search", "för"], ["Innovationscheckar för små företag", "Utlysning: Hälsoinnovation i primärvården"]),
    (["--search", "\"unbalanced ( AND"], []),  # FTS syntax in user text is not an error
    (["--open", "--kind", "event"], []),
])
def test_filters(two_nights, args, expected_titles):
    path, _, _ = two_nights
    rows = callwatch("calls", "--db", str(path), *args, "--format", "json")
    assert [r["title"] for r in rows] == expected_titles


def test_open_leaves_out_closed_calls(two_nights):
    path, _, _ = two_nights
    db = sqlite3.connect(path)
    with db:
        db.execute("update calls set status = 'closed' where kind = 'partner-search'")
    rows = callwatch("calls", "--db", str(path), "--open", "--format", "json")
    assert len(rows) == 3 and all(r["status"] == "open" for r in rows)


def test_csv_and_table_formats(two_nights):
    path, _, added = two_nights
    wide = CliRunner().invoke(cli, ["calls", "--db", str(path), "--new"], env={"COLUMNS": "200"})
    table = wide.output
    assert wide.exit_code == 0 and "Hälsoinnovation" in table and "Digital tools" not in table

    rows = list(csv.DictReader(io.StringIO(callwatch("calls", "--db", str(path), "--format", "csv"))))
    assert len(rows) == 4
    new_row = next(r for r in rows if r["url"] == added["url"])
    assert new_row["funders"] == "Region Skåne; Vinnova" and new_row["is_new"] == "yes"


def test_clear_errors_for_a_missing_db_and_a_bad_date(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(cli, ["calls", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code != 0 and "no database at" in missing.output
    assert not (tmp_path / "none.db").exists()
    path, _ = open_store(tmp_path)
    bad = runner.invoke(cli, ["calls", "--db", str(path), "--deadline-before", "next week"])
    assert bad.exit_code == 2 and "--deadline-before" in bad.output
    nothing = runner.invoke(cli, ["export", "--db", str(path)])
    assert nothing.exit_code == 2 and "--ics" in nothing.output


@pytest.mark.parametrize("command", ["calls", "export", "serve"])
def test_every_command_has_help_with_an_example(command):
    output = callwatch(command, "--help")
    assert "Example: callwatch " + command in output and "--db" in output


def test_canned_queries_and_views_run_on_a_real_db(two_nights):
    path, _, _ = two_nights
    database = datasette_metadata(path.stem)["databases"][path.stem]
    params = {"date": "2027-03-01", "funder": "Skåne", "q": "innovation", "call_id": CARE.lower()}
    with sqlite3.connect(path) as conn:
        register_search_function(conn)  # as `callwatch serve`'s Datasette plugin does
        for name, query in database["queries"].items():
            names = re.findall(r":(\w+)", query["sql"])
            rows = conn.execute(query["sql"], {n: params[n] for n in names}).fetchall()
            assert rows, f"canned query {name} returned nothing"
        for view in VIEWS:
            conn.execute(f"select * from {view}").fetchall()
        per_funder = dict(conn.execute("select funder, calls from calls_per_funder").fetchall())
    assert per_funder["Vinnova"] == 1 and per_funder["European Commission"] == 1
    assert set(database["tables"]) >= set(VIEWS) | {"calls", "call_pages", "call_events"}


def test_datasette_serves_the_register_with_the_metadata(two_nights):
    path, _, _ = two_nights

    async def fetch() -> dict:
        ds = Datasette(files=[str(path)], metadata=datasette_metadata(path.stem))
        await ds.invoke_startup()
        db = f"/{path.stem}"
        return {
            "meta": (await ds.client.get("/-/metadata.json")).json(),
            "open": (await ds.client.get(f"{db}/open_calls.json?_shape=array")).json(),
            "canned": (await ds.client.get(f"{db}/calls_by_funder.json?_shape=array&funder=vinnova")).json(),
            "search": (await ds.client.get(f"{db}/calls.json?_shape=array&_search=innovation*")).json(),
        }

    got = asyncio.run(fetch())
    assert got["meta"]["title"].startswith("callwatch")
    assert [r["deadline"] for r in got["open"]] == ["2026-12-15", "2027-02-01", "2027-03-10", "2027-05-20"]
    assert [r["title"] for r in got["canned"]] == ["Utlysning: Hälsoinnovation i primärvården"]
    assert [r["title"] for r in got["search"]] == ["Innovationscheckar för små företag"]


def test_search_follows_changed_page_text_and_ignores_touches(tmp_path):
    path, db = open_store(tmp_path)
    page = html_page(VGR + "x", "vgr", "Regional utvecklingsfond", "Stöd till solenergi i länet.")
    ex = {page["url"]: extraction(deadline="2027-02-01")}
    night(db, [page], ex)
    night(db, [page], ex)  # unchanged page touched again: the index must still answer
    assert len(callwatch("calls", "--db", str(path), "--search", "solenergi", "--format", "json")) == 1

    night(db, [{**page, "text": "Stöd till vindkraft i länet."}], ex)

    assert callwatch("calls", "--db", str(path), "--search", "solenergi", "--format", "json") == []
    assert len(callwatch("calls", "--db", str(path), "--search", "vindkraft", "--format", "json")) == 1
    with sqlite3.connect(path) as conn:  # the index is consistent with its content table
        conn.execute("insert into pages_fts(pages_fts, rank) values ('integrity-check', 1)")
        conn.execute("insert into calls_fts(calls_fts, rank) values ('integrity-check', 1)")


def test_open_means_status_open_in_the_cli_and_the_views_and_forthcoming_has_its_own_name(two_nights):
    path, run2, _ = two_nights
    db = open_db(path)
    soon = html_page(VGR + "vatgas", "vgr", "Utlysning: vätgas i transporter", "Öppnar i januari.")
    night(db, [soon], {soon["url"]: extraction(deadline="2027-04-01", opening="2027-01-15")})  # TODAY + 2 months
    db.close()

    open_ids = [r["id"] for r in callwatch("calls", "--db", str(path), "--open", "--format", "json")]
    both = callwatch("calls", "--db", str(path), "--open-or-forthcoming", "--format", "json")
    with sqlite3.connect(path) as conn:
        open_view = [r[0] for r in conn.execute("select id from open_calls")]
        both_view = [r[0] for r in conn.execute("select id from open_or_forthcoming_calls")]
        forthcoming = [r[0] for r in conn.execute("select id from calls where status = 'forthcoming'")]

    assert len(forthcoming) == 1 and forthcoming[0] not in open_ids
    assert sorted(open_ids) == sorted(open_view) and len(open_ids) == 4
    assert sorted(r["id"] for r in both) == sorted(both_view) == sorted(open_ids + forthcoming)


def test_an_unknown_topic_is_an_error_listing_the_valid_keys(two_nights):
    path, _, _ = two_nights
    result = CliRunner().invoke(cli, ["calls", "--db", str(path), "--topic", "nonsense"])
    assert result.exit_code == 2
    assert "unknown topic 'nonsense'" in result.output
    assert "health-care" in result.output and "innovation-smes" in result.output


def test_the_table_counts_one_call_in_the_singular(two_nights):
    path, _, _ = two_nights
    one = CliRunner().invoke(cli, ["calls", "--db", str(path), "--new"], env={"COLUMNS": "200"}).output
    many = CliRunner().invoke(cli, ["calls", "--db", str(path)], env={"COLUMNS": "200"}).output
    assert one.splitlines()[0].strip() == "1 call"
    assert many.splitlines()[0].strip() == "4 calls"


def test_history_shows_the_moved_deadline(two_nights):
    path, run2, _ = two_nights
    rows = callwatch("calls", "--db", str(path), "--history", "--format", "json")
    care = next(r for r in rows if r["identifier"] == CARE)
    assert {"run_id": run2, "field": "deadline", "old": "2027-04-16", "new": "2027-05-20"}.items() <= \
        care["history"][0].items()
    assert all(r["history"] == [] for r in rows if r is not care)  # the others never changed
    assert "history" not in callwatch("calls", "--db", str(path), "--format", "json")[0]

    table = CliRunner().invoke(cli, ["calls", "--db", str(path), "--history"], env={"COLUMNS": "250"}).output
    assert f"deadline 2027-04-16 -> 2027-05-20 (run {run2})" in table
    rows = list(csv.DictReader(io.StringIO(callwatch("calls", "--db", str(path), "--history", "--format", "csv"))))
    assert next(r for r in rows if r["url"].endswith(CARE.lower()))["history"] == \
        f"deadline 2027-04-16 -> 2027-05-20 (run {run2})"
