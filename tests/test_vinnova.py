"""The Vinnova source: mapping of application rounds (fixture in the shape documented by the
captured API documentation page), and the real spider against a local server that answers
like Vinnova's API (BOM, gzip, HTML in place of JSON)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from fake_apis import VINNOVA_DOC_PAGE, VINNOVA_ROUNDS, PortalApi, VinnovaApi, run_spider, serve

from crawlers.sources import Source
from crawlers.spiders.vinnova import since_date
from crawlers.vinnova_mapping import VinnovaFormatError, map_round, map_rounds, parse_rounds
from pipeline.cli import cli
from pipeline.vocabulary import derive_status, today_in_stockholm

ROUNDS = json.loads(VINNOVA_ROUNDS.read_text(encoding="utf-8"))
API = "https://data.vinnova.se/api"
TODAY = date(2026, 11, 22)


def round_(identifier: str) -> dict:
    return next(r for r in ROUNDS if r["Diarienummer"] == identifier)


def status_on(identifier: str, today: date) -> tuple[str | None, str | None]:
    meta = map_round(round_(identifier), "vinnova", API, today)["meta"]
    return derive_status(meta["opening"], meta["cutoffs"], today), meta["deadline"]


def test_a_round_maps_to_a_call_page_with_meta():
    item = map_round(round_("2026-01234"), "vinnova", API, TODAY)
    meta = item["meta"]
    assert item["title"] == meta["title"] == "Innovationer för hälsa och vård 2026"
    assert item["lang"] == "sv"
    # The info page, not the e-service application form.
    assert item["url"] == "https://www.vinnova.se/e/halsa/innovationer-for-halsa-och-vard-2026/"
    assert meta["identifier"] == "2026-01234"
    assert meta["opening"] == "2026-09-01"
    assert meta["cutoffs"] == ["2027-02-10"] and meta["deadline"] == "2027-02-10"
    assert meta["funders"] == [{"name": "Vinnova", "text": "Vinnova"}]
    assert meta["kind"] == "funding-call" and meta["origin"] == "vinnova"
    # Both languages and the web texts end up in the text extraction reads.
    for part in ("Innovations for health and care 2026", "nära vård", "40 miljoner kronor", "Stänger: 2027-02-10"):
        assert part in item["text"]


def test_round_statuses_from_swedish_local_dates():
    assert status_on("2026-01234", TODAY) == ("open", "2027-02-10")
    assert status_on("2026-02345", TODAY)[0] == "forthcoming"
    assert status_on("2025-03456", TODAY) == ("closed", "2025-05-20")
    # Closing at 14:00 on 2027-02-10: still open that day, closed the next.
    assert status_on("2026-01234", date(2027, 2, 10)) == ("open", "2027-02-10")
    assert status_on("2026-01234", date(2027, 2, 11)) == ("closed", "2027-02-10")


def test_read_out_occasions_are_cut_offs():
    meta = map_round(round_("2026-02345"), "vinnova", API, TODAY)["meta"]
    assert meta["cutoffs"] == ["2027-02-20", "2027-04-20"]
    assert status_on("2026-02345", date(2027, 3, 1)) == ("open", "2027-04-20")


def test_announced_round_without_dates_has_no_status_yet_but_says_when_it_opens():
    item = map_round(round_("2026-04567"), "vinnova", API, TODAY)
    assert item["meta"]["opening"] is None and item["meta"]["cutoffs"] == []
    assert derive_status(item["meta"]["opening"], item["meta"]["cutoffs"], TODAY) is None
    assert "Planerad öppning: mars 2027" in item["text"]
    # No Vinnova page link in the API: the round's own API address is its stable URL.
    assert item["url"] == f"{API}/ansokningsomgangar/2026-04567"


def test_invitation_only_rounds_and_repeats_are_left_out():
    items, failed = map_rounds(ROUNDS + [round_("2026-01234")], "vinnova", API, TODAY)
    identifiers = [i["meta"]["identifier"] for i in items]
    assert identifiers == ["2026-01234", "2026-02345", "2025-03456", "2026-04567"] and failed == 0


def test_a_round_with_odd_fields_is_still_read_from_what_is_usable():
    odd = {**round_("2026-02345"), "Diarienummer": "2026-09999", "WebTextLista": [{"TextSv": 5}, "x"],
           "LankLista": "not a list", "AvlasningstillfalleLista": [{"Datum": "2027-13-45T00:00:00"}, None],
           "Titel": None}
    items, failed = map_rounds([odd, round_("2026-01234")], "vinnova", API, TODAY)
    assert [i["meta"]["identifier"] for i in items] == ["2026-09999", "2026-01234"] and failed == 0
    meta = items[0]["meta"]
    assert items[0]["title"] == "Challenge-driven innovation 2027" and items[0]["lang"] == "en"
    assert meta["cutoffs"] == ["2027-04-20"] and items[0]["url"] == f"{API}/ansokningsomgangar/2026-09999"


def test_parse_rounds_handles_the_bom():
    assert len(parse_rounds(b"\xef\xbb\xbf" + VINNOVA_ROUNDS.read_bytes(), API)) == len(ROUNDS)


def test_the_documentation_page_instead_of_json_is_a_clear_error():
    with pytest.raises(VinnovaFormatError, match="HTML page instead of JSON"):
        parse_rounds(VINNOVA_DOC_PAGE.read_bytes(), f"{API}/ansokningsomgangar/", "text/html")


def test_cut_short_json_is_a_clear_error():
    with pytest.raises(VinnovaFormatError, match="invalid JSON"):
        parse_rounds(VINNOVA_ROUNDS.read_bytes()[:500], API)


def test_since_date_is_the_last_success_minus_a_margin_or_a_year_back():
    assert since_date("2026-11-20T02:00:00+00:00", TODAY) == date(2026, 11, 6)
    assert since_date("2026-11-19T23:30:00Z", TODAY) == date(2026, 11, 6)  # 00:30 on the 20th in Stockholm
    assert since_date(None, TODAY) == date(2025, 11, 22)
    assert since_date("garbage", TODAY) == date(2025, 11, 22)


# --- the spider through the real Scrapy engine -----------------------------------------------


def test_spider_reads_gzipped_json_with_a_bom(tmp_path: Path):
    api = VinnovaApi()
    with serve(vinnova=api) as base:
        run = run_spider(Source(name="vinnova", kind="vinnova", url=f"{base}/api"), tmp_path,
                         last_ok_at="2026-11-01T02:00:00+00:00")
    assert run.start_error is None
    rounds = sorted(i["meta"]["identifier"] for i in run.items if i["meta"]["kind"] == "funding-call")
    assert rounds == ["2025-03456", "2026-01234", "2026-02345", "2026-04567"]
    by_date = [r for r in api.requests if r["path"].endswith("/2026-10-18")]  # 14 days before the last success
    assert sorted(r["path"] for r in by_date) == ["/api/ansokningsomgangar/2026-10-18", "/api/utlysningar/2026-10-18"]
    for request in api.requests:
        assert "gzip" in request["accept-encoding"]  # so the answer came compressed
        assert "application/json" in request["accept"]
    assert f"'httpcompression/response_count': {len(api.requests)}" in run.log  # and was decompressed by Scrapy


def test_rounds_are_attached_to_their_call_and_what_did_not_change_is_asked_for_by_number(tmp_path: Path):
    older = {**round_("2026-02345"), "Diarienummer": "2026-02346", "Titel": "Utmaningsdriven innovation – våren 2027",
             "Oppningsdatum": "2027-03-01T00:00:00", "Stangningsdatum": "2027-09-15T14:00:00",
             "AvlasningstillfalleLista": []}
    api = VinnovaApi(older_rounds=[older])
    with serve(vinnova=api) as base:
        run = run_spider(Source(name="vinnova", kind="vinnova", url=f"{base}/api"), tmp_path,
                         last_ok_at="2026-11-01T02:00:00+00:00")
    assert run.start_error is None
    paths = {r["path"] for r in api.requests}
    # a round listed by a changed call, and calls named by changed rounds, asked for by number
    assert {"/api/ansokningsomgangar/2026-02346", "/api/utlysningar/2025-03450,2026-05670"} <= paths
    rounds = {i["meta"]["identifier"]: i for i in run.items if i["meta"]["kind"] == "funding-call"}
    assert set(rounds) == {"2025-03456", "2026-01234", "2026-02345", "2026-02346", "2026-04567"}
    for number in ("2026-02345", "2026-02346"):
        meta = rounds[number]["meta"]
        assert (meta["call"], meta["call_title"]) == ("2026-02340", "Utmaningsdriven innovation")
        assert "Utlysning: Utmaningsdriven innovation (2026-02340)" in rounds[number]["text"]
    assert rounds["2026-02346"]["meta"]["cutoffs"] == ["2027-09-15"]  # its own dates, not its sibling's
    assert rounds["2025-03456"]["meta"]["call_title"] is None  # its call is not in the API's answer
    calls = {i["meta"]["identifier"]: i for i in run.items if i["meta"]["kind"] == "info"}
    assert set(calls) == {"2026-01230", "2026-02340", "2026-04560"}
    assert calls["2026-02340"]["meta"]["rounds"] == ["2026-02345", "2026-02346"]
    assert calls["2026-02340"]["url"] == f"{base}/api/utlysningar/2026-02340"
    assert calls["2026-01230"]["published"] == "2026-06-10"


def test_spider_fails_the_source_clearly_when_vinnova_answers_html(tmp_path: Path):
    with serve(vinnova=VinnovaApi()) as base:  # the /api part of the URL is missing
        run = run_spider(Source(name="vinnova", kind="vinnova", url=base), tmp_path)
    assert run.items == [] and run.finish_reason == "finished"
    assert "HTML page instead of JSON" in run.start_error


def test_spider_fails_the_source_clearly_on_broken_json(tmp_path: Path):
    with serve(vinnova=VinnovaApi(broken=True)) as base:
        run = run_spider(Source(name="vinnova", kind="vinnova", url=f"{base}/api"), tmp_path)
    assert run.items == []
    assert "invalid JSON" in run.start_error


# --- end to end: `callwatch run` into a real SQLite file ---------------------------------------


def _write_sources(path: Path, entries: list[tuple[str, str, str]]) -> Path:
    path.write_text("".join(f'[[sources]]\nname = "{name}"\nkind = "{kind}"\nurl = "{url}"\n\n'
                            for name, kind, url in entries), encoding="utf-8")
    return path


def _source_runs(db_path: Path) -> dict[str, dict]:
    db = sqlite_utils.Database(db_path)
    return {r["source"]: r for r in db.query(
        "select source, status, pages_seen, error from source_runs where run_id = (select max(id) from runs)")}


def test_callwatch_run_reads_vinnova_incrementally_and_a_broken_source_stops_no_other(tmp_path: Path):
    api = VinnovaApi()
    db_path = tmp_path / "calls.db"
    today = today_in_stockholm()
    with serve(vinnova=api, portal=PortalApi()) as base:
        sources = _write_sources(tmp_path / "sources.toml", [
            ("vinnova", "vinnova", f"{base}/api"),
            ("vinnova-misconfigured", "vinnova", base),  # answers the HTML documentation page
            ("eu-all", "eu-portal", f"{base}/search-api/prod/rest/search"),
        ])
        CliRunner().invoke(cli, ["run", "--sources", str(sources), "--db", str(db_path)])
        first = _source_runs(db_path)
        CliRunner().invoke(cli, ["run", "--sources", str(sources), "--db", str(db_path), "--only", "vinnova"])
        second = _source_runs(db_path)

    # 4 rounds anyone may apply to, and the 3 calls they belong to
    assert first["vinnova"]["status"] == "ok" and first["vinnova"]["pages_seen"] == 7
    assert first["eu-all"]["status"] == "ok" and first["eu-all"]["pages_seen"] == 9
    assert first["vinnova-misconfigured"]["status"] == "failed"
    assert "HTML page instead of JSON" in first["vinnova-misconfigured"]["error"]
    assert second["vinnova"]["status"] == "ok"
    asked = [r["path"] for r in api.requests if re.fullmatch(r"/api/ansokningsomgangar/\d{4}-\d\d-\d\d", r["path"])]
    # First run: a year back; second run: the first run's day minus the 14-day margin.
    assert asked == [f"/api/ansokningsomgangar/{today - timedelta(days=365)}",
                     f"/api/ansokningsomgangar/{today - timedelta(days=14)}"]
    page = sqlite_utils.Database(db_path).execute(
        "select meta from pages where url = 'https://www.vinnova.se/e/halsa/innovationer-for-halsa-och-vard-2026/'"
    ).fetchone()
    assert json.loads(page[0])["identifier"] == "2026-01234"


def test_callwatch_run_puts_each_round_in_the_register_with_its_call(tmp_path: Path):
    db_path = tmp_path / "calls.db"
    with serve(vinnova=VinnovaApi()) as base:
        sources = _write_sources(tmp_path / "sources.toml", [("vinnova", "vinnova", f"{base}/api")])
        CliRunner().invoke(cli, ["run", "--sources", str(sources), "--db", str(db_path)])
    listed = CliRunner().invoke(cli, ["calls", "--db", str(db_path), "--format", "json"])
    register = {c["identifier"]: c for c in json.loads(listed.output)}

    # the rounds are the opportunities; a call is never one of its own
    assert set(register) == {"2025-03456", "2026-01234", "2026-02345", "2026-04567"}
    care = register["2026-01234"]
    assert (care["call_identifier"], care["call_title"]) == ("2026-01230", "Hälsa och vård: innovationer 2026")
    assert care["deadline"] == "2027-02-10"
    # the call's page is a source of each of its rounds
    call_page = f"{base}/api/utlysningar/2026-01230"
    assert {"source": "vinnova", "url": call_page, "role": "mentions", "vanished": False} in care["sources"]
    assert register["2025-03456"]["call_identifier"] == "2025-03450"  # known from the round alone
