"""The HTTP cache for a monitor: RFC 2616 revalidation, but an outage is never hidden.

Scrapy's cache answers a revalidation that fails (HTTP 5xx, timeout, reset, refused) with the
stored copy, as a browser may. For a monitor that hides an outage for ever: a dead site would
be recorded `ok` with every page "unchanged", and the retries would never run. These two
classes keep RFC 2616 revalidation (304 -> cached copy) and let failures through to the retry
middleware and the spider's errback.

The storage leaves an entry alone once a 304 has confirmed it: Scrapy would rewrite all seven of
its files every night only to refresh the stored headers.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy
from scrapy.http import Response


class NoStaleOnErrorPolicy(RFC2616Policy):
    """RFC 2616 revalidation where only a 304 means "use the cached copy"."""

    def is_cached_response_valid(self, cachedresponse: Response, response: Response, request: Request) -> bool:
        return response.status == 304


class NoStaleOnErrorCacheMiddleware(HttpCacheMiddleware):
    """The HTTP cache without its "error recovery" (serving the cached copy on a download error)."""

    def process_exception(self, request: Request, exception: Exception,
                          spider: Spider | None = None) -> None:
        request.meta.pop("cached_response", None)
        return None


class RevalidatedKeepingStorage(FilesystemCacheStorage):
    """The filesystem cache, without rewriting an entry that a 304 has just confirmed.

    After a 304 Scrapy's middleware merges the 304's headers into the cached response (flagged
    `cached`) and stores it again: seven files truncated and rewritten per unchanged page. Nothing
    the next night needs changes: the validators (ETag, Last-Modified) are the ones the 304
    confirmed, and with `Cache-Control: max-age=0` on every request the entry's age never
    decides anything, because every request revalidates. New and changed pages (200) are stored
    as before. (So an entry's age counts from its last 200: an HTTPCACHE_EXPIRATION_SECS, unset
    here, would drop a long-unchanged entry and cost one unconditional fetch, never a wrong page.)
    """

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        if "cached" in response.flags:
            return
        super().store_response(spider, request, response)
