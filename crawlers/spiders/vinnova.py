"""Vinnova's open-data API (`kind = "vinnova"`): application rounds changed since the last run.

`GET <url>/ansokningsomgangar/<since>` where `since` is the last successful run minus a margin
(a round edited just before that run is read again), or a longer look-back on the first run.
Gzip is undone by Scrapy's HttpCompressionMiddleware; the BOM and an HTML page in place of JSON
are handled in `crawlers.vinnova_mapping`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.spiders.base import SourceSpider
from crawlers.vinnova_mapping import VinnovaFormatError, map_rounds, parse_rounds
from pipeline.vocabulary import STOCKHOLM, today_in_stockholm

log = logging.getLogger(__name__)

MARGIN_DAYS = 14
FIRST_RUN_LOOKBACK_DAYS = 365
ENDPOINTS = ("ansokningsomgangar",)


def since_date(last_ok_at: str | None, today: date, margin_days: int = MARGIN_DAYS,
               lookback_days: int = FIRST_RUN_LOOKBACK_DAYS) -> date:
    """The date to ask for changes from: last success minus a margin, else a look-back."""
    if last_ok_at:
        try:
            moment = datetime.fromisoformat(last_ok_at.replace("Z", "+00:00"))
            last = moment.astimezone(STOCKHOLM).date() if moment.tzinfo else moment.date()
            return min(last, today) - timedelta(days=margin_days)
        except ValueError:
            log.warning("unreadable last successful run time %r, using the first-run look-back", last_ok_at)
    return today - timedelta(days=lookback_days)


class VinnovaSpider(SourceSpider):
    # Far-back dates make the API slow to answer: one long try instead of three short ones, so a
    # hung API still costs about a minute, like any other URL.
    custom_settings = {"DOWNLOAD_TIMEOUT": 60, "RETRY_TIMES": 0}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        options = self.source.options
        self.today = today_in_stockholm()
        since = since_date(
            self.last_ok_at,
            self.today,
            int(options.get("margin_days", MARGIN_DAYS)),
            int(options.get("lookback_days", FIRST_RUN_LOOKBACK_DAYS)),
        )
        for endpoint in options.get("endpoints", ENDPOINTS):
            yield scrapy.Request(
                f"{self.source.url.rstrip('/')}/{endpoint}/{since.isoformat()}",
                headers={"Accept": "application/json"},
                callback=self.parse_rounds,
                errback=self.on_entry_error,
                meta={"dont_cache": True},  # the answer depends on the date asked: nothing to revalidate
            )

    def parse_rounds(self, response: Response) -> Iterator[dict[str, Any]]:
        try:
            records = parse_rounds(response.body, response.url,
                                   response.headers.get("Content-Type", b"").decode("latin-1"))
        except VinnovaFormatError as exc:
            self.start_error = str(exc)
            log.error("%s: %s", self.source.name, exc)
            return
        items, failed = map_rounds(records, self.source.name, self.source.url, self.today)
        self.page_errors += failed
        log.info("%s: %d rounds -> %d calls from %s", self.source.name, len(records), len(items), response.url)
        yield from items
