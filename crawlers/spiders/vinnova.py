"""Vinnova's open-data API (`kind = "vinnova"`): calls and application rounds changed since the last run.

`GET <url>/utlysningar/<since>` (the calls) and `GET <url>/ansokningsomgangar/<since>` (the
rounds), where `since` is the last successful run minus a margin (a record edited just before
that run is read again), or a longer look-back on the first run. A changed call may list rounds
that did not change, and a changed round may belong to a call that did not: those are then asked
for by number (`/ansokningsomgangar/<dnr>,<dnr>`, as the API documents), so every round goes out
attached to its call. Gzip is undone by Scrapy's HttpCompressionMiddleware; the BOM and an HTML
page in place of JSON are handled in `crawlers.vinnova_mapping`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.spiders.base import SourceSpider, describe_failure
from crawlers.vinnova_mapping import VinnovaFormatError, call_rounds, map_rounds, parse_rounds
from pipeline.vocabulary import STOCKHOLM, today_in_stockholm

log = logging.getLogger(__name__)

MARGIN_DAYS = 14
FIRST_RUN_LOOKBACK_DAYS = 365
CALLS, ROUNDS = "utlysningar", "ansokningsomgangar"
ENDPOINTS = (CALLS, ROUNDS)
LOOKUP_CHUNK = 20  # numbers asked for in one request


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records: dict[str, dict[str, dict[str, Any]]] = {CALLS: {}, ROUNDS: {}}
        self.endpoints = tuple(self.source.options.get("endpoints", ENDPOINTS))
        self.pending = 0
        self.looked_up = False
        self.errors: list[str] = []

    async def start(self) -> AsyncIterator[scrapy.Request]:
        options = self.source.options
        self.today = today_in_stockholm()
        since = since_date(
            self.last_ok_at,
            self.today,
            int(options.get("margin_days", MARGIN_DAYS)),
            int(options.get("lookback_days", FIRST_RUN_LOOKBACK_DAYS)),
        )
        self.pending = len(self.endpoints)
        for endpoint in self.endpoints:
            yield self.api_request(endpoint, since.isoformat())

    def api_request(self, endpoint: str, what: str) -> scrapy.Request:
        return scrapy.Request(
            f"{self.source.url.rstrip('/')}/{endpoint}/{what}",
            headers={"Accept": "application/json"},
            callback=self.parse_records,
            errback=self.on_api_error,
            cb_kwargs={"endpoint": endpoint},
            meta={"dont_cache": True},  # the answer depends on the date asked: nothing to revalidate
            dont_filter=True,
        )

    def parse_records(self, response: Response, endpoint: str) -> Iterator[Any]:
        try:
            records = parse_rounds(response.body, response.url,
                                   response.headers.get("Content-Type", b"").decode("latin-1"))
        except VinnovaFormatError as exc:
            self.note_api_error(str(exc))
        else:
            held = self.records.get(endpoint, {})
            for record in records:
                number = " ".join(str(record.get("Diarienummer") or "").split())
                if number:
                    held.setdefault(number, record)
            log.info("%s: %d records from %s", self.source.name, len(records), response.url)
        yield from self.finish_request()

    def on_api_error(self, failure: Any) -> Iterator[Any]:
        self.note_api_error(describe_failure(failure, self.settings.getint("DOWNLOAD_MAXSIZE")))
        yield from self.finish_request()

    def note_api_error(self, reason: str) -> None:
        # Recorded on the source; what the other requests brought is still stored.
        if reason not in self.errors:
            self.errors.append(reason)
        self.start_error = "; ".join(self.errors)
        log.error("%s: %s", self.source.name, reason)

    def finish_request(self) -> Iterator[Any]:
        """When every request so far has answered: ask once for the calls and rounds that were
        referred to but not received, then yield the items."""
        self.pending -= 1
        if self.pending > 0:
            return
        if not self.looked_up:
            self.looked_up = True
            lookups = list(self.lookups())
            if lookups:
                self.pending = len(lookups)
                yield from lookups
                return
        rounds, calls = self.records[ROUNDS], self.records[CALLS]
        items, failed = map_rounds(list(rounds.values()), self.source.name, self.source.url, self.today,
                                   list(calls.values()))
        self.page_errors += failed
        log.info("%s: %d rounds and %d calls -> %d pages", self.source.name, len(rounds), len(calls), len(items))
        yield from items

    def lookups(self) -> Iterator[scrapy.Request]:
        calls, rounds = self.records[CALLS], self.records[ROUNDS]
        wanted = {
            ROUNDS: sorted({n for call in calls.values() for n in call_rounds(call)} - set(rounds)),
            CALLS: sorted({" ".join(str(r.get("DiarienummerUtlysning") or "").split()) for r in rounds.values()}
                          - {""} - set(calls)),
        }
        for endpoint, numbers in wanted.items():
            if endpoint not in self.endpoints:
                continue
            for start in range(0, len(numbers), LOOKUP_CHUNK):
                yield self.api_request(endpoint, ",".join(numbers[start:start + LOOKUP_CHUNK]))
