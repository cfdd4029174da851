"""detect on pages exactly as the EU portal and Vinnova spiders store them (their real mappers over
captured API answers), together with regional pages about the same calls."""

from __future__ import annotations

import json
from datetime import date

from calls_store import TODAY, calls, extraction, html_page, night, open_store, sources_of
from fake_apis import VINNOVA_ROUNDS, portal_rows

from crawlers.portal_mapping import is_legacy, map_result
from crawlers.vinnova_mapping import map_round


def api_pages() -> list[dict]:
    portal = [map_result(r, "eu-portal", TODAY) for r in portal_rows() if not is_legacy(r)]
    rounds = [map_round(r, "vinnova", "https://data.vinnova.se/api", TODAY)
              for r in json.loads(VINNOVA_ROUNDS.read_text(encoding="utf-8"))]
    return [p for p in (*portal, *rounds) if p is not None]


def test_every_api_topic_and_round_is_one_call_with_its_official_fields(tmp_path):
    _, db = open_store(tmp_path)
    pages = api_pages()
    night(db, pages)

    register = {c["identifier"]: c for c in calls(db)}
    assert set(register) == {p["meta"]["identifier"] for p in pages}  # as written, e.g. …-IAFlag-02
    for page in pages:
        call, meta = register[page["meta"]["identifier"]], page["meta"]
        assert call["url"] == page["url"] and call["title"] == meta["title"]
        assert json.loads(call["cutoffs"]) == meta["cutoffs"]
        assert call["opening"] == (meta["opening"][:10] if meta["opening"] else None)


def test_regional_pages_join_the_api_calls_they_are_about(tmp_path):
    _, db = open_store(tmp_path)
    pages = api_pages()
    vinnova = next(p for p in pages if p["meta"]["identifier"] == "2026-01234")
    # A regional office re-announces the EU4Health topic (naming it) and the Vinnova round (by title).
    eu_news = html_page("https://skane.example/eu4h", "skane-eu", "Stöd till cancerscreening",
                        "Kommissionen har öppnat EU4H-2026-PJ-03.")
    round_news = html_page("https://vgr.example/vinnova", "vgr", vinnova["meta"]["title"])
    ex = {eu_news["url"]: extraction(deadline="2027-04-08", identifiers=("EU4H-2026-PJ-03",)),
          round_news["url"]: extraction(deadline="2027-02-10", funders=("Vinnova",))}
    run_id, summary = night(db, [*pages, eu_news, round_news], ex)

    assert summary.calls == len(pages)
    by_identifier = {c["identifier"]: c for c in calls(db)}
    assert sources_of(db, by_identifier["EU4H-2026-PJ-03"]["id"]) == {"eu-portal", "skane-eu"}
    assert sources_of(db, by_identifier["2026-01234"]["id"]) == {"vinnova", "vgr"}


def test_a_two_stage_topic_moves_to_its_second_cutoff_without_a_moved_deadline(tmp_path):
    _, db = open_store(tmp_path)
    pages = api_pages()
    night(db, pages, today=date(2027, 3, 1))
    night(db, pages, today=date(2027, 5, 1))

    soil = next(c for c in calls(db) if c["identifier"] == "HORIZON-MISS-2027-05-SOIL-01-two-stage")
    assert soil["deadline"] == "2027-09-14" and soil["status"] == "open"
    moved = db.execute("select count(*) from call_events where field = 'deadline'").fetchone()[0]
    assert moved == 0
