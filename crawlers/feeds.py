"""Reading RSS and Atom documents: their item links (with a digest of each item, so a changed
item is seen), and what is wrong with a broken one."""

from __future__ import annotations

import hashlib
import re

from bs4 import BeautifulSoup
from lxml import etree

_ITEM_OPEN = re.compile(rb"<(?:\w+:)?(?:item|entry)[\s>/]")
_ITEM_CLOSE = re.compile(rb"</(?:\w+:)?(?:item|entry)\s*>")
_FEED_ROOTS = {"rss", "feed", "RDF"}


def feed_links(body: bytes) -> list[str]:
    """Item links of an RSS 2.0 / RSS 1.0 / Atom document, in feed order. Lenient: a truncated
    feed still yields the items that arrived whole (an item cut short may have a cut link, so
    it is left out)."""
    return list(feed_entries(body))


def feed_entries(body: bytes) -> dict[str, str]:
    """{item link: digest of the item (title, dates such as `updated`, summary)}, in feed order,
    as leniently as `feed_links`."""
    soup = BeautifulSoup(body, "xml")
    items = soup.find_all(["item", "entry"])
    opened = [m.start() for m in _ITEM_OPEN.finditer(body)]
    closed = [m.start() for m in _ITEM_CLOSE.finditer(body)]
    if items and opened and (not closed or closed[-1] < opened[-1]):
        items = items[:-1]
    entries: dict[str, str] = {}
    for item in items:
        link = None
        for candidate in item.find_all("link", recursive=False):
            href = candidate.get("href")
            if href and candidate.get("rel", "alternate") == "alternate":
                link = href
                break
            if candidate.string and candidate.string.strip():
                link = candidate.string.strip()
                break
        if link is None:
            guid = item.find("guid")
            if guid and guid.string and guid.string.strip().startswith("http"):
                link = guid.string.strip()
        if link and link not in entries:
            text = " ".join(item.get_text(" ").split())
            entries[link] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return entries


def feed_problem(body: bytes) -> str | None:
    """Why `body` is not a well-formed RSS/Atom document, or None if it is one."""
    head = body.lstrip()[:200].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "an HTML page, not a feed"
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return f"not well-formed XML, cut short or not a feed ({exc})"
    name = etree.QName(root).localname
    if name not in _FEED_ROOTS:
        return f"not an RSS or Atom feed (root element <{name}>)"
    return None
