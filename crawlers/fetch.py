"""A small polite fetcher for `sources discover` and `sources check`.

These commands read a handful of pages one after the other and decide what to read next from
each answer, so they fetch synchronously instead of starting a Scrapy crawl. They are as polite
as the crawl: the crawl's User-Agent, robots.txt obeyed (parsed by Protego, as Scrapy does), a
pause between two requests to one host, a timeout and a size cap.
"""

from __future__ import annotations

import http.client
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.gz import gunzip

from crawlers.settings import USER_AGENT

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024  # as the crawl's DOWNLOAD_MAXSIZE
TIMEOUT = 20.0


@dataclass
class Fetched:
    """One answer: the final URL (after redirects), its status and body, or why there is none."""

    url: str
    status: int | None = None
    body: bytes = b""
    content_type: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    def html(self) -> TextResponse:
        """The body as a Scrapy response (what the spiders see), encoding from the headers or the page."""
        headers = {"Content-Type": self.content_type} if self.content_type else {}
        return HtmlResponse(url=self.url, body=self.body, headers=headers)


class PoliteFetcher:
    """GET with robots.txt, a per-host delay, a timeout and a size cap."""

    def __init__(self, delay: float = 1.0, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES,
                 user_agent: str = USER_AGENT) -> None:
        self.delay, self.timeout, self.max_bytes, self.user_agent = delay, timeout, max_bytes, user_agent
        self._robots: dict[str, Protego | None] = {}
        self._last_request: dict[str, float] = {}

    def get(self, url: str) -> Fetched:
        if not self.allowed(url):
            return Fetched(url, error=f"forbidden by robots.txt: {url}")
        return self._get(url)

    def allowed(self, url: str) -> bool:
        robots = self.robots(url)
        return robots is None or robots.can_fetch(url, self.user_agent)

    def sitemaps(self, url: str) -> list[str]:
        """The `Sitemap:` lines of the site's robots.txt."""
        robots = self.robots(url)
        return list(robots.sitemaps) if robots is not None else []

    def robots(self, url: str) -> Protego | None:
        """The site's robots.txt rules; None (everything allowed) when it has none or it failed,
        as Scrapy's RobotsTxtMiddleware does."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            answer = self._get(f"{origin}/robots.txt")
            rules = None
            if answer.ok:
                rules = Protego.parse(answer.body.decode("utf-8", "replace"))
            self._robots[origin] = rules
        return self._robots[origin]

    def _get(self, url: str) -> Fetched:
        self._wait_for(urlsplit(url).netloc)
        request = urllib.request.Request(url, headers={
            "User-Agent": self.user_agent, "Accept-Language": "sv,en;q=0.8",
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 (http(s) only)
                body = answer.read(self.max_bytes + 1)
                if len(body) > self.max_bytes:
                    return Fetched(answer.url, answer.status, error=f"cut at the size cap of "
                                   f"{self.max_bytes / 1024 / 1024:g} MB: {url}")
                if body[:2] == b"\x1f\x8b":
                    body = gunzip(body)
                return Fetched(answer.url, answer.status, body, answer.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as exc:
            return Fetched(exc.url or url, exc.code, error=f"HTTP {exc.code} from {url}")
        except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return Fetched(url, error=f"{reason} for {url}")

    def _wait_for(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
        self._last_request[host] = time.monotonic()
