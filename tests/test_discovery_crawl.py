"""Sources without `follow` on Sitevision-, Drupal-, Joomla-, WordPress- and sitemap-style sites:
every article is stored with its main text, no navigation, tag, category, about or search page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from conftest import write_sources
from sites import ALL
from test_crawl import crawl_once

from pipeline.store import open_db


def stored_pages(db_path) -> dict[str, dict]:
    db = open_db(db_path)
    try:
        return {row["url"]: row for row in db.query("select url, text, title from pages")}
    finally:
        db.close()


@pytest.mark.parametrize("site", ALL, ids=[f"{s.fixture}-{s.kind}" for s in ALL])
def test_a_source_without_follow_stores_exactly_the_articles(tmp_path, serve_fixture_site, site):
    server, article_server = serve_fixture_site(site)
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "site", "kind": site.kind, "url": server.url + site.entry},
    ])
    summary = crawl_once(tmp_path / "cw.db", sources)

    pages = stored_pages(tmp_path / "cw.db")
    assert {urlsplit(url).path for url in pages} == site.articles
    assert {f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in pages} == {article_server.url}
    for page in pages.values():
        assert site.text in page["text"]
        for furniture in ("Tillgänglighet", "Privacy policy", "Rue du Luxembourg", "Managing Authority", "Rond-Point"):
            assert furniture not in page["text"]
    assert summary["sources"]["site"]["status"] == "ok"
