"""RSS and Atom feeds: follow each item's link to the full page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import scrapy
from bs4 import BeautifulSoup
from scrapy.http import Response

from crawlers.spiders.base import SourceSpider


class FeedSpider(SourceSpider):
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.entry_urls():
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_entry_error)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        links = feed_links(response.body)
        if not links:
            # A feed with no readable items (truncated, invalid, or not a feed at all).
            self.start_error = f"no feed items could be read from {response.url}"
            return
        for link in links:
            url = response.urljoin(link)
            if self.source.follows(url):
                yield scrapy.Request(url, callback=self.parse_article, errback=self.on_page_error)


def feed_links(body: bytes) -> list[str]:
    """Item links of an RSS 2.0 / RSS 1.0 / Atom document, in feed order. Lenient: a truncated
    feed still yields the items that arrived whole."""
    soup = BeautifulSoup(body, "xml")
    links: list[str] = []
    for item in soup.find_all(["item", "entry"]):
        link = None
        for candidate in item.find_all("link", recursive=False):
            href = candidate.get("href")
            if href and candidate.get("rel", "alternate") == "alternate":
                link = href
                break
            if candidate.string and candidate.string.strip():
                link = candidate.string.strip()
                break
        if link is None:
            guid = item.find("guid")
            if guid and guid.string and guid.string.strip().startswith("http"):
                link = guid.string.strip()
        if link:
            links.append(link)
    return list(dict.fromkeys(links))
