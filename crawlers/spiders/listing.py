"""Listing pages (Sitevision, Drupal, WordPress, Joomla news sections): follow article links
matching the source's `follow` pattern and page through the listing by itself, as far as it
shows something new (see `parse_listing`)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qsl, urlparse

import scrapy
from scrapy.http import Response, TextResponse

from crawlers.listing_entries import entry_digests
from crawlers.spiders.base import SourceSpider
from pipeline.revisit import NEW

# Link texts that mean "next page" in the CMSs we read (Swedish and English).
NEXT_TEXTS = {"nästa", "nästa sida", "next", "next page", "»", "›", "→", "older posts", "äldre", "äldre inlägg",
              "visa fler", "load more", "nästa »", "next »", "next ›", "nästa ›", ">"}
PAGE_PARAM = re.compile(r"^(page|start|p|sida|offset|pg)$", re.I)


class ListingSpider(SourceSpider):
    async def start(self) -> AsyncIterator[scrapy.Request]:
        visits = self.open_visits()
        visits.expect_walks(len(self.entry_urls()))
        for url in self.entry_urls():
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_entry_error,
                                 cb_kwargs={"depth": 1})

    def parse_listing(self, response: Response, depth: int, quiet: int = 0,
                      shifted: bool = False) -> Iterator[scrapy.Request]:
        """Ask for the listed articles that are due; page on until `stop_after_known_pages`
        listing pages in a row (`quiet` so far) showed no new article and no changed entry.
        `shifted`: this walk met new articles, which push older entries down the listing."""
        if not isinstance(response, TextResponse):
            self.start_error = f"not an HTML listing: {response.url}"
            return
        assert self.visits is not None  # opened in start()
        links = list(dict.fromkeys(self.article_links(response)))
        entries = entry_digests(response, links)
        for url in links:
            if self.visits.listed(url, entries.get(url), depth):
                yield self.article_request(url)
        news = self.visits.news(links)
        quiet = 0 if news else quiet + 1
        shifted = shifted or NEW in news
        stop_after = self.source.stop_after_known_pages
        next_url = self.next_page(response)
        if next_url and depth < self.source.max_pages and not (stop_after and quiet >= stop_after):
            yield response.follow(next_url, callback=self.parse_listing, errback=self.on_listing_error,
                                  cb_kwargs={"depth": depth + 1, "quiet": quiet, "shifted": shifted})
        else:
            self.visits.walk_done(depth, complete=next_url is None, shifted=shifted)

    def article_links(self, response: TextResponse) -> Iterator[str]:
        listing = urlparse(response.url)
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip()).split("#")[0]
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or url.rstrip("/") == response.url.rstrip("/"):
                continue
            if self.source.follow is not None:
                if self.source.follows(url):
                    yield url
            # Without a pattern: same host, below the listing's own path.
            elif parsed.netloc == listing.netloc and parsed.path.startswith(listing.path.rstrip("/") + "/"):
                yield url

    def next_page(self, response: TextResponse) -> str | None:
        """The next listing page: an explicit pattern, rel=next, a "Next" link, or a page param."""
        links = response.css("a[href]")
        if self.source.next_page:
            for href in links.css("::attr(href)").getall():
                if re.search(self.source.next_page, response.urljoin(href)):
                    candidate = response.urljoin(href)
                    if candidate != response.url:
                        return candidate
            return None
        rel_next = response.css('link[rel~="next"]::attr(href), a[rel~="next"]::attr(href)').get()
        if rel_next:
            return response.urljoin(rel_next)
        for link in links:
            text = " ".join(link.css("::text").getall()).strip().lower()
            label = (link.attrib.get("aria-label") or link.attrib.get("title") or "").strip().lower()
            if text in NEXT_TEXTS or label in NEXT_TEXTS or label.startswith(("nästa", "next")):
                return response.urljoin(link.attrib["href"])
        return self._next_by_page_param(response)

    @staticmethod
    def _next_by_page_param(response: TextResponse) -> str | None:
        """Among links to the same path, the one with the smallest page number above ours."""
        here = urlparse(response.url)
        current = _page_number(here.query)
        best: tuple[int, str] | None = None
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            parsed = urlparse(url)
            if parsed.path != here.path or parsed.netloc != here.netloc:
                continue
            number = _page_number(parsed.query)
            if number is not None and number > (current or 0) and (best is None or number < best[0]):
                best = (number, url)
        return best[1] if best else None


def _page_number(query: str) -> int | None:
    for key, value in parse_qsl(query):
        if PAGE_PARAM.match(key) and value.isdigit():
            return int(value)
    return None
