"""What every source spider shares: it is built from one `Source` entry and yields page items.

A page item is a plain dict:
- web pages: {"url", "source", "html"} — the main-text item pipeline turns `html` into
  title/text/published/lang/canonical_url;
- API records: {"url", "source", "title", "text", "lang", "published", "meta"} — `meta` holds
  the structured fields of a call (identifier, opening, deadline, cutoffs, funders, …).
"""

from __future__ import annotations

from typing import Any

import scrapy

from crawlers.sources import Source


class SourceSpider(scrapy.Spider):
    """A spider driven by one entry of the sources registry."""

    name = "source"

    def __init__(self, source: Source, last_ok_at: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=source.name, **kwargs)
        self.source = source
        # When this source last completed a run successfully (ISO), for incremental APIs.
        self.last_ok_at = last_ok_at

    def page_item(self, response: scrapy.http.Response) -> dict[str, Any]:
        return {"url": response.url, "source": self.source.name, "html": response.text}
