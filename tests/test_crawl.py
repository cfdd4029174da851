"""The crawl stage through the real Scrapy engine against fixture sites on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from conftest import FAST_CRAWL, write_sources

from crawlers.crawl import run_crawl
from pipeline.store import finish_run, open_db, start_run


def crawl_once(db_path: Path, sources: Path, only: tuple[str, ...] = ()) -> dict:
    db = open_db(db_path)
    run_id = start_run(db)
    run_crawl(db_path, run_id, sources, only, settings=FAST_CRAWL)
    summary = finish_run(db, run_id)
    summary["sources"] = {row["source"]: row for row in db.query(
        "select * from source_runs where run_id = ?", [run_id])}
    db.close()
    return summary


def paths(db_path: Path) -> set[str]:
    db = open_db(db_path)
    try:
        return {row["url"].split("/", 3)[3] for row in db.query("select url from pages")}
    finally:
        db.close()


def region_news_sources(tmp_path, site_url: str):
    """A sources file with the fixture region's paginated news listing."""
    return write_sources(tmp_path / "sources.toml", [
        {"name": "region-news", "kind": "listing", "url": f"{site_url}/aktuellt/",
         "follow": r"/aktuellt/[a-z-]+\.html$"},
    ])


def test_paginated_listing_stores_every_article_with_clean_main_text(tmp_path, serve_site):
    site = serve_site("sitevision")
    sources = region_news_sources(tmp_path, site.url)
    summary = crawl_once(tmp_path / "cw.db", sources)

    assert paths(tmp_path / "cw.db") == {f"aktuellt/nyhet-{n}.html" for n in ("ett", "tva", "tre", "fyra")}
    assert summary["sources"]["region-news"]["status"] == "ok"
    assert summary["sources"]["region-news"]["pages_new"] == 4
    db = open_db(tmp_path / "cw.db")
    page = db["pages"].get(f"{site.url}/aktuellt/nyhet-tre.html")
    assert page["title"] == "Partnersökning inom e-hälsa"
    assert page["published"] == "2026-08-20"
    assert page["lang"] == "sv"
    assert "kontakta regionens EU-samordnare" in page["text"]
    for boilerplate in ("Regionens växel", "Acceptera alla kakor", "Lediga jobb", "Tillgänglighetsredogörelse"):
        assert boilerplate not in page["text"]


def test_robots_disallowed_url_is_never_fetched(tmp_path, serve_site):
    site = serve_site("sitevision")
    sources = region_news_sources(tmp_path, site.url)
    crawl_once(tmp_path / "cw.db", sources)
    requested = [path for _, path, _ in site.site.requests]
    assert "/robots.txt" in requested
    assert not any(path.startswith("/aktuellt/intern-") for path in requested)


def test_second_run_revalidates_and_adds_no_rows(tmp_path, serve_site):
    site = serve_site("sitevision")
    sources = region_news_sources(tmp_path, site.url)
    db_path = tmp_path / "cw.db"
    crawl_once(db_path, sources)
    db = open_db(db_path)
    before = (db["pages"].count, db["page_versions"].count)
    first_seen = {row["url"]: row["last_seen_run"] for row in db.query("select url, last_seen_run from pages")}
    site.site.requests.clear()

    second = crawl_once(db_path, sources)

    assert (db["pages"].count, db["page_versions"].count) == before
    assert db["runs"].count == 2
    assert second["sources"]["region-news"]["pages_seen"] == 4
    assert second["sources"]["region-news"]["pages_new"] == 0
    assert all(row["last_seen_run"] == 2 for row in db.query("select last_seen_run from pages"))
    assert set(first_seen.values()) == {1}
    # Conditional requests: the articles were revalidated with their ETag, not blindly re-downloaded.
    article_requests = [h for _, path, h in site.site.requests if path.startswith("/aktuellt/nyhet-")]
    assert len(article_requests) == 4
    assert all("If-None-Match" in headers for headers in article_requests)


def test_changed_article_gets_a_new_version(tmp_path, serve_site):
    site = serve_site("sitevision")
    sources = region_news_sources(tmp_path, site.url)
    db_path = tmp_path / "cw.db"
    crawl_once(db_path, sources)
    article = site.site.root / "aktuellt" / "nyhet-ett.html"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "Stycke två beskriver", "Sista ansökningsdag har flyttats till den 30 november. Stycke två beskriver"),
        encoding="utf-8")

    second = crawl_once(db_path, sources)

    db = open_db(db_path)
    url = f"{site.url}/aktuellt/nyhet-ett.html"
    versions = list(db.query("select text, run_id from page_versions where url = ? order by id", [url]))
    assert [v["run_id"] for v in versions] == [1, 2]
    assert "flyttats till den 30 november" in versions[1]["text"]
    assert "flyttats" in db["pages"].get(url)["text"]
    assert second["sources"]["region-news"]["pages_changed"] == 1
    assert db.execute("select count(*) from page_versions").fetchone()[0] == 5


def test_broken_source_is_recorded_and_the_others_are_stored(tmp_path, serve_site):
    good = serve_site("drupal")
    broken = serve_site("sitevision")
    broken.site.status_overrides["/aktuellt/"] = 500
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "broken-office", "kind": "listing", "url": f"{broken.url}/aktuellt/"},
        {"name": "drupal-news", "kind": "listing", "url": f"{good.url}/news/", "follow": "/news/[a-z-]+$"},
    ])
    summary = crawl_once(tmp_path / "cw.db", sources)

    assert summary["sources"]["broken-office"]["status"] == "failed"
    assert "500" in summary["sources"]["broken-office"]["error"]
    assert summary["sources"]["drupal-news"]["status"] == "ok"
    assert paths(tmp_path / "cw.db") == {"news/call-health-data", "news/info-day", "news/partner-search-ageing"}
    assert summary["status"] == "partial"


def test_rel_next_pagination_is_followed(tmp_path, serve_site):
    site = serve_site("drupal")
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "drupal-news", "kind": "listing", "url": f"{site.url}/news/", "follow": "/news/[a-z-]+$"},
    ])
    crawl_once(tmp_path / "cw.db", sources)
    assert "news/partner-search-ageing" in paths(tmp_path / "cw.db")


def test_feed_follows_items_and_survives_a_dead_link(tmp_path, serve_site):
    site = serve_site("feedsite")
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "agency-feed", "kind": "feed", "url": f"{site.url}/rss.xml"},
    ])
    summary = crawl_once(tmp_path / "cw.db", sources)
    assert paths(tmp_path / "cw.db") == {"nyheter/utlysning-energi.html", "nyheter/webbinarium.html"}
    row = summary["sources"]["agency-feed"]
    assert row["status"] == "ok"
    assert "1 page(s) could not be read" in row["error"]


def test_sitemap_follows_only_matching_urls(tmp_path, serve_site):
    site = serve_site("sitemapsite")
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "agency-sitemap", "kind": "sitemap", "url": f"{site.url}/sitemap.xml", "follow": "/utlysningar/"},
    ])
    crawl_once(tmp_path / "cw.db", sources)
    assert paths(tmp_path / "cw.db") == {"utlysningar/forskning-2027.html", "utlysningar/innovation-2027.html"}


def test_a_listing_that_yields_nothing_is_empty_not_silent(tmp_path, serve_site):
    site = serve_site("sitevision")
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "changed-layout", "kind": "listing", "url": f"{site.url}/aktuellt/", "follow": "/no-such-path/"},
    ])
    summary = crawl_once(tmp_path / "cw.db", sources)
    assert summary["sources"]["changed-layout"]["status"] == "empty"
    assert summary["status"] == "failed"
