"""What every source spider shares: it is built from one `Source` entry and yields page items.

A page item is a plain dict:
- web pages: {"url", "source", "html", "cached"} — the main-text item pipeline turns `html`
  into title/text/published/lang/canonical_url;
- API records: {"url", "source", "title", "text", "lang", "published", "meta"} — `meta` holds
  the structured fields of a call (identifier, opening, deadline, cutoffs, funders, …).

Whether the source could be read at all is kept in `start_error`: the store pipeline records a
source whose entry URL failed as `failed`, one that answered but yielded nothing as `empty`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawlers.sources import Source

log = logging.getLogger(__name__)


class SourceSpider(scrapy.Spider):
    """A spider driven by one entry of the sources registry."""

    name = "source"

    def __init__(self, source: Source, last_ok_at: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=source.name, **kwargs)
        self.source = source
        # When this source last completed a run successfully (ISO), for incremental APIs.
        self.last_ok_at = last_ok_at
        self.start_error: str | None = None
        self.page_errors = 0

    def entry_urls(self) -> list[str]:
        return [self.source.url, *self.source.start_urls]

    def page_item(self, response: Response) -> dict[str, Any] | None:
        if not isinstance(response, TextResponse):
            log.info("%s: skipping non-text page %s", self.source.name, response.url)
            return None
        return {
            "url": response.url,
            "source": self.source.name,
            "html": response.text,
            "cached": "cached" in response.flags,
        }

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        item = self.page_item(response)
        if item:
            yield item

    def on_entry_error(self, failure: Failure) -> None:
        """The source's own URL (listing, feed, sitemap, API) could not be read."""
        self.start_error = describe_failure(failure)
        log.warning("%s: %s", self.source.name, self.start_error)

    def on_page_error(self, failure: Failure) -> None:
        """One article failed: log and count it, keep the rest of the source."""
        self.page_errors += 1
        log.warning("%s: %s", self.source.name, describe_failure(failure))


def describe_failure(failure: Failure) -> str:
    """A one-line, user-readable reason for a failed request."""
    request = getattr(failure, "request", None)
    url = request.url if request is not None else "?"
    value = failure.value
    response = getattr(value, "response", None)
    if response is not None:
        return f"HTTP {response.status} from {url}"
    name = type(value).__name__
    if name == "IgnoreRequest" and "robots" in str(value).lower():
        return f"forbidden by robots.txt: {url}"
    text = str(value) or name
    return f"{name} for {url}: {text}"[:500]
