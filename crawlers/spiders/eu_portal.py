"""The EU Funding & Tenders Portal, read through its search API (`kind = "eu-portal"`).

The API is particular: `apiKey`, `text`, `pageSize` and `pageNumber` go in the URL, while the
JSON parameters `query`, `languages` and `sort` must be multipart *file* parts of type
`application/json` (as plain form fields the API answers HTTP 500, in the URL they are silently
ignored). Scrapy's FormRequest cannot send multipart, so the body is built here. The server caps
`pageSize` without saying so except in the response, so paging follows the reported size.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import scrapy
from scrapy.http import Response

from crawlers.portal_mapping import TopicCollector, build_query, languages, search_texts
from crawlers.spiders.base import SourceSpider, describe_failure
from pipeline.vocabulary import today_in_stockholm

log = logging.getLogger(__name__)

API_KEY = "SEDIA"  # the portal's public key, the same for every client
DEFAULT_PAGE_SIZE = 100  # the server's cap; it may lower it further, which paging follows
SORT = {"field": "sortStatus", "order": "ASC"}


def multipart_body(parts: dict[str, Any]) -> tuple[bytes, str]:
    """A multipart/form-data body whose parts are JSON *files*; returns (body, content type).

    The boundary is derived from the content, so the same request has the same bytes (and the
    same fingerprint) every night.
    """
    encoded = {name: json.dumps(value, separators=(",", ":")).encode("utf-8") for name, value in parts.items()}
    boundary = "callwatch" + hashlib.sha256(b"\0".join(encoded.values())).hexdigest()[:24]
    chunks: list[bytes] = []
    for name, data in encoded.items():
        chunks.append(
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{name}.json"\r\n'
            "Content-Type: application/json\r\n\r\n".encode("ascii")
        )
        chunks.append(data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def search_url(endpoint: str, text: str, page_size: int, page_number: int) -> str:
    params = urlencode({"apiKey": API_KEY, "text": text, "pageSize": page_size, "pageNumber": page_number})
    separator = "&" if urlsplit(endpoint).query else "?"
    return f"{endpoint}{separator}{params}"


def not_search_json(body: bytes, exc: Exception) -> str:
    """What was wrong with a search answer, in words a maintainer can act on."""
    if body.lstrip()[:1] == b"<":
        return "an HTML or XML page instead of JSON"
    if isinstance(exc, json.JSONDecodeError):
        cut = " (cut short?)" if exc.pos >= len(exc.doc.rstrip()) else ""
        return f"invalid JSON{cut}: {exc.msg} at character {exc.pos} of {len(exc.doc)}"
    if isinstance(exc, KeyError):
        return f"JSON without {exc}"
    return f"{type(exc).__name__}: {exc}"


class EuPortalSpider(SourceSpider):
    """One source = one query (programmes, types, statuses) and one search per keyword."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = self.source.options
        self.collector = TopicCollector(self.source.name, today_in_stockholm(), options)
        self.pending_searches = 0
        self.languages = languages(options)
        self.query: dict[str, Any] | None = None
        try:
            self.query = build_query(options)
            self.page_size = int(options.get("page_size", DEFAULT_PAGE_SIZE))
        except (ValueError, TypeError) as exc:
            # A wrong option fails this source with a clear message, not the whole crawl.
            self.start_error = f"invalid options for source '{self.source.name}': {exc}"
            log.error("%s", self.start_error)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.query is None:
            return
        texts = search_texts(self.source.options)
        self.pending_searches = len(texts)
        for text in texts:
            yield self.search_request(text, 1, self.page_size)

    def search_request(self, text: str, page_number: int, page_size: int) -> scrapy.Request:
        body, content_type = multipart_body(
            {"query": self.query, "languages": self.languages, "sort": SORT}
        )
        return scrapy.Request(
            search_url(self.source.url, text, page_size, page_number),
            method="POST",
            body=body,
            headers={"Content-Type": content_type, "Accept": "application/json"},
            callback=self.parse_search,
            errback=self.on_search_error,
            cb_kwargs={"text": text, "page_number": page_number},
            # Each night's answer is new data: never serve the search from the HTTP cache.
            meta={"dont_cache": True},
            dont_filter=True,
        )

    def parse_search(self, response: Response, text: str, page_number: int) -> Iterator[Any]:
        try:
            data = json.loads(response.body)
            results = data["results"]
            if not isinstance(results, list):
                raise TypeError(f"'results' is {type(results).__name__}, not a list")
            total = int(data.get("totalResults", 0))
            reported_size = int(data.get("pageSize") or len(results) or 1)
        except (ValueError, KeyError, TypeError) as exc:
            yield from self.fail(f"portal search answered something that is not its JSON "
                                 f"({not_search_json(response.body, exc)}) at {response.url}")
            return
        for result in results:
            self.collector.add(result)
        log.info("%s: text=%s page %d: %d rows of %d", self.source.name, text, page_number, len(results), total)
        seen = (page_number - 1) * reported_size + len(results)
        if results and seen < total and page_number < self.source.max_pages:
            # Ask for the size the server really uses, so page N starts where page N-1 ended.
            yield self.search_request(text, page_number + 1, reported_size)
        else:
            if seen < total:
                log.warning("%s: stopped at page %d with %d of %d results", self.source.name,
                            page_number, seen, total)
            yield from self.finish_search()

    def on_search_error(self, failure: Any) -> Iterator[Any]:
        yield from self.fail(describe_failure(failure, self.settings.getint("DOWNLOAD_MAXSIZE")))

    def fail(self, reason: str) -> Iterator[Any]:
        """Record the source as failed (unless other searches still deliver) and end this search."""
        self.start_error = reason
        log.error("%s: %s", self.source.name, reason)
        yield from self.finish_search()

    def finish_search(self) -> Iterator[dict[str, Any]]:
        # Items are held until every search has finished: a legacy copy met first must be
        # replaced by the current row that may come on a later page.
        self.pending_searches -= 1
        if self.pending_searches > 0:
            return
        items = self.collector.items()
        self.page_errors += self.collector.rows_failed
        log.info("%s: %d rows -> %d topics", self.source.name, self.collector.rows_seen, len(items))
        yield from items
