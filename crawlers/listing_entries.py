"""A digest of each article's entry on a listing page, so a changed entry makes the article due.

An entry is the article's "card": the largest element around its link that holds no link to
another listed article (the `<li>`, `<article>` or `<div>` with its title, date and teaser).
When a site edits an entry (a new title, a moved date in the teaser, "Uppdaterad"), its digest
changes and the revisit policy asks for the article that night.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from scrapy.http import TextResponse
from w3lib.url import safe_url_string

# An entry never grows past these: a listing with a single article would otherwise make the whole
# page (menus, footer, a "generated at" line) its entry, changing with every edit of the site.
_STOP_TAGS = {"html", "body", "main"}
_MAX_ENTRY_CHARS = 1500


def entry_digests(response: TextResponse, urls: Iterable[str]) -> dict[str, str]:
    """{article URL: digest of its entry's text} for the listed `urls` linked from `response`."""
    wanted = set(urls)
    first_link: dict[str, Any] = {}  # lxml elements
    holders: dict[Any, set[str]] = {}  # element -> listed articles linked inside it
    for link in response.selector.root.iter("a"):
        href = link.get("href")
        if not href:
            continue
        # As Scrapy's LinkExtractor writes it (non-ASCII percent-encoded), and as written.
        joined = response.urljoin(href.strip()).split("#")[0]
        url = joined if joined in wanted else safe_url_string(joined)
        if url not in wanted:
            continue
        first_link.setdefault(url, link)
        for ancestor in link.iterancestors():
            holders.setdefault(ancestor, set()).add(url)
    digests = {}
    for url, link in first_link.items():
        entry_text = _text(link)
        for ancestor in link.iterancestors():
            if holders[ancestor] != {url} or not isinstance(ancestor.tag, str) or ancestor.tag in _STOP_TAGS:
                break
            text = _text(ancestor)
            if len(text) > _MAX_ENTRY_CHARS:
                break
            entry_text = text
        digests[url] = hashlib.sha256(entry_text.encode("utf-8")).hexdigest()[:16]
    return digests


def _text(element: Any) -> str:
    return " ".join(" ".join(element.itertext()).split())
