"""`callwatch sources discover` on the fixture sites' home or section pages: the entry it prints,
used as it is, stores every article and nothing else."""

from __future__ import annotations

import tomllib
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from sites import DRUPAL, JOOMLA, SITEMAP, SITEVISION, WORDPRESS_FEED
from test_crawl import crawl_once
from test_discovery_crawl import stored_pages

from crawlers.sources import load_sources
from pipeline.cli import cli

SITES = [SITEVISION, DRUPAL, JOOMLA, WORDPRESS_FEED, SITEMAP]


def discover(*urls: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["sources", "discover", "--delay", "0", *urls])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("site", SITES, ids=[s.fixture for s in SITES])
def test_the_discovered_entry_reads_every_article_and_nothing_else(tmp_path, serve_fixture_site, site):
    server, article_server = serve_fixture_site(site)
    code, out, err = discover(server.url + site.home)
    assert code == 0, err

    sources_file = tmp_path / "sources.toml"
    sources_file.write_text(out, encoding="utf-8")
    [entry] = load_sources(sources_file)  # a valid entry, as printed
    assert entry.kind == site.kind
    assert entry.kind != "listing" or entry.follow is None  # a listing finds its articles by itself
    assert "chosen: " + site.kind in err and "article" in err  # the report says what and why

    summary = crawl_once(tmp_path / "cw.db", sources_file)
    assert {urlsplit(url).path for url in stored_pages(tmp_path / "cw.db")} == site.articles
    assert summary["sources"][entry.name]["status"] == "ok"


def test_the_report_names_the_feed_sitemap_or_listing_it_looked_at(serve_fixture_site):
    server, _ = serve_fixture_site(DRUPAL)
    code, out, err = discover(server.url + "/")
    assert code == 0
    assert "no feed" in err and "no sitemap" in err
    assert f"section page {server.url}/news" in err
    assert f"pagination: {server.url}/news?page=1" in err
    assert "[[sources]]" not in err and "chosen:" not in out  # entries and report kept apart


def test_two_urls_give_two_entries_with_distinct_names(serve_fixture_site):
    drupal, _ = serve_fixture_site(DRUPAL)
    joomla, _ = serve_fixture_site(JOOMLA)
    code, out, _ = discover(drupal.url + "/news", joomla.url + JOOMLA.home)
    entries = tomllib.loads(out)["sources"]
    assert code == 0 and len(entries) == 2
    assert len({e["name"] for e in entries}) == 2


def test_a_page_without_articles_gives_no_entry_and_says_why(serve_fixture_site):
    server, _ = serve_fixture_site(DRUPAL)  # no feed, no sitemap: only its pages could give an entry
    code, out, err = discover(server.url + "/about-us", server.url + "/no-such-page")
    assert code == 1
    assert out.strip() == ""
    assert "HTTP 404" in err
    assert "no group of article links in the page's main content" in err
    assert "no entry for 2 of 2 URL(s)" in err
