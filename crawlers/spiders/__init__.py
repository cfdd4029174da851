"""Spider classes by source kind: one generic spider per kind, none per site."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider
from crawlers.spiders.eu_portal import EuPortalSpider
from crawlers.spiders.feed import FeedSpider
from crawlers.spiders.listing import ListingSpider
from crawlers.spiders.sitemap import SitemapSpider
from crawlers.spiders.vinnova import VinnovaSpider

SPIDER_KINDS: dict[str, type[SourceSpider]] = {
    "listing": ListingSpider,
    "feed": FeedSpider,
    "sitemap": SitemapSpider,
    "eu-portal": EuPortalSpider,
    "vinnova": VinnovaSpider,
}
