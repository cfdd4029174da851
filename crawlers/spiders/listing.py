"""Listing pages (Sitevision, Drupal, WordPress, Joomla news sections): follow the article links
and page through the listing by itself.

With a `follow` pattern the articles are the links it matches. Without one they are found on the
first listing page by `crawlers.links` (main-content links of the shape that looks like
articles), and the later pages take the links of that same shape.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import scrapy
from scrapy.http import Response, TextResponse

from crawlers.diagnosis import listing_report
from crawlers.links import all_links, article_group, links_of_shape
from crawlers.pagination import next_page_url
from crawlers.spiders.base import SourceSpider


class ListingSpider(SourceSpider):
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.entry_urls():
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_entry_error,
                                 cb_kwargs={"depth": 1})

    def parse_listing(self, response: Response, depth: int, shape: tuple | None = None) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            self.start_error = f"not an HTML listing: {response.url}"
            return
        urls, shape = self.article_links(response, shape)
        if not urls and depth == 1:
            # Said in source_runs.error if the whole source comes back empty.
            self.diagnosis = listing_report(response, self.source).explain()
        for url in urls:
            yield response.follow(url, callback=self.parse_article, errback=self.on_page_error)
        next_url = next_page_url(response, self.source.next_page)
        if next_url and depth < self.source.max_pages:
            yield response.follow(next_url, callback=self.parse_listing, errback=self.on_page_error,
                                  cb_kwargs={"depth": depth + 1, "shape": shape})

    def article_links(self, response: TextResponse, shape: tuple | None) -> tuple[list[str], tuple | None]:
        """The article URLs of one listing page, and the URL shape later pages are read with."""
        if self.source.follow is not None:
            here = response.url.rstrip("/")
            return [u for u in all_links(response) if u.rstrip("/") != here and self.source.follows(u)], shape
        if shape is not None:
            return links_of_shape(response, shape), shape
        group = article_group(response)
        return (group.urls, group.shape) if group else ([], None)
