"""Sitemaps (and sitemap indexes): fetch the URLs that match the source's `follow` pattern."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from crawlers.spiders.base import SourceSpider


class SitemapSpider(SourceSpider):
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.entry_urls():
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_entry_error)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body)
        try:
            sitemap = Sitemap(body)
            entries = list(sitemap)
        except Exception as exc:  # lxml raises several error types on a broken sitemap
            self.start_error = f"unreadable sitemap {response.url}: {exc}"
            return
        if not entries:
            self.start_error = f"no URLs in sitemap {response.url}"
            return
        for entry in entries:
            loc = (entry.get("loc") or "").strip()
            if not loc:
                continue
            url = response.urljoin(loc)
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_page_error)
            elif self.source.follows(url):
                yield scrapy.Request(url, callback=self.parse_article, errback=self.on_page_error)
