"""Spider classes by source kind: one generic spider per kind, none per site."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider
from crawlers.spiders.feed import FeedSpider
from crawlers.spiders.listing import ListingSpider
from crawlers.spiders.sitemap import SitemapSpider

SPIDER_KINDS: dict[str, type[SourceSpider]] = {
    "listing": ListingSpider,
    "feed": FeedSpider,
    "sitemap": SitemapSpider,
}
