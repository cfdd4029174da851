"""How long detect_calls takes on a register of realistic size; prints figures.

Builds a temporary store with N portal topics, N/2 regional pages naming them, N/2 regional
calls without identifiers and N/4 news pages, then times a first detect, an unchanged re-run and
a run where a tenth of the deadlines moved.

    .venv/bin/python benchmarks/detect_bench.py --topics 2000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from pathlib import Path

from pipeline.detect import detect_calls
from pipeline.store import finish_run, open_db, save_page, save_source_run, start_run

TODAY = date(2026, 11, 22)


def build_night(db, topics: int, moved: bool) -> int:
    run_id = start_run(db)
    extractions = []
    for n in range(topics):
        ident = f"HORIZON-BENCH-2026-{n:05d}"
        deadline = f"2027-{n % 12 + 1:02d}-{n % 27 + 1:02d}"
        if moved and n % 10 == 0:
            deadline = f"2028-{n % 12 + 1:02d}-01"
        save_page(db, {"url": f"https://portal.example/{ident}", "source": "eu-portal", "title": f"Topic {n}",
                       "text": f"Topic {n} about {ident}", "meta": {
                           "identifier": ident, "title": f"Topic {n}", "opening": "2026-10-01",
                           "deadline": deadline, "cutoffs": [deadline], "kind": "funding-call",
                           "funders": [{"name": "European Commission", "text": "EC"}], "amounts": []}}, run_id)
        if n % 2 == 0:
            url = f"https://region.example/news/{n}"
            save_page(db, {"url": url, "source": "region", "title": f"Nyhet {n}", "text": ident}, run_id)
            extractions.append((url, "funding-call", deadline, [ident], f"Nyhet {n}"))
        if n % 2 == 1:
            url = f"https://region.example/calls/{n}"
            save_page(db, {"url": url, "source": "region", "title": f"Regional call {n}", "text": "x"}, run_id)
            extractions.append((url, "funding-call", deadline, [], None))
        if n % 4 == 0:
            url = f"https://region.example/roundup/{n}"
            save_page(db, {"url": url, "source": "region", "title": f"Roundup {n}", "text": ident}, run_id)
            extractions.append((url, "news", None, [ident, f"HORIZON-BENCH-2026-{n + 1:05d}"], None))
    with db.conn:
        for url, kind, deadline, ids, _ in extractions:
            db["extractions"].upsert({"url": url, "kind": kind, "deadline": deadline,
                                      "identifiers": json.dumps(ids), "funders": "[]", "topics": "[]",
                                      "amounts": "[]", "events": "[]"}, pk="url")
    for source in ("eu-portal", "region"):
        save_source_run(db, run_id, source, status="ok")
    finish_run(db, run_id)
    return run_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--topics", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        for label, moved in (("first detect", False), ("unchanged re-run", False), ("10% deadlines moved", True)):
            run_id = build_night(db, args.topics, moved)
            pages = db["pages"].count
            start = time.perf_counter()
            summary = detect_calls(db, run_id, today=TODAY)
            elapsed = time.perf_counter() - start
            print(f"{label:22s} pages={pages:6d} calls={db['calls'].count:6d} new={summary.new:5d} "
                  f"events={summary.events:5d} time={elapsed:6.2f}s")


if __name__ == "__main__":
    main()
