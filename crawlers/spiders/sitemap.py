"""Sitemaps (and sitemap indexes): fetch the URLs that match the source's `follow` pattern (when
the revisit policy says they are due: new, a changed `lastmod`, an open call...)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from crawlers.spiders.base import SourceSpider


class SitemapSpider(SourceSpider):
    async def start(self) -> AsyncIterator[scrapy.Request]:
        visits = self.open_visits()
        visits.expect_walks(len(self.entry_urls()))
        for url in self.entry_urls():
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_entry_error,
                                 cb_kwargs={"top": True})

    def parse_sitemap(self, response: Response, top: bool = False) -> Iterator[scrapy.Request]:
        assert self.visits is not None  # opened in start()
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body)
        try:
            sitemap = Sitemap(body)
            entries = list(sitemap)
        except Exception as exc:  # lxml raises several error types on a broken sitemap
            self.start_error = f"unreadable sitemap {response.url}: {exc}"
            self.visits.walk_failed = True  # which pages left it cannot be told this run
            return
        if not entries:
            self.start_error = f"no URLs in sitemap {response.url}"
            self.visits.walk_failed = True
            return
        for entry in entries:
            loc = (entry.get("loc") or "").strip()
            if not loc:
                continue
            url = response.urljoin(loc)
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_listing_error)
            elif self.source.follows(url) and self.visits.listed(url, (entry.get("lastmod") or "").strip() or None):
                yield self.article_request(url)
        if top:  # the sitemaps of an index are read (or fail, see on_listing_error) before idle
            self.visits.walk_done(1, complete=True)
