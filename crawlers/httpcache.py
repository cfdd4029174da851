"""The HTTP cache for a monitor: RFC 2616 revalidation, but an outage is never hidden.

Scrapy's cache answers a revalidation that fails (HTTP 5xx, timeout, reset, refused) with the
stored copy, as a browser may. For a monitor that hides an outage for ever: a dead site would
be recorded `ok` with every page "unchanged", and the retries would never run. These two
classes keep RFC 2616 revalidation (304 -> cached copy) and let failures through to the retry
middleware and the spider's errback.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
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
