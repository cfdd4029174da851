"""The revisit policy's facts as read from a real SQLite store, and what a run's visits write back."""

from __future__ import annotations

from datetime import date

from pipeline.revisit import LIVE, NOT_DUE, decide
from pipeline.revisit_store import VisitRecord, load_known_pages, save_visits
from pipeline.store import hash_content, open_db, save_page

TODAY = date(2026, 11, 22)
SITE = "https://region.example/aktuellt/"


def stored(db, slug: str, run_id: int = 1, **extra) -> str:
    url = SITE + slug
    page = {"url": url, "source": "region", "title": slug, "text": f"Texten om {slug}.", **extra}
    save_page(db, page, run_id)
    return url


def extracted(db, url: str, **fields) -> None:
    page = db["pages"].get(url)
    db["extractions"].insert({"url": url, "content_hash": hash_content(page["title"], page["text"]), **fields})


def test_a_page_is_live_through_the_call_it_describes_and_call_documents_are_not_pages_to_visit(tmp_path):
    db = open_db(tmp_path / "cw.db")
    article = stored(db, "utlysning")
    extracted(db, article, kind="funding-call")  # no date of its own: the call text (a PDF) has it
    document = stored(db, "utlysning.pdf", parent_url=article)
    db["calls"].insert({"id": "call-1", "status": "open", "deadline": "2027-02-01", "cutoffs": '["2027-02-01"]'})
    db["call_pages"].insert({"call_id": "call-1", "url": article, "role": "describes"})
    news = stored(db, "nyhet")
    extracted(db, news, kind="news", events='["2026-01-10"]')

    known = load_known_pages(db, "region")

    assert set(known.pages) == {article, news}  # the document comes with its article
    assert decide(known.pages[article], TODAY) == (True, LIVE)
    assert decide(known.pages[news], TODAY) == (False, NOT_DUE)  # fetched today (stored before revisit rows)
    assert known.pages[news].last_checked == date.fromisoformat(db["pages"].get(news)["fetched_at"][:10])
    assert document not in known.page_urls.values()


def test_a_listed_page_not_fetched_is_seen_unless_its_last_fetch_failed(tmp_path):
    db = open_db(tmp_path / "cw.db")
    kept, dead = stored(db, "kvar"), stored(db, "borta")
    save_visits(db, "region", 2, TODAY, [
        VisitRecord(kept, page_url=kept, listed_depth=1, entry="a"),
        VisitRecord(dead, page_url=dead, listed_depth=1, entry="b", due_reason="interval", outcome="failed",
                    interval_days=14),
    ])
    save_visits(db, "region", 3, TODAY, [
        VisitRecord(kept, page_url=kept, listed_depth=1, entry="a"),
        VisitRecord(dead, page_url=dead, listed_depth=1, entry="b"),  # still linked, not due
    ])

    assert db["pages"].get(kept)["last_seen_run"] == 3
    assert db["pages"].get(dead)["last_seen_run"] == 1  # a dead link is not a page seen again
    assert db["pages"].get(kept)["fetched_at"] == db["pages"].get(kept)["first_seen"]  # seen, not fetched
    row = db["page_revisits"].get(dead)
    assert (row["listed_run"], row["checked_run"], row["outcome"], row["interval_days"]) == (3, 2, "failed", 14)
