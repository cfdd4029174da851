"""The next page of a listing: an explicit pattern, rel=next, a "Next" link, or a page parameter.

Shared by the listing spider and `sources discover`/`check`, which report the pagination found.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlparse

from scrapy.http import TextResponse

# Link texts that mean "next page" in the CMSs we read (Swedish and English).
NEXT_TEXTS = {"nästa", "nästa sida", "next", "next page", "»", "›", "→", "older posts", "äldre", "äldre inlägg",
              "visa fler", "load more", "nästa »", "next »", "next ›", "nästa ›", ">"}
PAGE_PARAM = re.compile(r"^(page|start|p|sida|offset|pg|limitstart)$", re.I)


def next_page_url(response: TextResponse, pattern: str | None = None) -> str | None:
    """The URL of the listing page after `response`, or None on the last page."""
    links = response.css("a[href]")
    if pattern:
        for href in links.css("::attr(href)").getall():
            candidate = response.urljoin(href)
            if re.search(pattern, candidate) and candidate != response.url:
                return candidate
        return None
    rel_next = response.css('link[rel~="next"]::attr(href), a[rel~="next"]::attr(href)').get()
    if rel_next:
        return response.urljoin(rel_next)
    for link in links:
        text = " ".join(link.css("::text").getall()).strip().lower()
        label = (link.attrib.get("aria-label") or link.attrib.get("title") or "").strip().lower()
        if text in NEXT_TEXTS or label in NEXT_TEXTS or label.startswith(("nästa", "next")):
            return response.urljoin(link.attrib["href"])
    return _next_by_page_param(response)


def _next_by_page_param(response: TextResponse) -> str | None:
    """Among links to the same path, the one with the smallest page number above ours."""
    here = urlparse(response.url)
    current = _page_number(here.query)
    best: tuple[int, str] | None = None
    for href in response.css("a::attr(href)").getall():
        url = response.urljoin(href)
        parsed = urlparse(url)
        if parsed.path != here.path or parsed.netloc != here.netloc:
            continue
        number = _page_number(parsed.query)
        if number is not None and number > (current or 0) and (best is None or number < best[0]):
            best = (number, url)
    return best[1] if best else None


def _page_number(query: str) -> int | None:
    for key, value in parse_qsl(query):
        if PAGE_PARAM.match(key) and value.isdigit():
            return int(value)
    return None
