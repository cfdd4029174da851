"""Vinnova's open-data API: application rounds (ansökningsomgångar) -> page items with `meta`.

Pure functions, testable without Scrapy. What the API really does is handled here: a UTF-8 BOM
before the JSON, its HTML documentation page instead of JSON when the path is wrong, and dates in
Swedish local time without an offset (so their date part already is the Stockholm date).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from typing import Any

from pipeline.vocabulary import next_deadline

log = logging.getLogger(__name__)

ORIGIN = "vinnova"
VINNOVA_SITE = "https://www.vinnova.se/sok-finansiering/"
FUNDER = {"name": "Vinnova", "text": "Vinnova"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class VinnovaFormatError(ValueError):
    """The API answered, but not with the JSON list of rounds it documents."""


def parse_rounds(body: bytes, url: str, content_type: str | None = None) -> list[dict[str, Any]]:
    """The rounds in an API response body; `VinnovaFormatError` says clearly what came instead."""
    text = body.decode("utf-8-sig", errors="replace").strip()  # utf-8-sig drops the BOM
    if text.startswith("<") or (content_type and "html" in content_type.lower()):
        raise VinnovaFormatError(
            f"Vinnova answered an HTML page instead of JSON at {url} "
            "(it does so for a wrong path or date; expected /ansokningsomgangar/YYYY-MM-DD)"
        )
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise VinnovaFormatError(f"Vinnova answered invalid JSON at {url}: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise VinnovaFormatError(f"Vinnova answered JSON that is not a list of rounds at {url}")
    return data


def vinnova_date(value: Any) -> str | None:
    """'2017-03-02T14:00:00' (Swedish local time) -> '2017-03-02'."""
    if not isinstance(value, str):
        return None
    match = _DATE.search(value)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group()).isoformat()
    except ValueError:
        return None


def _clean(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _readout_dates(entries: Any) -> list[str]:
    """`AvlasningstillfalleLista`: extra read-out occasions, i.e. further cut-offs."""
    dates = []
    for entry in entries if isinstance(entries, list) else []:
        values = entry.values() if isinstance(entry, dict) else [entry]
        dates.extend(d for d in (vinnova_date(v) for v in values) if d)
    return dates


def round_url(record: dict[str, Any], api_base: str) -> str:
    """The round's page: Vinnova's own info link when the API gives one (not the e-service
    application form), else the API's address of this one round (stable, dereferenceable)."""
    page = record.get("Webbsida")
    if isinstance(page, str) and page.startswith("http"):
        return page
    for link in record.get("LankLista") or []:
        url = link.get("URL") if isinstance(link, dict) else None
        if isinstance(url, str) and url.startswith("http") and "etjanster.vinnova.se" not in url:
            return url
    return f"{api_base.rstrip('/')}/ansokningsomgangar/{record['Diarienummer']}"


def map_round(record: dict[str, Any], source: str, api_base: str, today: date) -> dict[str, Any] | None:
    """One application round -> a page item; None (logged) for rounds nobody can apply to."""
    identifier = _clean(record.get("Diarienummer"))
    if not identifier:
        log.warning("%s: Vinnova round without Diarienummer skipped", source)
        return None
    if record.get("Publik") == 0:
        log.info("%s: round %s is by invitation only, skipped", source, identifier)
        return None
    title_sv = _clean(record.get("Titel"))
    title_en = _clean(record.get("TitelEngelska"))
    title = title_sv or title_en or identifier
    opening = vinnova_date(record.get("Oppningsdatum"))
    closing = vinnova_date(record.get("Stangningsdatum"))
    cutoffs = sorted({d for d in [closing, *_readout_dates(record.get("AvlasningstillfalleLista"))] if d})
    meta = {
        "identifier": identifier,
        "title": title,
        "opening": opening,
        "deadline": next_deadline(cutoffs, today),
        "cutoffs": cutoffs,
        "funders": [dict(FUNDER)],
        "programme": None,
        "keywords": [],
        "amounts": [],
        "kind": "funding-call",
        "origin": ORIGIN,
        "call": _clean(record.get("DiarienummerUtlysning")) or None,
        "title_en": title_en if title_en and title_en != title else None,
    }
    # Dates are part of the text: the store's change detection hashes title and text only.
    lines = [title]
    if meta["title_en"]:
        lines.append(title_en)
    lines.append(f"Diarienummer: {identifier}")
    if opening:
        lines.append(f"Öppnar: {opening}")
    if cutoffs:
        lines.append(f"Stänger: {', '.join(cutoffs)}")
    year, period = record.get("AnnonseringslägeÅr"), _clean(record.get("AnnonseringslägePeriod"))
    if year and not opening:
        lines.append(f"Planerad öppning: {period} {year}".replace("  ", " "))
    for key in ("Beskrivning", "BeskrivningEngelska"):
        text = _clean(record.get(key))
        if text and text not in lines:
            lines.append(text)
    for entry in record.get("WebTextLista") or []:
        if not isinstance(entry, dict):
            continue
        for key in ("TextSv", "TextEn"):
            text = _clean(entry.get(key))
            if text and text not in lines:
                lines.append(text)
    return {
        "url": round_url(record, api_base),
        "source": source,
        "title": title,
        "text": "\n".join(lines),
        "lang": "sv" if title_sv else "en",
        "published": None,
        "meta": meta,
    }


def map_rounds(records: list[dict[str, Any]], source: str, api_base: str,
               today: date) -> tuple[list[dict[str, Any]], int]:
    """Every round once (the API may list a round twice), keeping the first; returns the items
    and how many rounds could not be read (logged, the others go on)."""
    items: dict[str, dict[str, Any]] = {}
    failed = 0
    for record in records:
        try:
            item = map_round(record, source, api_base, today)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            failed += 1
            log.warning("%s: Vinnova round %s could not be read: %s", source, record.get("Diarienummer"), exc)
            continue
        if item is not None:
            items.setdefault(item["meta"]["identifier"], item)
    return list(items.values()), failed
