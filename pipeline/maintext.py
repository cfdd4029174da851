"""Main text of a web page: strip navigation, cookie banners and footers (trafilatura), keep
title, canonical URL, publication date and language."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urljoin

import trafilatura
from bs4 import BeautifulSoup

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MainText:
    title: str | None
    text: str
    published: str | None  # ISO date
    lang: str | None
    canonical_url: str | None


def extract_main_text(html: str, url: str, default_lang: str | None = None) -> MainText | None:
    """The page's main text, or None (logged) when nothing usable is found."""
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as exc:  # trafilatura raises assorted lxml/parser errors on broken markup
        log.warning("main text extraction failed for %s: %s", url, exc)
        doc = None
    head = _read_head(html)
    if doc is None or not (doc.text or "").strip():
        log.info("no main text found in %s", url)
        return None
    return MainText(
        title=(doc.title or head["title"] or None),
        text=doc.text.strip(),
        published=doc.date or None,
        lang=head["lang"] or default_lang,
        canonical_url=urljoin(url, head["canonical"]) if head["canonical"] else None,
    )


def _read_head(html: str) -> dict[str, str | None]:
    """Language, canonical link and <title> from the document head."""
    soup = BeautifulSoup(html[:200_000], "lxml")
    lang = None
    if soup.html and soup.html.get("lang"):
        lang = str(soup.html["lang"]).split("-")[0].lower() or None
    canonical = soup.find("link", rel="canonical")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    return {
        "lang": lang,
        "canonical": str(canonical["href"]) if canonical and canonical.get("href") else None,
        "title": title,
    }
