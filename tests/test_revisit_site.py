"""The revisit policy night after night: the whole job (crawl -> extract -> detect) over a local
news section on 127.0.0.1, with the day fixed per night so intervals can pass in a test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FAST_CRAWL, write_sources
from revisit_site import Article, default_articles, swedish_date, write_site
from site_server import SnapshotServer, SnapshotSite

from pipeline.cli import cli
from pipeline.digest.select import collect_health
from pipeline.revisit import first_interval
from pipeline.run import run_job
from pipeline.store import open_db

T = date(2026, 3, 2)
FOLLOW = r"/aktuellt/[a-z-]+\.html$"


@dataclass
class Region:
    root: Path
    server: SnapshotServer
    sources: Path
    db_path: Path
    articles: list[Article]

    def url(self, slug: str) -> str:
        return f"{self.server.url}/aktuellt/{slug}.html"

    def night(self, day: date, **job: Any) -> tuple[dict[str, Any], list[str]]:
        """One nightly job as of `day`: (its source's row, the paths the site was asked for)."""
        self.server.site.requests.clear()
        summary = run_job(self.db_path, self.sources, crawl_settings=FAST_CRAWL, today=day, **job)
        [row] = summary["sources"]
        return row, [path for _, path, _ in self.server.site.requests]

    def article(self, slug: str) -> Article:
        return next(a for a in self.articles if a.slug == slug)

    def edit(self, slug: str, **changes: str) -> None:
        self.articles = [replace(a, **changes) if a.slug == slug else a for a in self.articles]

    def publish(self, listed: list[Article] | None = None) -> None:
        write_site(self.root, self.articles, listed)

    def db(self):
        return open_db(self.db_path)


@pytest.fixture
def region(tmp_path: Path) -> Iterator[Region]:
    root = tmp_path / "site"
    articles = default_articles(T)
    write_site(root, articles)
    with SnapshotServer(SnapshotSite(root)) as server:
        sources = write_sources(tmp_path / "sources.toml", [
            {"name": "region", "kind": "listing", "url": f"{server.url}/aktuellt/", "follow": FOLLOW}])
        yield Region(root, server, sources, tmp_path / "callwatch.db", articles)


def articles_asked(paths: list[str]) -> set[str]:
    return {p.removeprefix("/aktuellt/").removesuffix(".html") for p in paths if p.endswith(".html")}


def listing_pages_asked(paths: list[str]) -> list[str]:
    return [p for p in paths if p.startswith("/aktuellt/") and not p.endswith(".html")]


def snapshot(db, url: str) -> dict[str, Any]:
    """Everything the store holds about one page (but when it was last seen in its listing)."""
    page = {k: v for k, v in db["pages"].get(url).items() if k not in ("last_seen", "last_seen_run")}
    return {
        "page": page,
        "versions": list(db.query("select content_hash, run_id, text from page_versions where url = ?", [url])),
        "extraction": db.execute("select * from extractions where url = ?", [url]).fetchall(),
        "links": list(db.query("select * from call_pages where url = ?", [url])),
        "calls": list(db.query("select c.* from calls c join call_pages cp on cp.call_id = c.id where cp.url = ?",
                               [url])),
    }


SKIPPED = ("nyhet-beviljat", "utlysning-energi", "konferens-halsa", "nyhet-samarbete")


def test_an_unchanged_night_asks_only_for_what_is_ahead_and_loses_nothing(region):
    first, first_paths = region.night(T)
    assert articles_asked(first_paths) == {a.slug for a in region.articles}
    assert listing_pages_asked(first_paths) == ["/aktuellt/", "/aktuellt/?page=2"]
    db = region.db()
    before = {slug: snapshot(db, region.url(slug)) for slug in SKIPPED}
    assert before["utlysning-energi"]["links"] and before["konferens-halsa"]["links"]  # a closed call, a past event

    second, paths = region.night(T + timedelta(days=1))

    # the first listing page (nothing new on it: no need to page on), the open call, the coming event
    assert listing_pages_asked(paths) == ["/aktuellt/"]
    assert articles_asked(paths) == {"utlysning-vard", "infomote"}
    assert (second["status"], second["pages_listed"], second["pages_due"], second["pages_skipped"]) == ("ok", 3, 2, 4)
    assert second["pages_seen"] == 2
    # nothing lost: a page not fetched keeps its version, its extraction and its call links
    assert {slug: snapshot(db, region.url(slug)) for slug in SKIPPED} == before
    # seen again where the listing still names it (the first page), though not fetched
    last_seen = {slug: db["pages"].get(region.url(slug))["last_seen_run"] for slug in SKIPPED}
    assert last_seen == {"nyhet-samarbete": 2, "nyhet-beviljat": 1, "utlysning-energi": 1, "konferens-halsa": 1}
    assert db.execute("select count(*) from call_events where field = 'page_vanished'").fetchone()[0] == 0
    assert collect_health(db, 2, {}) == []  # a source whose pages were not due is not "empty"


def test_the_next_night_catches_a_moved_deadline_a_new_article_and_a_changed_entry(region):
    region.night(T)
    old_deadline, new_deadline = T + timedelta(days=75), T + timedelta(days=105)
    vard = region.article("utlysning-vard")
    region.edit("utlysning-vard", body=vard.body.replace(swedish_date(old_deadline), swedish_date(new_deadline)))
    region.edit("utlysning-energi", teaser="Ny omgång öppnar i höst.",
                body=region.article("utlysning-energi").body + "<p>En ny omgång av utlysningen öppnar i höst.</p>")
    new = Article("utlysning-vatgas", "Utlysning: vätgas i transportsektorn",
                  f"<p>Energimyndigheten utlyser medel för projekt om vätgas i transportsektorn. Sista "
                  f"ansökningsdag är den {swedish_date(T + timedelta(days=60))}.</p>", "Sök medel för vätgas.")
    region.articles.insert(0, new)
    region.publish()

    row, paths = region.night(T + timedelta(days=1))

    assert {"utlysning-vatgas", "utlysning-vard", "utlysning-energi"} <= articles_asked(paths)
    assert not {"nyhet-beviljat", "konferens-halsa"} & articles_asked(paths)
    db = region.db()
    moves = list(db.query("select old_value, new_value from call_events where field = 'deadline' and run_id = 2"))
    assert moves == [{"old_value": old_deadline.isoformat(), "new_value": new_deadline.isoformat()}]
    assert db.execute("select count(*) from calls where url = ? and first_seen_run = 2",
                      [region.url("utlysning-vatgas")]).fetchone()[0] == 1
    energi = list(db.query("select run_id, text from page_versions where url = ? order by id",
                           [region.url("utlysning-energi")]))
    assert [v["run_id"] for v in energi] == [1, 2] and "ny omgång" in energi[1]["text"]
    reasons = {r["url"].rsplit("/", 1)[1]: r["due_reason"] for r in db.query(
        "select url, due_reason from page_revisits where checked_run = 2")}
    assert reasons == {"utlysning-vatgas.html": "new", "utlysning-vard.html": "live",
                       "infomote.html": "live", "utlysning-energi.html": "entry changed"}
    assert row["pages_new"] == 1 and row["pages_changed"] == 2


def test_a_changed_closed_call_is_caught_within_its_interval(region):
    region.night(T)
    energi = region.article("utlysning-energi")
    region.edit("utlysning-energi", body=energi.body + "<p>Beslut har fattats om åtta projekt.</p>")
    region.publish()  # the listing entry stays as it was: only the article changed
    interval = first_interval(region.url("utlysning-energi"), whole_archive=True)  # found on the first night
    assert interval < 28

    _, paths = region.night(T + timedelta(days=interval))

    assert "utlysning-energi" in articles_asked(paths)
    text = region.db()["pages"].get(region.url("utlysning-energi"))["text"]
    assert "Beslut har fattats om åtta projekt" in text


def test_a_page_dropped_from_the_listing_is_checked_once_and_only_a_gone_one_vanishes(region):
    by_slug = {a.slug: a for a in region.articles}
    order = ["utlysning-energi", "konferens-halsa", "nyhet-samarbete", "utlysning-vard", "infomote", "nyhet-beviljat"]
    region.publish([by_slug[s] for s in order])  # the closed call and the past event on the first page
    region.night(T)
    region.publish([by_slug[s] for s in order[2:]])  # both leave the listing ...
    (region.root / "aktuellt" / "konferens-halsa.html").unlink()  # ... and the event's page is gone

    _, paths = region.night(T + timedelta(days=1))
    _, third_paths = region.night(T + timedelta(days=2))

    assert {"utlysning-energi", "konferens-halsa"} <= articles_asked(paths)
    assert not {"utlysning-energi", "konferens-halsa"} & articles_asked(third_paths)  # once is enough
    db = region.db()
    vanished = [r["old_value"] for r in db.query("select old_value from call_events where field = 'page_vanished'")]
    assert vanished == [region.url("konferens-halsa")]
    assert db.execute("select count(*) from call_events where field = 'page_returned'").fetchone()[0] == 0


def test_run_full_and_a_first_run_that_never_finished_read_everything(region):
    everything = {a.slug for a in region.articles}
    region.night(T)

    region.server.site.requests.clear()
    result = CliRunner().invoke(cli, ["run", "--sources", str(region.sources), "--db", str(region.db_path), "--full"],
                                env={"CALLWATCH_CONFIG": None, "CALLWATCH_DB": None})
    assert result.exit_code == 0, result.output
    full_paths = [path for _, path, _ in region.server.site.requests]
    with region.db().conn as conn:  # the next run's crawl dies before the source finishes
        conn.execute("update source_runs set status = 'failed' where run_id <= 2")
    row, redo_paths = region.night(T + timedelta(days=2))

    for paths in (full_paths, redo_paths):
        assert articles_asked(paths) == everything
        assert listing_pages_asked(paths) == ["/aktuellt/", "/aktuellt/?page=2"]
    assert row["pages_skipped"] == 0


def test_paging_on_to_max_pages_is_a_setting(region):
    region.night(T)
    write_sources(region.sources, [{"name": "region", "kind": "listing", "url": f"{region.server.url}/aktuellt/",
                                    "follow": FOLLOW, "stop_after_known_pages": 0}])

    _, paths = region.night(T + timedelta(days=1))

    assert listing_pages_asked(paths) == ["/aktuellt/", "/aktuellt/?page=2"]
    assert articles_asked(paths) == {"utlysning-vard", "infomote"}


def test_a_night_with_nothing_due_is_healthy_but_a_listing_that_names_nothing_is_not(region):
    region.articles = [a for a in region.articles if a.slug in SKIPPED]  # only what lies behind us
    region.publish()
    region.night(T)

    quiet, quiet_paths = region.night(T + timedelta(days=1))
    region.publish(listed=[])  # the listing's layout changed: it names no article any more
    broken, broken_paths = region.night(T + timedelta(days=2))

    assert articles_asked(quiet_paths) == set()
    assert articles_asked(broken_paths) == set()  # a broken listing is not every article "dropped"
    assert (quiet["status"], quiet["pages_seen"], quiet["pages_listed"]) == ("ok", 0, 3)
    assert broken["status"] == "empty"
    db = region.db()
    assert collect_health(db, 2, {}) == []
    [item] = collect_health(db, 3, {})
    assert (item.payload["source"], item.payload["problem"]) == ("region", "empty")
