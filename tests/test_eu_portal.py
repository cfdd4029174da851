"""The EU Funding & Tenders Portal source: mapping of captured search results, and the real
spider against a local server that behaves like the search API (tests/fake_apis.py)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from fake_apis import (
    EU4HEALTH_ID,
    LEGACY_COPY_OF,
    PORTAL_CAPTURE,
    PortalApi,
    portal_rows_with_sibling_topics,
    run_spider,
    serve,
)

from crawlers.portal_mapping import (
    TopicCollector,
    amounts_of,
    build_query,
    map_result,
    portal_date,
)
from crawlers.sources import Source
from crawlers.spiders.eu_portal import multipart_body
from pipeline.cli import cli
from pipeline.vocabulary import derive_status, today_in_stockholm

CAPTURED = json.loads(PORTAL_CAPTURE.read_text(encoding="utf-8"))["results"]
TODAY = date(2026, 11, 22)


def captured(identifier: str) -> dict:
    return next(r for r in CAPTURED if r["metadata"]["identifier"] == [identifier])


def status_on(identifier: str, today: date) -> tuple[str | None, str | None]:
    meta = map_result(captured(identifier), "eu", today)["meta"]
    return derive_status(meta["opening"], meta["cutoffs"], today), meta["deadline"]


# --- mapping ---------------------------------------------------------------------------------


def test_status_comes_from_dates_not_from_the_stale_status_code():
    # Status codes in the capture: ECCC-01 and CBE say "open" (31094502), CL4 and the legacy
    # CL2 row say "forthcoming" (31094501). On 2026-11-22 the dates say otherwise.
    assert captured("HORIZON-CL3-2026-02-CS-ECCC-01")["metadata"]["status"] == ["31094502"]
    assert status_on("HORIZON-CL3-2026-02-CS-ECCC-01", TODAY)[0] == "closed"
    assert status_on("HORIZON-JU-CBE-2026-IAFlag-02", TODAY)[0] == "closed"
    assert captured("HORIZON-CL4-2027-04-DIGITAL-EMERGING-10")["metadata"]["status"] == ["31094501"]
    assert status_on("HORIZON-CL4-2027-04-DIGITAL-EMERGING-10", TODAY)[0] == "open"
    assert status_on("HORIZON-CL2-2024-TRANSFORMATIONS-01-08", TODAY)[0] == "closed"
    assert status_on("HORIZON-CL5-2027-03-D5-05", TODAY)[0] == "forthcoming"


def test_a_cut_off_falling_today_is_still_ahead():
    assert status_on("HORIZON-CL6-2026-04-GOVERNANCE-01", date(2026, 11, 26)) == ("open", "2026-11-26")
    assert status_on("HORIZON-CL6-2026-04-GOVERNANCE-01", date(2026, 11, 27)) == ("closed", "2026-11-26")


def test_two_stage_topic_keeps_both_cut_offs_and_points_at_the_next_one():
    identifier = "HORIZON-MISS-2027-05-SOIL-01-two-stage"
    meta = map_result(captured(identifier), "eu", TODAY)["meta"]
    assert meta["cutoffs"] == ["2027-04-08", "2027-09-14"]
    assert meta["opening"] == "2027-02-04"
    assert status_on(identifier, TODAY) == ("forthcoming", "2027-04-08")
    assert status_on(identifier, date(2027, 4, 8)) == ("open", "2027-04-08")
    assert status_on(identifier, date(2027, 4, 9)) == ("open", "2027-09-14")
    assert status_on(identifier, date(2027, 9, 15)) == ("closed", "2027-09-14")


def test_portal_dates_are_read_in_stockholm_time():
    assert portal_date("2024-02-07T17:00:00.000+0000") == "2024-02-07"
    assert portal_date("2024-02-07T23:30:00.000+0000") == "2024-02-08"  # 00:30 in Stockholm


def test_a_topic_maps_to_a_call_page_with_meta():
    item = map_result(captured("HORIZON-CL6-2026-04-GOVERNANCE-01"), "eu-horizon", TODAY)
    meta = item["meta"]
    assert item["url"].endswith("/topic-details/HORIZON-CL6-2026-04-GOVERNANCE-01")
    assert item["source"] == "eu-horizon" and item["lang"] == "en"
    assert item["title"] == meta["title"] == "Additional activities for the European Partnership of Agriculture of Data"
    assert meta["identifier"] == "HORIZON-CL6-2026-04-GOVERNANCE-01"
    assert meta["funders"] == [{"name": "Horizon Europe", "text": "HORIZON"}]
    assert meta["programme"] == "Horizon Europe"
    assert meta["kind"] == "funding-call" and meta["origin"] == "eu-portal"
    assert "Copernicus" in meta["keywords"] and "HORIZON-CL6-2026-04" not in meta["keywords"]
    # budgetOverview (a JSON string in a list): 23 M for 2026 + 37 M for 2027.
    assert meta["amounts"] == [{"value": 60_000_000, "currency": "EUR"}]
    # Description HTML became text; dates are in the text so a moved deadline changes it.
    assert "<p" not in item["text"] and "Expected Outcome:" in item["text"]
    assert "Deadline: 2026-11-26" in item["text"]


def test_description_links_stay_inside_their_sentence():
    text = map_result(captured("HORIZON-MISS-2027-05-SOIL-01-two-stage"), "eu", TODAY)["text"]
    assert "respond directly to the goal of the Mission Soil to set up 100 living labs" in text


def test_budget_counts_only_the_topics_own_actions_even_when_the_string_is_cut_short():
    eccc = captured("HORIZON-CL3-2026-02-CS-ECCC-01")["metadata"]["budgetOverview"][0]
    with pytest.raises(ValueError):
        json.loads(eccc)  # the capture cut the string short
    assert amounts_of(eccc, "HORIZON-CL3-2026-02-CS-ECCC-01") == [{"value": 20_000_000, "currency": "EUR"}]
    # SOIL-01's own action was cut off; SOIL-02's 24 M must not be taken for it.
    soil = captured("HORIZON-MISS-2027-05-SOIL-01-two-stage")["metadata"]["budgetOverview"][0]
    assert amounts_of(soil, "HORIZON-MISS-2027-05-SOIL-01-two-stage") == []


def test_legacy_row_links_to_the_portal_page_and_decodes_its_keyword_list():
    item = map_result(captured("HORIZON-INFRA-2024-EOSC-01-03"), "eu", TODAY)
    assert item["url"] == ("https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/"
                           "opportunities/topic-details/HORIZON-INFRA-2024-EOSC-01-03")
    assert "EOSC and FAIR data" in item["meta"]["keywords"]
    assert item["text"].startswith("Enabling a network of EOSC")


def test_funder_falls_back_to_the_identifier_prefix():
    row = json.loads(json.dumps(captured("HORIZON-CL5-2027-03-D5-05")))
    row["metadata"]["identifier"] = ["EU4H-2026-PJ-01"]
    row["metadata"].pop("frameworkProgramme")
    assert map_result(row, "eu", TODAY)["meta"]["funders"] == [{"name": "EU4Health", "text": "EU4H"}]
    row["metadata"]["identifier"] = ["UNKNOWNPROG-2026-01"]
    assert map_result(row, "eu", TODAY)["meta"]["funders"] == []


def test_duplicate_rows_become_one_call_and_the_current_row_beats_a_legacy_copy():
    collector = TopicCollector("eu", TODAY)
    for row in CAPTURED:
        collector.add(row)
    identifiers = [i["meta"]["identifier"] for i in collector.items()]
    assert len(CAPTURED) == 9 and len(identifiers) == len(set(identifiers)) == 8

    legacy = json.loads(json.dumps(captured(LEGACY_COPY_OF)))
    legacy["metadata"]["DATASOURCE"] = ["SEDIA_PRD_CENTRICITY"]
    legacy["metadata"]["startDate"] = ["2023-11-17T00:00:00.000+0000"]
    for order in ([legacy, captured(LEGACY_COPY_OF)], [captured(LEGACY_COPY_OF), legacy]):
        collector = TopicCollector("eu", TODAY)
        for row in order:
            collector.add(row)
        (item,) = collector.items()
        assert item["meta"]["opening"] == "2026-11-17"


def test_default_query_asks_for_open_and_forthcoming_grants():
    assert build_query({}) == {"bool": {"must": [
        {"terms": {"type": ["1", "2", "8"]}},
        {"terms": {"status": ["31094501", "31094502"]}},
    ]}}


def test_query_options_name_programmes_and_statuses():
    query = build_query({"programmes": ["horizon", "EU4Health", "43152860"], "statuses": ["open"],
                         "types": ["topic"]})
    assert query["bool"]["must"] == [
        {"terms": {"type": ["1"]}},
        {"terms": {"status": ["31094502"]}},
        {"terms": {"frameworkProgramme": ["43108390", "43332642", "43152860"]}},
    ]
    with pytest.raises(ValueError, match="unknown programme 'horizon2020'"):
        build_query({"programmes": ["horizon2020"]})


# --- the fake API itself: a wrongly shaped request fails ---------------------------------------


def _post(url: str, body: bytes, content_type: str) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_fake_api_rejects_plain_form_fields_like_the_real_one():
    query = json.dumps(build_query({}))
    with serve(portal=PortalApi()) as base:
        url = f"{base}/search-api/prod/rest/search?apiKey=SEDIA&text=***&pageSize=10&pageNumber=1"
        # url-encoded form fields
        assert _post(url, f"query={query}".encode(), "application/x-www-form-urlencoded") == 500
        # multipart, but plain fields instead of JSON file parts
        boundary = "b0undary"
        plain = (f'--{boundary}\r\nContent-Disposition: form-data; name="query"\r\n\r\n{query}\r\n'
                 f"--{boundary}--\r\n").encode()
        assert _post(url, plain, f"multipart/form-data; boundary={boundary}") == 500
        # the shape the spider sends
        body, content_type = multipart_body({"query": build_query({}), "languages": ["en"]})
        assert _post(url, body, content_type) == 200


# --- the spider through the real Scrapy engine -----------------------------------------------


def portal_source(base: str, **options) -> Source:
    return Source(name="eu-test", kind="eu-portal", url=f"{base}/search-api/prod/rest/search", options=options)


@pytest.mark.parametrize("page_cap", [4, 100])
def test_spider_reads_every_topic_once_however_the_server_pages(tmp_path: Path, page_cap: int):
    api = PortalApi(page_cap=page_cap)
    with serve(portal=api) as base:
        run = run_spider(portal_source(base), tmp_path)
    assert run.start_error is None and run.finish_reason == "finished"
    distinct = {r["metadata"]["identifier"][0] for r in api.rows}
    by_id = {item["meta"]["identifier"]: item for item in run.items}
    assert len(run.items) == len(by_id) == len(distinct) == 9
    # The current row won over the stale legacy copy served first.
    assert by_id[LEGACY_COPY_OF]["meta"]["opening"] == "2026-11-17"
    assert by_id[LEGACY_COPY_OF]["meta"]["cutoffs"] == ["2027-03-18"]
    pages = [(r["params"]["pageNumber"], r["params"]["pageSize"]) for r in api.requests]
    if page_cap == 4:  # 11 rows in pages of 4, asked at the size the server reported
        assert pages == [("1", "100"), ("2", "4"), ("3", "4")]
    else:
        assert pages == [("1", "100")]


def test_spider_sends_json_parameters_only_as_json_file_parts(tmp_path: Path):
    api = PortalApi(page_cap=4)
    with serve(portal=api) as base:
        run_spider(portal_source(base), tmp_path)
    assert api.requests
    for request in api.requests:
        assert request["content_type"].startswith("multipart/form-data; boundary=")
        assert set(request["parts"]) == {"query", "languages", "sort"}
        assert all(ctype == "application/json" and filename for ctype, filename in request["parts"].values())
        assert set(request["params"]) == {"apiKey", "text", "pageSize", "pageNumber"}


def test_spider_follows_programme_and_identifier_options(tmp_path: Path):
    with serve(portal=PortalApi(page_cap=4)) as base:
        health = run_spider(portal_source(base, programmes=["eu4health"]), tmp_path / "a")
        missions = run_spider(portal_source(base, identifier_prefixes=["HORIZON-MISS-"]), tmp_path / "b")
    assert [i["meta"]["identifier"] for i in health.items] == [EU4HEALTH_ID]
    assert health.items[0]["meta"]["funders"] == [{"name": "EU4Health", "text": "EU4H"}]
    assert [i["meta"]["identifier"] for i in missions.items] == ["HORIZON-MISS-2027-05-SOIL-01-two-stage"]


def test_spider_runs_one_search_per_keyword_and_merges_them(tmp_path: Path):
    api = PortalApi()
    with serve(portal=api) as base:
        run = run_spider(portal_source(base, keywords=["soil", "cybersecurity"]), tmp_path)
    assert sorted(r["params"]["text"] for r in api.requests) == ["cybersecurity", "soil"]
    identifiers = {i["meta"]["identifier"] for i in run.items}
    assert "HORIZON-MISS-2027-05-SOIL-01-two-stage" in identifiers
    assert "HORIZON-CL3-2026-02-CS-ECCC-01" in identifiers
    assert "HORIZON-CL5-2027-03-D5-05" not in identifiers


def test_an_unreachable_search_fails_the_source_with_a_clear_reason(tmp_path: Path):
    with serve(portal=PortalApi()) as base:
        run = run_spider(Source(name="eu-test", kind="eu-portal", url=f"{base}/wrong"), tmp_path)
    assert run.items == []
    assert run.start_error and "HTTP 404" in run.start_error and "/wrong" in run.start_error


def test_a_wrong_option_fails_the_source_before_any_request(tmp_path: Path):
    api = PortalApi()
    with serve(portal=api) as base:
        run = run_spider(portal_source(base, statuses=["perhaps"]), tmp_path)
    assert run.items == [] and api.requests == []
    assert "unknown status 'perhaps'" in run.start_error


# --- end to end: `callwatch run` into a real SQLite file ---------------------------------------


def _expected_topics(api: PortalApi, today: date) -> dict[str, tuple[str, str, str]]:
    """identifier -> (opening, deadline, status), read straight from the served rows, current
    rows preferred over legacy copies."""
    expected: dict[str, tuple[str, str, str]] = {}
    for row in sorted(api.rows, key=lambda r: "SEDIA_PRD_CENTRICITY" not in r["metadata"].get("DATASOURCE", [])):
        metadata = row["metadata"]
        opening = metadata["startDate"][0][:10]
        cutoffs = sorted(d[:10] for d in metadata["deadlineDate"])
        ahead = [d for d in cutoffs if d >= today.isoformat()]
        deadline = ahead[0] if ahead else cutoffs[-1]
        status = ("forthcoming" if opening > today.isoformat()
                  else "open" if cutoffs[-1] >= today.isoformat() else "closed")
        expected[metadata["identifier"][0]] = (opening, deadline, status)
    return expected


@pytest.mark.parametrize("page_cap", [3, 100])
def test_callwatch_run_stores_one_page_per_topic(tmp_path: Path, page_cap: int):
    api = PortalApi(page_cap=page_cap)
    db_path = tmp_path / "calls.db"
    with serve(portal=api) as base:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "eu-horizon"\nkind = "eu-portal"\n'
            f'url = "{base}/search-api/prod/rest/search"\n'
            f'[sources.options]\nprogrammes = ["horizon", "eu4health"]\n',
            encoding="utf-8",
        )
        # The exit code also reflects later stages (extraction, detection); the crawl's own
        # outcome is the source_runs row checked below.
        CliRunner().invoke(cli, ["run", "--sources", str(sources), "--db", str(db_path)])
    db = sqlite_utils.Database(db_path)
    (source_run,) = db.query("select status, pages_seen, error from source_runs where source = 'eu-horizon'")
    assert source_run["status"] == "ok" and source_run["error"] is None
    pages = {json.loads(p["meta"])["identifier"]: p for p in db.query("select * from pages")}
    today = today_in_stockholm()
    expected = _expected_topics(api, today)
    assert set(pages) == set(expected) and len(pages) == 9 == source_run["pages_seen"]
    for identifier, (opening, deadline, status) in expected.items():
        meta = json.loads(pages[identifier]["meta"])
        assert (meta["opening"], meta["deadline"]) == (opening, deadline), identifier
        assert derive_status(meta["opening"], meta["cutoffs"], today) == status, identifier
        assert pages[identifier]["url"].endswith(f"/topic-details/{identifier}")
    # Every request had the shape the API requires; a form-field request would have got a 500.
    assert len(api.requests) == (1 if page_cap == 100 else 4)
    for request in api.requests:
        assert all(ctype == "application/json" and filename for ctype, filename in request["parts"].values())


def test_the_shipped_api_sources_have_valid_queries():
    from crawlers.sources import load_sources

    portal = {s.name: s for s in load_sources() if s.kind == "eu-portal"}
    programmes = set()
    for source in portal.values():
        must = build_query(source.options)["bool"]["must"]
        programmes.update(*(c["terms"]["frameworkProgramme"] for c in must if "frameworkProgramme" in c["terms"]))
    # Horizon Europe, EU4Health, Digital Europe, I3, LIFE, Erasmus+ are followed.
    assert {"43108390", "43332642", "43152860", "44416173", "43252405", "43353764"} <= programmes
    assert any(s.options.get("identifier_prefixes") == ["HORIZON-HLTH-"] for s in portal.values())


def test_topics_of_one_call_are_each_their_own_opportunity_sharing_the_call(tmp_path: Path):
    api = PortalApi(rows=portal_rows_with_sibling_topics(), page_cap=5)
    db_path = tmp_path / "calls.db"
    with serve(portal=api) as base:
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[sources]]\nname = "eu-horizon"\nkind = "eu-portal"\n'
                           f'url = "{base}/search-api/prod/rest/search"\n', encoding="utf-8")
        CliRunner().invoke(cli, ["run", "--sources", str(sources), "--db", str(db_path)])
        CliRunner().invoke(cli, ["run", "--sources", str(sources), "--db", str(db_path)])  # a second night
    listed = CliRunner().invoke(cli, ["calls", "--db", str(db_path), "--format", "json"])
    register = {c["identifier"]: c for c in json.loads(listed.output)}

    expected = _expected_topics(api, today_in_stockholm())
    parent = {r["metadata"]["identifier"][0]: r["metadata"]["callIdentifier"][0] for r in api.rows}
    call_titles = {r["metadata"]["callIdentifier"][0]: r["metadata"].get("callTitle", [None])[0] for r in api.rows
                   if "SEDIA_PRD_CENTRICITY" not in r["metadata"]["DATASOURCE"]}
    assert len(expected) == 12 and set(register) == set(expected)  # no topic merged into a sibling
    for identifier, (_, deadline, status) in expected.items():
        call = register[identifier]
        assert (call["deadline"], call["status"]) == (deadline, status), identifier
        assert call["call_identifier"] == parent[identifier], identifier  # the shared call is a field
        assert call["call_title"] == call_titles.get(parent[identifier]), identifier
        assert [s["url"] for s in call["sources"]] == [call["url"]] and call["url"].endswith("/" + identifier)
    siblings = [c for c in register.values() if c["call_identifier"] == "HORIZON-CL3-2026-02-CS-ECCC"]
    assert len(siblings) == 2 and siblings[0]["title"] == siblings[1]["title"]  # alike but for the id
    db = sqlite_utils.Database(db_path)
    assert db.execute("select count(*) from call_events where field = 'merged'").fetchone()[0] == 0
