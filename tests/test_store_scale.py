"""The store at the sizes a real night reaches, and detect's stability across unchanged nights.

Both guard faults the whole-run benchmark (benchmarks/run_bench.py) found and the small test
sites never reached: extraction failing past one batch of pending pages, and an unchanged
re-run's detect merging calls the first run had left apart.
"""

from __future__ import annotations

from pipeline.analyse import BATCH, analyse_pending_pages
from pipeline.store import save_page, start_run
from tests.calls_store import calls, events_of, extraction, html_page, night, open_store

SENTENCES = (
    "Region {n} öppnar en utlysning för projekt inom grön omställning.",
    "Sista ansökningsdag är den {day} oktober 2026.",
    "Projekt kan beviljas högst {n} miljoner kronor från Tillväxtverket.",
)


def test_extraction_covers_more_pending_pages_than_one_batch(tmp_path):
    # Extraction writes while it works through the pending pages; with an open SELECT on the same
    # connection the first write failed ('database table is locked') once there were more than
    # one batch of them, which is every first run of a real configuration.
    _, db = open_store(tmp_path)
    run_id = start_run(db)
    count = BATCH + 50
    for n in range(count):
        text = " ".join(s.format(n=n, day=1 + n % 28) for s in SENTENCES)
        save_page(db, {"url": f"https://region.example.se/utlysning-{n:04d}", "source": "region",
                       "title": f"Utlysning {n}", "text": text}, run_id)

    assert analyse_pending_pages(db) == count
    rows = db.execute("select count(*), count(distinct url), sum(deadline is not null) from extractions").fetchone()
    assert rows == (count, count, count)
    assert analyse_pending_pages(db) == 0  # every page now has a current extraction


# Four pages with one title, from four sources. In one title pass pages 0, 1 and 2 each match
# two groups (ambiguous: nothing joins) until page 3 joins page 2; that adds Formas to page 2's
# group, so page 0 now matches only page 1, which a single pass never went back to see.
SAME_TITLE = "Utlysning: Grön omställning 2026"
PAGES = {
    "https://a.example.se/gron": ("2026-09-01", (), ("Vinnova",)),
    "https://b.example.se/gron": ("2026-09-01", ("2026-09-15",), ("Vinnova",)),
    "https://c.example.se/gron": ("2026-09-01", ("2026-09-15", "2026-10-01"), ()),
    "https://d.example.se/gron": ("2026-10-01", (), ("Formas",)),
}


def test_detect_on_an_unchanged_night_records_nothing_and_merges_nothing(tmp_path):
    _, db = open_store(tmp_path)
    pages = [html_page(url, url.split("/")[2].split(".")[0], SAME_TITLE) for url in PAGES]
    extractions = {url: extraction(deadline=deadline, events=events, funders=funders)
                   for url, (deadline, events, funders) in PAGES.items()}

    _, first = night(db, pages, extractions)
    assert (first.new, first.merged) == (2, 0)
    assert register(db) == {frozenset(list(PAGES)[:2]), frozenset(list(PAGES)[2:])}
    events_after_first = events_of(db)

    _, second = night(db, pages, extractions)
    assert (second.new, second.merged, second.events) == (0, 0, 0)
    assert register(db) == {frozenset(list(PAGES)[:2]), frozenset(list(PAGES)[2:])}
    assert events_of(db) == events_after_first


def register(db) -> set[frozenset[str]]:
    """The calls as the sets of pages that describe them."""
    return {frozenset(r["url"] for r in db.query("select url from call_pages where call_id = ?", [c["id"]]))
            for c in calls(db)}
