"""What every source spider shares: it is built from one `Source` entry and yields page items.

A page item is a plain dict:
- web pages: {"url", "source", "html", "cached"} — the main-text item pipeline turns `html`
  into title/text/published/lang/canonical_url;
- API records: {"url", "source", "title", "text", "lang", "published", "meta"} — `meta` holds
  the structured fields of a call (identifier, opening, deadline, cutoffs, funders, …).

Whether the source could be read at all is kept in `start_error`: the store pipeline records a
source whose entry URL failed as `failed`, one that answered but yielded nothing as `empty`.
Pages that failed are counted in `page_errors`, the first few reasons kept in `page_failures`.

The listing, feed and sitemap spiders ask `self.visits` (crawlers/revisits.py) which articles are
due tonight; articles due without being listed are asked for once the listing is read, when the
spider would otherwise go idle.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawlers.documents import MAX_DOCUMENT_BYTES, DocumentError, document_links, read_document
from crawlers.revisits import SourceVisits
from crawlers.sources import Source
from pipeline.vocabulary import today_in_stockholm

log = logging.getLogger(__name__)

KEEP_PAGE_FAILURES = 3  # reasons quoted in the source's error; the rest are only counted
VISIT_URL = "callwatch_visit_url"  # request meta: the URL the listing linked to (kept across redirects)


class SourceSpider(scrapy.Spider):
    """A spider driven by one entry of the sources registry."""

    name = "source"

    def __init__(self, source: Source, last_ok_at: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=source.name, **kwargs)
        self.source = source
        # When this source last completed a run successfully (ISO), for incremental APIs.
        self.last_ok_at = last_ok_at
        self.start_error: str | None = None
        self.page_errors = 0
        self.page_failures: list[str] = []
        # Why the entry page offered nothing to read (see crawlers.diagnosis), for an `empty` source.
        self.diagnosis: str | None = None
        self.visits: SourceVisits | None = None  # set by spiders that follow the revisit policy

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    def open_visits(self) -> SourceVisits:
        """This run's revisit decisions; a full run with CALLWATCH_FULL, and on the source's first run."""
        today = self.settings.get("CALLWATCH_TODAY")
        full = self.settings.getbool("CALLWATCH_FULL") or self.last_ok_at is None
        self.visits = SourceVisits.load(self.settings["CALLWATCH_DB"], self.source.name,
                                        self.settings.getint("CALLWATCH_RUN_ID"),
                                        date.fromisoformat(today) if today else today_in_stockholm(), full)
        return self.visits

    def article_request(self, url: str) -> Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_page_error, meta={VISIT_URL: url})

    def on_idle(self) -> None:
        """The listing is read and its articles fetched: ask for the known pages due without
        being listed (open calls further down, intervals up, pages that left the listing)."""
        if self.visits is None:
            return
        due = self.visits.take_leftovers(self.source.follows)
        for url in due:
            self.crawler.engine.crawl(self.article_request(url))
        if due:
            raise DontCloseSpider

    def entry_urls(self) -> list[str]:
        return [self.source.url, *self.source.start_urls]

    def page_item(self, response: Response) -> dict[str, Any] | None:
        if not isinstance(response, TextResponse):
            log.info("%s: skipping non-text page %s", self.source.name, response.url)
            return None
        return {
            "url": response.url,
            "source": self.source.name,
            "html": response.text,
            "cached": "cached" in response.flags,
            "visit_url": response.meta.get(VISIT_URL),
        }

    def parse_article(self, response: Response) -> Iterator[dict[str, Any] | Request]:
        if self.visits is not None:
            self.visits.arrived()
        item = self.page_item(response)
        if item:
            yield item
            yield from self.document_requests(response)

    def document_requests(self, response: TextResponse) -> Iterator[Request]:
        """The call documents (PDF, DOCX) an article links to, size-capped, as polite as pages."""
        for url in document_links(response):
            yield Request(url, callback=self.parse_document, errback=self.on_document_error,
                          cb_kwargs={"parent_url": response.url}, meta={"download_maxsize": MAX_DOCUMENT_BYTES})

    def parse_document(self, response: Response, parent_url: str) -> Iterator[dict[str, Any]]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        try:
            document = read_document(response.body, response.url, content_type)
        except DocumentError as exc:
            # Recorded with the source's errors; the article itself is already stored.
            self.note_page_error(f"call document {response.url} (linked from {parent_url}): {exc}")
            return
        yield {"url": response.url, "source": self.source.name, "parent_url": parent_url,
               "title": document.title or response.url.rsplit("/", 1)[-1], "text": document.text,
               "lang": self.source.lang, "body_hash": hashlib.sha256(response.body).hexdigest()}

    def on_document_error(self, failure: Failure) -> None:
        reason = describe_failure(failure, MAX_DOCUMENT_BYTES)
        self.note_page_error(f"call document: {reason}")

    def on_entry_error(self, failure: Failure) -> None:
        """The source's own URL (listing, feed, sitemap, API) could not be read."""
        self.start_error = describe_failure(failure, self.settings.getint("DOWNLOAD_MAXSIZE"))
        log.warning("%s: %s", self.source.name, self.start_error)

    def on_page_error(self, failure: Failure) -> None:
        """One article failed: log and count it, keep the rest of the source."""
        request = getattr(failure, "request", None)
        if self.visits is not None and request is not None and request.meta.get(VISIT_URL):
            self.visits.failed(request.meta[VISIT_URL])
        self.note_page_error(describe_failure(failure, self.settings.getint("DOWNLOAD_MAXSIZE")))

    def on_listing_error(self, failure: Failure) -> None:
        """A further listing page (or sitemap) failed: counted like an article, and this run
        cannot tell which pages left the listing."""
        if self.visits is not None:
            self.visits.walk_failed = True
        self.on_page_error(failure)

    def note_page_error(self, reason: str) -> None:
        self.page_errors += 1
        if len(self.page_failures) < KEEP_PAGE_FAILURES:
            self.page_failures.append(reason)
        log.warning("%s: %s", self.source.name, reason)

    def on_request_dropped(self, request: Request) -> None:
        """A redirect back to a URL of its own chain is dropped by the duplicate filter without
        calling any errback, so a redirect loop would end the source silently as `empty`."""
        chain = request.meta.get("redirect_urls") or []
        if request.url not in chain or request.errback is None:
            return  # a plain duplicate (two links to one page) is no error
        loop = " -> ".join([*chain, request.url])
        failure = Failure(IgnoreRequest(f"redirect loop: {loop}"))
        failure.request = request  # type: ignore[attr-defined]  # as Scrapy sets it for errbacks
        request.errback(failure)


def describe_failure(failure: Failure, maxsize: int = 0) -> str:
    """A one-line, user-readable reason for a failed request (`maxsize`: the DOWNLOAD_MAXSIZE
    in force, named when a download was cut)."""
    request = getattr(failure, "request", None)
    url = request.url if request is not None else "?"
    value = failure.value
    response = getattr(value, "response", None)
    if response is not None:
        return f"HTTP {response.status} from {url}"
    return _describe_exception(value, url, request, maxsize)[:500]


def _describe_exception(value: BaseException, url: str, request: Request | None, maxsize: int) -> str:
    name = type(value).__name__
    text = str(value)
    attempts = (request.meta.get("retry_times", 0) + 1) if request is not None else 1
    tries = f" ({attempts} attempts)" if attempts > 1 else ""
    if isinstance(value, IgnoreRequest):
        if "robots" in text.lower():
            return f"forbidden by robots.txt: {url}"
        if "max redirections" in text:
            first = (request.meta.get("redirect_urls") or [url])[0] if request is not None else url
            return f"too many redirects (a redirect loop?) starting at {first}"
        if text.startswith("redirect loop"):
            return text
        return f"{text or 'request ignored'}: {url}"
    if name in ("DownloadTimeoutError", "TimeoutError"):
        # Scrapy's text already says "Getting <url> took longer than N seconds."
        return f"timeout{tries}: {text or url}"
    if name == "DownloadCancelledError":
        # Cancelled either on an announced Content-Length over the cap (Scrapy says so) or, with
        # an empty message, once the bytes received passed it: the cap is the only canceller.
        cap = f" of {maxsize / 1024 / 1024:g} MB" if maxsize else ""
        announced = re.search(r"Expected to receive (\d+) bytes", text)
        size = f" (announced {int(announced[1]) / 1024 / 1024:g} MB)" if announced else ""
        return f"cut at the size cap{cap} (DOWNLOAD_MAXSIZE){size}: {url}"
    if name == "ResponseDataLossError":
        return f"connection closed before the whole page arrived{tries}: {url}"
    if name in ("DownloadConnectionRefusedError", "ConnectionRefusedError"):
        return f"connection refused{tries}: {url}"
    # Twisted wraps the real cause (ConnectionLost, ConnectionDone…) in a list of Failures whose
    # repr is unreadable: name the causes instead.
    reasons = getattr(value.__cause__, "reasons", None) or getattr(value, "reasons", None)
    if reasons:
        causes = "; ".join(dict.fromkeys(_cause_text(r) for r in reasons))
        return f"{causes}{tries}: {url}"
    return f"{name} for {url}: {text or name}"


def _cause_text(reason: Any) -> str:
    value = getattr(reason, "value", reason)
    name = type(value).__name__
    if name == "ConnectionLost":
        return "connection reset: the server dropped it abruptly"
    if name == "ConnectionDone":
        return "connection closed by the server without an answer"
    return f"{name}: {value}".rstrip(": ")
