"""Listing pages (Sitevision, Drupal, WordPress, Joomla news sections): follow the article links
and page through the listing by itself, as far as it shows something new (see `parse_listing`).

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
from crawlers.listing_entries import entry_digests
from crawlers.pagination import next_page_url
from crawlers.spiders.base import SourceSpider
from pipeline.revisit import NEW


class ListingSpider(SourceSpider):
    async def start(self) -> AsyncIterator[scrapy.Request]:
        visits = self.open_visits()
        visits.expect_walks(len(self.entry_urls()))
        for url in self.entry_urls():
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_entry_error,
                                 cb_kwargs={"depth": 1})

    def parse_listing(self, response: Response, depth: int, shape: tuple | None = None, quiet: int = 0,
                      shifted: bool = False) -> Iterator[scrapy.Request]:
        """Ask for the listed articles that are due; page on until `stop_after_known_pages`
        listing pages in a row (`quiet` so far) showed no new article and no changed entry.
        `shifted`: this walk met new articles, which push older entries down the listing."""
        if not isinstance(response, TextResponse):
            self.start_error = f"not an HTML listing: {response.url}"
            return
        assert self.visits is not None  # opened in start()
        urls, shape = self.article_links(response, shape)
        urls = list(dict.fromkeys(urls))
        if not urls and depth == 1:
            # Said in source_runs.error if the whole source comes back empty.
            self.diagnosis = listing_report(response, self.source).explain()
        entries = entry_digests(response, urls)
        for url in urls:
            if self.visits.listed(url, entries.get(url), depth):
                yield self.article_request(url)
        news = self.visits.news(urls)
        quiet = 0 if news else quiet + 1
        shifted = shifted or NEW in news
        stop_after = self.source.stop_after_known_pages
        next_url = next_page_url(response, self.source.next_page)
        if next_url and depth < self.source.max_pages and not (stop_after and quiet >= stop_after):
            yield response.follow(next_url, callback=self.parse_listing, errback=self.on_listing_error,
                                  cb_kwargs={"depth": depth + 1, "shape": shape, "quiet": quiet, "shifted": shifted})
        else:
            self.visits.walk_done(depth, complete=next_url is None, shifted=shifted)

    def article_links(self, response: TextResponse, shape: tuple | None) -> tuple[list[str], tuple | None]:
        """The article URLs of one listing page, and the URL shape later pages are read with."""
        if self.source.follow is not None:
            here = response.url.rstrip("/")
            return [u for u in all_links(response) if u.rstrip("/") != here and self.source.follows(u)], shape
        if shape is not None:
            return links_of_shape(response, shape), shape
        group = article_group(response)
        return (group.urls, group.shape) if group else ([], None)
