"""What the store keeps about each source a run crawls (the `sources` table), read from the
validated sources file by the crawl and by no later stage.

The `site` is where a person browses the source's calls, which is not always what the crawl
reads: an RSS feed or an API endpoint is no page to send a reader to.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from crawlers.portal_mapping import PORTAL_SITE
from crawlers.sources import Source
from crawlers.vinnova_mapping import VINNOVA_SITE
from pipeline.sources_table import SourceInfo, save_sources
from pipeline.store import open_db

# API sources: the public site of the service whose API is read.
API_SITES = {"eu-portal": PORTAL_SITE, "vinnova": VINNOVA_SITE}


def site_of(source: Source) -> str:
    """A listing page is itself the site to browse; a feed or sitemap belongs to its site's root."""
    if source.kind in API_SITES:
        return API_SITES[source.kind]
    if source.kind == "listing":
        return source.url
    parts = urlsplit(source.url)
    return f"{parts.scheme}://{parts.netloc}/"


def source_info(source: Source) -> SourceInfo:
    return SourceInfo(slug=source.name, title=source.title, url=source.url, site=site_of(source),
                      region=source.region, kind=source.kind, lang=source.lang)


def record_sources(db_path: str | os.PathLike, run_id: int, sources: list[Source]) -> None:
    """Write the `sources` rows of the sources this run crawls (before it crawls them)."""
    db = open_db(db_path)
    try:
        save_sources(db, (source_info(s) for s in sources), run_id)
    finally:
        db.close()
