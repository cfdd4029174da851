"""Call documents: a PDF or DOCX linked from a call page is fetched, read and stored with its
page; its facts complete the page's call (the page's own statement wins); a broken or encrypted
document is reported and costs nothing else."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import FAST_CRAWL, write_sources

from pipeline.cli import cli
from pipeline.run import run_job
from pipeline.store import open_db


@pytest.fixture
def crawled(tmp_path, serve_site):
    site = serve_site("call-documents")
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "region-calls", "kind": "listing", "url": f"{site.url}/utlysningar/"},
    ])
    db_path = tmp_path / "cw.db"
    run_job(db_path, sources, crawl_settings=FAST_CRAWL)
    return site, db_path


def test_a_deadline_stated_only_in_the_linked_pdf_becomes_the_calls_deadline(crawled):
    site, db_path = crawled
    result = CliRunner().invoke(cli, ["calls", "--db", str(db_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    calls = {c["title"]: c for c in json.loads(result.stdout)}

    assert set(calls) == {"Utlysning: Innovation i nära vård", "Utlysning: Digital hälsa i hemmet"}
    assert calls["Utlysning: Innovation i nära vård"]["deadline"][:10] == "2027-03-15"  # from the PDF only
    # The page says 30 April, its DOCX says 10 May: the page's own statement wins.
    assert calls["Utlysning: Digital hälsa i hemmet"]["deadline"][:10] == "2027-04-30"


def test_documents_are_stored_with_their_page_and_broken_ones_are_reported(crawled):
    site, db_path = crawled
    db = open_db(db_path)
    pages = {row["url"].removeprefix(site.url): row for row in db.query("select url, parent_url, text from pages")}
    call_text = pages["/dokument/utlysningstext-nara-vard.pdf"]
    conditions = pages["/dokument/villkor-digital-halsa.docx"]
    assert call_text["parent_url"] == f"{site.url}/utlysningar/innovation-i-nara-vard.html"
    assert "Sista ansökningsdag är den 15 mars 2027" in call_text["text"]
    assert conditions["parent_url"] == f"{site.url}/utlysningar/digital-halsa-i-hemmet.html"
    assert "10 maj 2027" in conditions["text"]
    # The broken and the encrypted PDF cost nothing else: both call pages are stored, the source is ok.
    assert "/dokument/bilaga-trasig.pdf" not in pages and "/dokument/budgetmall-skyddad.pdf" not in pages
    assert {"/utlysningar/innovation-i-nara-vard.html", "/utlysningar/digital-halsa-i-hemmet.html"} <= set(pages)
    row = db.execute("select status, error from source_runs where source = 'region-calls'").fetchone()
    assert row[0] == "ok"
    assert "bilaga-trasig.pdf" in row[1] and "corrupt PDF" in row[1]
    assert "budgetmall-skyddad.pdf" in row[1] and "encrypted PDF: a password is needed" in row[1]
