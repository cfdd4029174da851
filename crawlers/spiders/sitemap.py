"""Sitemaps (and sitemap indexes): fetch the URLs that match the source's `follow` pattern (when
the revisit policy says they are due: new, a changed `lastmod`, an open call...).

Without a pattern every article-like URL is read (`crawlers.links.sitemap_articles`), which needs
all the sitemap's URLs at once (a section page is known by the article URLs below it, often
listed in another file of the index): the URLs are collected until the last file of the index
has been read, then requested.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from crawlers.diagnosis import LinkReport, best_group
from crawlers.links import sitemap_articles
from crawlers.spiders.base import SourceSpider


class SitemapSpider(SourceSpider):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending_sitemaps = 0
        self.collected: list[str] = []  # URLs awaiting the last sitemap file (no `follow`)
        self.listed: list[str] = []  # every URL listed, for the diagnosis of a source taking none
        self.lastmod: dict[str, str | None] = {}  # URL -> its <lastmod>, the entry the revisit policy compares
        self.taken = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        visits = self.open_visits()
        visits.expect_walks(1)  # all the sitemaps, read to the last file
        for url in self.entry_urls():
            self.pending_sitemaps += 1
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_entry_sitemap_error)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        self.pending_sitemaps -= 1
        for url, is_index, lastmod in self.sitemap_entries(response):
            if is_index:
                self.pending_sitemaps += 1
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_child_sitemap_error)
            elif self.source.follow is not None:
                self.listed.append(url)
                if self.source.follows(url):
                    self.taken += 1
                    yield from self.article_if_due(url, lastmod)
            else:
                self.listed.append(url)
                self.collected.append(url)
                self.lastmod[url] = lastmod
        yield from self.articles_when_complete()

    def article_if_due(self, url: str, lastmod: str | None) -> Iterator[scrapy.Request]:
        assert self.visits is not None  # opened in start()
        if self.visits.listed(url, lastmod):
            yield self.article_request(url)

    def sitemap_entries(self, response: Response) -> list[tuple[str, bool, str | None]]:
        """(URL, is a sitemap itself, its lastmod) for every entry; a broken sitemap is noted and
        yields none."""
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body)
        try:
            sitemap = Sitemap(body)
            entries = list(sitemap)
        except Exception as exc:  # lxml raises several error types on a broken sitemap
            self.start_error = f"unreadable sitemap {response.url}: {exc}"
            self.visits.walk_failed = True  # which pages left it cannot be told this run
            return []
        if not entries:
            self.start_error = f"no URLs in sitemap {response.url}"
            self.visits.walk_failed = True
            return []
        found = (((entry.get("loc") or "").strip(), (entry.get("lastmod") or "").strip() or None)
                 for entry in entries)
        return [(response.urljoin(loc), sitemap.type == "sitemapindex", lastmod) for loc, lastmod in found if loc]

    def articles_when_complete(self) -> Iterator[scrapy.Request]:
        if self.pending_sitemaps > 0:
            return
        collected, self.collected = self.collected, []
        for url in sitemap_articles(collected, self.source.url):
            self.taken += 1
            yield from self.article_if_due(url, self.lastmod.get(url))
        if not self.taken and self.listed:
            articles = sitemap_articles(self.listed, self.source.url)
            self.diagnosis = LinkReport(self.source.url, self.source.follow, self.listed, [],
                                        best_group(articles)).explain()
        self.visits.walk_done(1, complete=True)

    def on_entry_sitemap_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        self.pending_sitemaps -= 1
        self.visits.walk_failed = True
        self.on_entry_error(failure)
        yield from self.articles_when_complete()

    def on_child_sitemap_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        self.pending_sitemaps -= 1
        self.visits.walk_failed = True
        self.on_page_error(failure)
        yield from self.articles_when_complete()
