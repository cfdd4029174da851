"""Scrapy settings: polite by default, incremental through the RFC 2616 HTTP cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
        # Items of one response go through the item pipelines one at a time: ours are synchronous
        # (main text, then an SQLite write), so Scrapy's default of 100 parallel slots bought
        # nothing and cost 100 asyncio tasks per response, a third of an unchanged crawl's CPU.
        # This is not politeness: requests to the sites are limited by the settings above.
        "CONCURRENT_ITEMS": 1,
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
        "HTTPCACHE_POLICY": "crawlers.httpcache.NoStaleOnErrorPolicy",
        # The filesystem cache, but an entry a 304 confirmed is not rewritten (seven files a page).
        "HTTPCACHE_STORAGE": "crawlers.httpcache.RevalidatedKeepingStorage",
        "HTTPCACHE_DIR": str(cache_dir),
        "HTTPCACHE_IGNORE_HTTP_CODES": [500, 502, 503, 504, 408, 429],
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "sv,en;q=0.8",
            "Cache-Control": "max-age=0",
        },
        "EXTENSIONS": {
            "scrapy.extensions.throttle.AutoThrottle": None,
            "crawlers.throttle.RevalidationAwareAutoThrottle": 0,
        },
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
            "crawlers.httpcache.NoStaleOnErrorCacheMiddleware": 900,
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
