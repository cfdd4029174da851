"""Main text of a web page: strip navigation, cookie banners and footers (trafilatura), keep
title, canonical URL, publication date and language."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urljoin

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MainText:
    title: str | None
    text: str
    published: str | None  # ISO date
    lang: str | None
    canonical_url: str | None


def extract_main_text(html: str, url: str, default_lang: str | None = None) -> MainText | None:
    """The page's main text, or None (logged) when nothing usable is found.

    The page is parsed once, into trafilatura's own lxml tree: the head fields are read from
    it, and trafilatura extracts from it (working on a copy, so the tree is left as parsed).
    """
    doc = None
    head = None
    try:
        tree = load_html(html)
        if tree is not None:
            head = _read_head(tree)
            doc = trafilatura.bare_extraction(
                tree, url=url, with_metadata=True, include_comments=False, include_tables=True
            )
    except Exception as exc:  # trafilatura raises assorted lxml/parser errors on broken markup
        log.warning("main text extraction failed for %s: %s", url, exc)
        doc = None
    if head is None or doc is None or not (doc.text or "").strip():
        log.info("no main text found in %s", url)
        return None
    return MainText(
        title=(doc.title or head["title"] or None),
        text=doc.text.strip(),
        published=doc.date or None,
        lang=head["lang"] or default_lang,
        canonical_url=urljoin(url, head["canonical"]) if head["canonical"] else None,
    )


def _read_head(tree: HtmlElement) -> dict[str, str | None]:
    """Language, canonical link and <title> of the parsed document.

    Read from the document's root: for a page that does not start with <html> or a doctype
    (a comment or an XML declaration first), lxml hands back the body's content, not the root.
    """
    root = tree.getroottree().getroot()
    lang = None
    if root.tag == "html":
        lang = (root.get("lang") or "").split("-")[0].lower() or None
    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").split():
            canonical = link.get("href") or None
            break
    title = None
    title_element = next(root.iter("title"), None)
    if title_element is not None:
        title = " ".join(part.strip() for part in title_element.itertext() if part.strip())
    return {"lang": lang, "canonical": canonical, "title": title}
