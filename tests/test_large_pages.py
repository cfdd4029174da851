"""A page of megabytes (an archive of minutes, a long PDF as text) is read in part and never stops a
run: the real crawl of a served site, the real store, the real spaCy pipeline."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_sources
from site_server import SnapshotServer, SnapshotSite
from test_run_job import call_articles, swedish_date, write_news_site

from pipeline.cli import cli
from pipeline.extract import MAX_RUN, MAX_TEXT_CHARS, bounded_text, extract_records
from pipeline.store import open_db
from pipeline.vocabulary import today_in_stockholm

MINUTE = ("§ {n}. Styrelsen behandlade ärende {n} om regional utveckling, kompetensförsörjning och "
          "infrastruktur. Beslut: ärendet bordläggs till nästa sammanträde.")


def long_minutes(deadline: date, size: int) -> str:
    head = (f"Protokollsarkiv med utlysning av projektmedel. Sista ansökningsdag är den {swedish_date(deadline)}. "
            "Regionen utlyser medel för förstudier.")
    paragraphs = [head]
    n = 0
    while sum(len(p) + 2 for p in paragraphs) < size:
        n += 1
        paragraphs.append(MINUTE.format(n=n))
    return "\n\n".join(paragraphs)


def test_a_multi_megabyte_page_does_not_stop_the_run(tmp_path: Path) -> None:
    deadline = today_in_stockholm() + timedelta(days=40)
    articles = call_articles()
    articles["protokoll"] = ("Protokoll och utlysning", "PLACEHOLDER")
    root = tmp_path / "site"
    write_news_site(root, articles)
    page = root / "aktuellt" / "protokoll.html"
    body = "".join(f"<p>{p}</p>" for p in long_minutes(deadline, 3_000_000).split("\n\n"))
    page.write_text(page.read_text(encoding="utf-8").replace("<p>PLACEHOLDER</p>", body), encoding="utf-8")
    assert page.stat().st_size > 3_000_000

    db_path = tmp_path / "callwatch.db"
    with SnapshotServer(SnapshotSite(root)) as site:
        sources = write_sources(tmp_path / "sources.toml", [{
            "name": "region-aktuellt", "kind": "listing", "url": f"{site.url}/aktuellt/",
            "follow": r"/aktuellt/[a-z-]+\.html$"}])
        first = CliRunner().invoke(cli, ["run", "--sources", str(sources), "--db", str(db_path)])
        second = CliRunner().invoke(cli, ["run", "--sources", str(sources), "--db", str(db_path)])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    db = open_db(db_path)
    [big] = list(db.query("select p.url, length(p.text) as n, e.deadline from pages p join extractions e "
                          "on e.url = p.url where p.url like '%protokoll%'"))
    assert big["n"] > 1_000_000  # the store keeps the whole page; only extraction reads a part
    assert big["deadline"] == deadline.isoformat()
    assert db["extractions"].count == db["pages"].count
    assert [r["status"] for r in db.query("select status from runs order by id")] == ["ok", "ok"]


def test_extract_writes_every_record_around_a_huge_one() -> None:
    huge = long_minutes(date(2031, 5, 6), 2_500_000)
    lines = [
        json.dumps({"id": "a", "text": "Sista ansökningsdag är den 3 mars 2031.", "reference_date": "2031-01-10"}),
        json.dumps({"id": "huge", "text": huge, "reference_date": "2031-01-10"}),
        json.dumps({"id": "b", "text": "The call closes on 9 April 2031.", "reference_date": "2031-01-10"}),
    ]
    result = CliRunner().invoke(cli, ["extract"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = {r["id"]: r for r in map(json.loads, result.output.splitlines())}
    assert set(out) == {"a", "huge", "b"}
    assert out["huge"]["deadline"] == "2031-05-06"
    assert out["a"]["deadline"] == "2031-03-03" and out["b"]["deadline"] == "2031-04-09"
    assert len(huge) > 10 * MAX_TEXT_CHARS


@contextmanager
def finished_within(seconds: int) -> Iterator[None]:
    """Fails the test if the block runs longer: a guard against a page that would hold the night's
    run for minutes (the tokenizer rescanning a run of marks), not a speed measurement (benchmarks/).
    (A regex backtracking inside `re` is not interrupted by the alarm: the suite's own time limit is
    what stops that one.)"""
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still reading the page after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


CALL_SHEET = ("Call for proposals: rural schools\n\nContents {line} 1\n\nCall number\n14.10.2031{gap}x\n"
              "Applications are open from 1 September 2031{gap}to 14 October 2031, at 17:00{gap}.\n"
              "Decision{gap}, No. 12/2031 of 2 March 2031.\nDeadline:{gap}14 October 2031{gap}kl. 12.00\n"
              "{line}\nName: {line}\nSignature: {line}\n")


def read_sheet(gap: str = " ", line: str = "") -> dict:
    record = {"id": "sheet", "text": CALL_SHEET.format(gap=gap, line=line), "reference_date": "2031-08-20"}
    return next(extract_records([record]))


@pytest.mark.parametrize(("gap", "line"), [
    (" " * 20_000, ""), ("\t" * 20_000, ""), (" \t" * 10_000, ""), ("\u00a0" * 20_000, ""),
    (" ", "_" * 40_000), (" ", "*" * 40_000), (" ", "." * 40_000), (" ", ":" * 40_000), (" ", "(" * 40_000),
])
def test_a_page_with_long_blank_stretches_or_punctuation_runs_is_read_as_without_them(gap: str, line: str) -> None:
    # blank stretches of a badly converted page; form lines ("Name: ______"), dot leaders
    with finished_within(20):
        found = read_sheet(gap, line)
    assert found["deadline"] == "2031-10-14"
    # (topics left out: the topic classifier weighs each word against the page's length in words,
    # and a run is words to it)
    facts = ("lang", "kind", "call_status", "deadline", "opening", "events", "registration", "funders", "amounts",
             "identifiers")
    plain = read_sheet()
    assert {key: found[key] for key in facts} == {key: plain[key] for key in facts}


@pytest.mark.parametrize("mark", ["_", ".", "*", "-", "·"])
def test_a_run_of_one_mark_is_kept_to_max_run_wherever_it_starts_and_however_long_it_is(mark: str) -> None:
    # (runs are first looked for in every RUN_STEP-th character: a run just over the limit must not
    # slip between the characters looked at, at any offset)
    for length in range(1, 3 * MAX_RUN):
        for offset in range(MAX_RUN):
            text = "a" * offset + mark * length + " b" + mark + "c"
            assert bounded_text(text, "page") == "a" * offset + mark * min(length, MAX_RUN) + " b" + mark + "c"
    assert bounded_text("Name: " + "_." * 500, "page") == "Name: " + "_." * 500  # marks alternating: no run
