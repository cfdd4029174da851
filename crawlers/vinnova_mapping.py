"""Vinnova's open-data API: calls (utlysningar) and their application rounds (ansökningsomgångar)
-> page items with `meta`.

A round is what one applies to (its own dates, its own opportunity in the register); a call is
the umbrella of one or more rounds. Each round names its call (`DiarienummerUtlysning`) and each
call lists its rounds (`AnsokningsomgangDnrLista`, as public clients of the API read it), so a
round carries its call's number and title, and the call's page is stored as a page of kind
`info` that detect links to each of its rounds (never an opportunity of its own).

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
            "(it does so for a wrong path or date; expected /ansokningsomgangar/ or /utlysningar/ and YYYY-MM-DD)"
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


def round_url(record: dict[str, Any], api_base: str, endpoint: str = "ansokningsomgangar") -> str:
    """The round's (or call's) page: Vinnova's own info link when the API gives one (not the
    e-service application form), else the API's address of this one record (stable, dereferenceable)."""
    page = record.get("Webbsida")
    if isinstance(page, str) and page.startswith("http"):
        return page
    for link in record.get("LankLista") or []:
        url = link.get("URL") if isinstance(link, dict) else None
        if isinstance(url, str) and url.startswith("http") and "etjanster.vinnova.se" not in url:
            return url
    return f"{api_base.rstrip('/')}/{endpoint}/{record['Diarienummer']}"


def call_rounds(record: dict[str, Any]) -> list[str]:
    """The round numbers a call lists (`AnsokningsomgangDnrLista`: objects with
    `DiarienummerAnsokningsomgang`, or bare strings)."""
    numbers = []
    for entry in record.get("AnsokningsomgangDnrLista") or []:
        value = entry.get("DiarienummerAnsokningsomgang") if isinstance(entry, dict) else entry
        if _clean(value):
            numbers.append(_clean(value))
    return list(dict.fromkeys(numbers))


def call_title(record: dict[str, Any] | None) -> str | None:
    if not isinstance(record, dict):
        return None
    return _clean(record.get("Titel")) or _clean(record.get("TitelEngelska")) or None


def map_call(record: dict[str, Any], source: str, api_base: str) -> dict[str, Any] | None:
    """One call -> its page (kind `info`): the umbrella its rounds are attached to."""
    identifier = _clean(record.get("Diarienummer"))
    if not identifier:
        log.warning("%s: Vinnova call without Diarienummer skipped", source)
        return None
    title = call_title(record) or identifier
    rounds = call_rounds(record)
    lines = [title]
    title_en = _clean(record.get("TitelEngelska"))
    if title_en and title_en != title:
        lines.append(title_en)
    lines.append(f"Utlysning, diarienummer: {identifier}")
    if rounds:
        lines.append(f"Ansökningsomgångar: {', '.join(rounds)}")
    for key in ("Beskrivning", "BeskrivningEngelska"):
        text = _clean(record.get(key))
        if text and text not in lines:
            lines.append(text)
    return {
        "url": round_url(record, api_base, "utlysningar"),
        "source": source,
        "title": title,
        "text": "\n".join(lines),
        "lang": "sv" if _clean(record.get("Titel")) else "en",
        "published": vinnova_date(record.get("Publiceringsdatum")),
        "meta": {
            "identifier": identifier,
            "title": title,
            "kind": "info",  # the umbrella: its rounds are the opportunities
            "origin": ORIGIN,
            "funders": [dict(FUNDER)],
            "rounds": rounds,
        },
    }


def map_round(record: dict[str, Any], source: str, api_base: str, today: date,
              call: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """One application round -> a page item; None (logged) for rounds nobody can apply to.
    `call` is the record of the round's call when the API gave it (its title joins the round)."""
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
        "call_title": call_title(call),
        "title_en": title_en if title_en and title_en != title else None,
    }
    # Dates are part of the text: the store's change detection hashes title and text only.
    lines = [title]
    if meta["title_en"]:
        lines.append(title_en)
    lines.append(f"Diarienummer: {identifier}")
    if meta["call"]:
        lines.append(f"Utlysning: {meta['call_title']} ({meta['call']})" if meta["call_title"]
                     else f"Utlysning: {meta['call']}")
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


def map_rounds(records: list[dict[str, Any]], source: str, api_base: str, today: date,
               calls: list[dict[str, Any]] = ()) -> tuple[list[dict[str, Any]], int]:
    """Every round once (the API may list a round twice), keeping the first, each with its call's
    title when `calls` holds its call, then each call's page; returns the items and how many
    records could not be read (logged, the others go on)."""
    by_number = {_clean(c.get("Diarienummer")): c for c in calls if isinstance(c, dict)}
    items: dict[str, dict[str, Any]] = {}
    failed = 0
    for record in records:
        try:
            call = by_number.get(_clean(record.get("DiarienummerUtlysning")))
            item = map_round(record, source, api_base, today, call)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            failed += 1
            log.warning("%s: Vinnova round %s could not be read: %s", source, record.get("Diarienummer"), exc)
            continue
        if item is not None:
            items.setdefault(item["meta"]["identifier"], item)
    pages: dict[str, dict[str, Any]] = {}
    for record in by_number.values():
        try:
            page = map_call(record, source, api_base)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            failed += 1
            log.warning("%s: Vinnova call %s could not be read: %s", source, record.get("Diarienummer"), exc)
            continue
        if page is not None:
            pages.setdefault(page["url"], page)
    return [*items.values(), *pages.values()], failed
