"""Progress events: one JSON line each across the crawl child's stdout, and what the CLI shows of them."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from pipeline.cli.progress import RunProgress
from pipeline.events import (
    PagesExtracted,
    PageStored,
    RunStarted,
    SourceFinished,
    StageFinished,
    StageStarted,
    from_json,
    to_json,
)

EVENTS = [
    RunStarted(7),
    PageStored("vinnova", "https://www.vinnova.se/e/utlysning/ö", "new"),
    SourceFinished("region-skane", "failed", 0, 0, 0, error="timeout after 30 s\nretrying [bold]"),
    SourceFinished("vgr", "ok", 12, 3, 1, pages_listed=40, pages_due=12, pages_fetched=12, pages_skipped=28),
    StageStarted("extract"),
    PagesExtracted(40),
    StageFinished("extract", {"pages": 41}),
    StageFinished("digest", {"status": "partial", "sent": ["a@example.se"], "failed": {"b@example.se": "550"}}),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_every_event_crosses_a_process_boundary_as_one_line_and_comes_back_equal(event):
    line = to_json(event)
    assert "\n" not in line
    assert from_json(line + "\n") == event


@pytest.mark.parametrize("line", [
    "2026-11-22 02:00:01 [scrapy.core.engine] INFO: Spider opened",  # a library writing to stdout
    '{"downloader/request_count": 3}',  # JSON, but no event
    '{"event": "progress", "count": 3}',  # an event this version does not know
    '{"event": "page", "source": "vgr"}',  # fields missing
    '{"event": "run", "run_id": 1, "extra": true}',  # a field unknown
])
def test_a_line_that_is_not_an_event_is_refused_with_a_value_error(line):
    with pytest.raises(ValueError, match="event"):
        from_json(line)


def test_the_display_prints_one_line_per_finished_source_with_its_error_escaped():
    out = io.StringIO()
    console = Console(file=out, width=60, force_terminal=False)
    with RunProgress(console) as progress:
        for event in EVENTS:
            progress(event)

    lines = [line for line in out.getvalue().splitlines() if line.strip()]  # the bar leaves a blank line
    assert lines == ["failed region-skane: 0 pages (timeout after 30 s retrying [bold])",
                     "    ok vgr: 12 pages, 28 not due"]
    assert progress.sources_done == 2
