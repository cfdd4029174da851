"""Spider classes by source kind: one generic spider per kind, none per site."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider

SPIDER_KINDS: dict[str, type[SourceSpider]] = {}
