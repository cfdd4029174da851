"""RSS and Atom feeds: follow each item's link to the full page (when the revisit policy says it
is due: a new item, a changed one, an open call...)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import scrapy
from scrapy.http import Response

from crawlers.diagnosis import feed_report
from crawlers.feeds import feed_entries, feed_problem
from crawlers.links import takes_without_follow
from crawlers.spiders.base import SourceSpider


class FeedSpider(SourceSpider):
    async def start(self) -> AsyncIterator[scrapy.Request]:
        visits = self.open_visits()
        visits.expect_walks(len(self.entry_urls()))
        for url in self.entry_urls():
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_entry_error)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        entries = feed_entries(response.body)
        links = list(entries)
        problem = feed_problem(response.body)
        if not links:
            reason = f": {problem}" if problem else ""
            self.start_error = f"no feed items could be read from {response.url}{reason}"
            return
        if problem:
            # The items that arrived whole are still read; the note says the feed is broken.
            self.start_error = f"feed {response.url}: {problem}; read the {len(links)} item(s) that arrived whole"
        assert self.visits is not None  # opened in start()
        taken = 0
        for link in links:
            url = response.urljoin(link)
            # Without `follow`: every article-like item of the organisation (no tag/category pages).
            if self.source.follows(url) if self.source.follow is not None else takes_without_follow(url, response.url):
                taken += 1
                if self.visits.listed(url, entries[link]):
                    yield self.article_request(url)
        if not taken:
            self.diagnosis = feed_report(response.body, response.url, self.source).explain()
        self.visits.walk_done(1, complete=not problem)
