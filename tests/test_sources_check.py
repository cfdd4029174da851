"""`callwatch sources check` and the diagnosis of an `empty` source: an entry whose `follow`
matches nothing is named, with a pattern that works."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from click.testing import CliRunner
from conftest import write_sources
from sites import DRUPAL, JOOMLA, SITEMAP, WORDPRESS_FEED
from test_crawl import crawl_once
from test_discovery_crawl import stored_pages

from pipeline.cli import cli
from pipeline.digest.select import collect_health
from pipeline.store import open_db

# The article URLs moved from /articles/<slug> to /news/<slug>: the pattern written for the old site.
STALE_FOLLOW = r"/articles/[a-z-]+$"


def check(sources_file, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["sources", "check", "--sources", str(sources_file), "--delay", "0", *args])
    return result.exit_code, result.stdout


def block(output: str, name: str) -> str:
    """The lines of one source in the report."""
    return re.search(rf"^{re.escape(name)}  .*?(?=^\S|\Z)", output, re.M | re.S)[0]


def test_check_names_the_entry_whose_follow_takes_nothing_and_suggests_one_that_works(tmp_path, serve_fixture_site):
    drupal, _ = serve_fixture_site(DRUPAL)
    joomla, _ = serve_fixture_site(JOOMLA)
    wordpress, _ = serve_fixture_site(WORDPRESS_FEED)
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "network-news", "kind": "listing", "url": drupal.url + "/news", "follow": STALE_FOLLOW},
        {"name": "eu-office", "kind": "listing", "url": joomla.url + JOOMLA.entry},
        {"name": "programme-feed", "kind": "feed", "url": wordpress.url + "/feed/"},
    ])
    code, out = check(sources)

    assert code == 1
    assert out.rstrip().endswith("3 source(s) checked, 1 with a problem")
    stale = block(out, "network-news")
    assert "HTTP 200, robots.txt allows" in stale
    assert "links taken: 0" in stale
    assert f"PROBLEM: follow '{STALE_FOLLOW}' matches none of the" in stale
    suggested = re.search(r"suggested: follow = '(.+)'", stale)[1]
    for name in ("eu-office", "programme-feed"):
        assert "PROBLEM" not in block(out, name) and "links taken: 0" not in block(out, name)
    assert "links taken: 2" in block(out, "eu-office")  # the first page's two articles
    assert "links taken: 5" in block(out, "programme-feed")

    # The suggestion, used as it is, reads every article of the listing and nothing else.
    fixed = write_sources(tmp_path / "fixed.toml", [
        {"name": "network-news", "kind": "listing", "url": drupal.url + "/news", "follow": suggested},
    ])
    crawl_once(tmp_path / "cw.db", fixed)
    assert {urlsplit(url).path for url in stored_pages(tmp_path / "cw.db")} == DRUPAL.articles


def test_check_only_one_source_and_the_robots_verdict(tmp_path, serve_fixture_site):
    agency, _ = serve_fixture_site(SITEMAP)
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "agency-search", "kind": "listing", "url": agency.url + "/sok.html"},
        {"name": "agency-calls", "kind": "sitemap", "url": agency.url + SITEMAP.entry},
    ])
    code, out = check(sources, "--only", "agency-search")
    assert code == 1
    assert "agency-calls" not in out
    assert "robots.txt FORBIDS it" in block(out, "agency-search")
    assert not any(path == "/sok.html" for _, path, _ in agency.site.requests)  # asked robots.txt, not the page

    code, out = check(sources, "--only", "agency-calls")
    assert code == 0
    assert "links taken: 4" in block(out, "agency-calls")  # the calls of the index's sitemaps


def test_an_empty_run_records_why_in_source_runs(tmp_path, serve_fixture_site):
    drupal, _ = serve_fixture_site(DRUPAL)
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "network-news", "kind": "listing", "url": drupal.url + "/news", "follow": STALE_FOLLOW},
    ])
    summary = crawl_once(tmp_path / "cw.db", sources)

    row = summary["sources"]["network-news"]
    assert row["status"] == "empty"
    assert f"follow '{STALE_FOLLOW}' matches none of the" in row["error"]
    suggested = re.search(r"try follow = '(.+)' \(3 article-like links such as ", row["error"])[1]
    assert re.search(suggested, drupal.url + "/news/info-day-on-the-innovation-fund")
    assert not re.search(suggested, drupal.url + "/news/press-releases")  # the menu beside the articles

    db = open_db(tmp_path / "cw.db")
    [health] = collect_health(db, row["run_id"], {})
    assert health.payload["problem"] == "empty"
    assert f"try follow = '{suggested}'" in health.payload["error"]  # the digest's source health says it too
