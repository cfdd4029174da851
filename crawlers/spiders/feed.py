"""RSS and Atom feeds: follow each item's link to the full page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import scrapy
from scrapy.http import Response

from crawlers.diagnosis import feed_report
from crawlers.feeds import feed_links, feed_problem
from crawlers.links import takes_without_follow
from crawlers.spiders.base import SourceSpider


class FeedSpider(SourceSpider):
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.entry_urls():
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_entry_error)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        links = feed_links(response.body)
        problem = feed_problem(response.body)
        if not links:
            reason = f": {problem}" if problem else ""
            self.start_error = f"no feed items could be read from {response.url}{reason}"
            return
        if problem:
            # The items that arrived whole are still read; the note says the feed is broken.
            self.start_error = f"feed {response.url}: {problem}; read the {len(links)} item(s) that arrived whole"
        taken = 0
        for link in links:
            url = response.urljoin(link)
            # Without `follow`: every article-like item of the organisation (no tag/category pages).
            if self.source.follows(url) if self.source.follow is not None else takes_without_follow(url, response.url):
                taken += 1
                yield scrapy.Request(url, callback=self.parse_article, errback=self.on_page_error)
        if not taken:
            self.diagnosis = feed_report(response.body, response.url, self.source).explain()
