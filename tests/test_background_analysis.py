"""Extraction on a thread of its own while the crawl is still storing pages (pipeline/analyse.py)."""

from __future__ import annotations

import time

import pytest

from pipeline.analyse import BackgroundAnalysis
from pipeline.errors import StoreError
from pipeline.store import open_db, save_page, start_run


def save_calls(db, run_id: int, numbers: range) -> None:
    for n in numbers:
        save_page(db, {"url": f"https://region.example.se/utlysning-{n}", "source": "region",
                       "title": f"Utlysning {n}",
                       "text": f"Regionen utlyser medel för projekt nummer {n}. "
                               f"Sista ansökningsdag är den {1 + n % 28} oktober 2027."}, run_id)


def wait_for_extractions(db, count: int, seconds: float = 60.0) -> int:
    deadline = time.monotonic() + seconds
    while (found := db["extractions"].count) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def test_pages_stored_while_it_runs_are_extracted_before_it_is_stopped(tmp_path):
    db_path = tmp_path / "cw.db"
    db = open_db(db_path)
    run_id = start_run(db)
    save_calls(db, run_id, range(0, 5))
    with BackgroundAnalysis(db_path) as background:
        assert wait_for_extractions(db, 5) == 5
        save_calls(db, run_id, range(5, 12))  # as a crawl goes on storing pages
        assert wait_for_extractions(db, 12) == 12
    assert background.done == 12
    assert db.execute("select count(*) from extractions where deadline is not null").fetchone()[0] == 12


def test_its_failure_is_raised_in_the_job_not_lost_on_the_thread(tmp_path):
    not_a_db = tmp_path / "a-directory"
    not_a_db.mkdir()
    background = BackgroundAnalysis(not_a_db).__enter__()
    with pytest.raises(StoreError, match="cannot open the database"):
        background.stop()
