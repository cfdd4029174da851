"""Scrapy settings: polite by default, incremental through the RFC 2616 HTTP cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Response

USER_AGENT = "callwatch/0.1 (+https://github.com/callwatch/callwatch; funding-call monitor)"


def build_settings(db_path: str | Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Settings for one crawl into the database at `db_path`."""
    cache_dir = Path(f"{Path(db_path).resolve()}.httpcache")
    settings: dict[str, Any] = {
        "BOT_NAME": "callwatch",
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        # Politeness: AutoThrottle adapts to each server; few parallel requests per site.
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 1.0,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_DELAY": 0.5,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        # A hung server costs at most ~1 minute per URL: 20 s x (1 try + 2 retries).
        "DOWNLOAD_TIMEOUT": 20,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "REDIRECT_MAX_TIMES": 10,
        "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 2 * 1024 * 1024,
        # Incremental: the RFC 2616 policy revalidates with If-None-Match/If-Modified-Since, so an
        # unchanged page comes back as a 304 and is served from the cache. The request header
        # max-age=0 stops the policy from trusting heuristic freshness without asking the server.
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_POLICY": "crawlers.settings.NoStaleOnErrorPolicy",
        "HTTPCACHE_STORAGE": "scrapy.extensions.httpcache.FilesystemCacheStorage",
        "HTTPCACHE_DIR": str(cache_dir),
        "HTTPCACHE_IGNORE_HTTP_CODES": [500, 502, 503, 504, 408, 429],
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "sv,en;q=0.8",
            "Cache-Control": "max-age=0",
        },
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
            "crawlers.settings.NoStaleOnErrorCacheMiddleware": 900,
        },
        "ITEM_PIPELINES": {
            "crawlers.item_pipelines.MainTextPipeline": 100,
            "crawlers.item_pipelines.StorePipeline": 900,
        },
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "CALLWATCH_DB": str(db_path),
    }
    settings.update(overrides or {})
    return settings


# Scrapy's cache answers a revalidation that fails (HTTP 5xx, timeout, reset, refused) with the
# stored copy, as a browser may. For a monitor that hides an outage for ever: a dead site would
# be recorded `ok` with every page "unchanged", and the retries would never run. These two
# classes keep RFC 2616 revalidation (304 -> cached copy) and let failures through to the retry
# middleware and the spider's errback.


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
