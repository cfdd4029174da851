"""EU Funding & Tenders Portal search API: query building and result -> page item mapping.

Pure functions (no Scrapy, no network) so the quirks of the API are testable on captured JSON:
every `metadata` value is a list of strings, `budgetOverview` is a JSON string inside such a
list, `deadlineDate` may hold several cut-offs, the same topic can come back twice (legacy
`SEDIA_PRD_CENTRICITY` copies, the same `reference` twice) and the `status` code can be stale,
so it is never copied: status is derived later from the dates.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from bs4 import BeautifulSoup

from pipeline.vocabulary import STOCKHOLM, next_deadline

log = logging.getLogger(__name__)

ORIGIN = "eu-portal"
TOPIC_PAGE = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/"
PORTAL_SITE = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/calls-for-proposals"
LEGACY_DATASOURCE = "SEDIA_PRD_CENTRICITY"

STATUS_CODES = {"forthcoming": "31094501", "open": "31094502", "closed": "31094503"}
# Search result types: 0 tender, 1 grant topic, 2 grant call without topics, 8 cascade funding.
TYPE_CODES = {"tender": "0", "topic": "1", "grant": "1", "call": "2", "cascade": "8"}
DEFAULT_TYPES = ("1", "2", "8")
DEFAULT_STATUSES = ("forthcoming", "open")

# frameworkProgramme ids of the search index (as published by the portal's facet data).
PROGRAMMES: dict[str, str] = {
    "43108390": "Horizon Europe",
    "43298916": "Euratom",
    "43332642": "EU4Health",
    "43152860": "Digital Europe",
    "44416173": "Interregional Innovation Investments",
    "43252405": "LIFE",
    "43353764": "Erasmus+",
    "43251814": "Creative Europe",
    "43251567": "Connecting Europe Facility",
    "43252476": "Single Market Programme",
    "43251589": "Citizens, Equality, Rights and Values",
    "43089234": "Innovation Fund",
    "44181033": "European Defence Fund",
    "43254019": "European Social Fund Plus",
    "43392145": "European Maritime, Fisheries and Aquaculture Fund",
    "43254037": "European Solidarity Corps",
    "43298203": "Union Civil Protection Mechanism",
    "43252386": "Justice Programme",
    "43298664": "Promotion of Agricultural Products",
    "43252449": "Research Fund for Coal and Steel",
}

# Identifier prefix -> programme: works for rows without frameworkProgramme and is what
# regional pages quote ("HORIZON-HLTH-2025-CARE-01-01"). Longest prefix wins.
PREFIXES: dict[str, str] = {
    "HORIZON": "Horizon Europe",
    "EURATOM": "Euratom",
    "EU4H": "EU4Health",
    "DIGITAL": "Digital Europe",
    "I3": "Interregional Innovation Investments",
    "LIFE": "LIFE",
    "ERASMUS": "Erasmus+",
    "CREA": "Creative Europe",
    "CEF": "Connecting Europe Facility",
    "SMP": "Single Market Programme",
    "CERV": "Citizens, Equality, Rights and Values",
    "INNOVFUND": "Innovation Fund",
    "EDF": "European Defence Fund",
    "ESF": "European Social Fund Plus",
    "SOCPL": "European Social Fund Plus",
    "EMFAF": "European Maritime, Fisheries and Aquaculture Fund",
    "ESC": "European Solidarity Corps",
    "UCPM": "Union Civil Protection Mechanism",
    "JUST": "Justice Programme",
    "AGRIP": "Promotion of Agricultural Products",
    "RFCS": "Research Fund for Coal and Steel",
}

# Names a sources.toml entry may use for `programmes` (besides the numeric ids).
PROGRAMME_ALIASES: dict[str, str] = {
    "horizon": "43108390", "horizon-europe": "43108390", "euratom": "43298916",
    "eu4health": "43332642", "digital": "43152860", "digital-europe": "43152860",
    "i3": "44416173", "life": "43252405", "erasmus": "43353764", "erasmus+": "43353764",
    "crea": "43251814", "creative-europe": "43251814", "cef": "43251567", "smp": "43252476",
    "cerv": "43251589", "innovfund": "43089234", "edf": "44181033", "esf": "43254019",
    "emfaf": "43392145", "esc": "43254037", "ucpm": "43298203", "just": "43252386",
    "agrip": "43298664", "rfcs": "43252449",
}


# --- the query -------------------------------------------------------------------------------


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _codes(values: Iterable[Any], table: dict[str, str], what: str) -> list[str]:
    codes = []
    for value in values:
        text = str(value).strip().lower()
        if text.isdigit():
            codes.append(text)
        elif text in table:
            codes.append(table[text])
        else:
            raise ValueError(f"unknown {what} '{value}' (expected one of {', '.join(sorted(table))} or a code)")
    return list(dict.fromkeys(codes))


def build_query(options: dict[str, Any]) -> dict[str, Any]:
    """The `query` JSON part: only bool/must/terms, the API rejects anything richer.

    Options: programmes (names or frameworkProgramme ids), types, statuses; with none given,
    open and forthcoming grant topics of every programme.
    """
    types = _codes(_as_list(options.get("types")) or DEFAULT_TYPES, TYPE_CODES, "type")
    statuses = _codes(_as_list(options.get("statuses")) or DEFAULT_STATUSES, STATUS_CODES, "status")
    must: list[dict[str, Any]] = [{"terms": {"type": types}}, {"terms": {"status": statuses}}]
    programmes = _as_list(options.get("programmes") or options.get("frameworks"))
    if programmes:
        must.append({"terms": {"frameworkProgramme": _codes(programmes, PROGRAMME_ALIASES, "programme")}})
    return {"bool": {"must": must}}


def search_texts(options: dict[str, Any]) -> list[str]:
    """One search per keyword (the `text` parameter); `***` matches everything."""
    keywords = [str(k).strip() for k in _as_list(options.get("keywords")) if str(k).strip()]
    return keywords or ["***"]


def languages(options: dict[str, Any]) -> list[str]:
    return [str(lang) for lang in _as_list(options.get("languages"))] or ["en"]


def wanted(meta: dict[str, Any], options: dict[str, Any]) -> bool:
    """Client-side narrowing the query language cannot express: identifier prefixes
    (e.g. "HORIZON-HLTH-" for the health cluster, "HORIZON-MISS-" for missions)."""
    prefixes = [str(p).upper() for p in _as_list(options.get("identifier_prefixes"))]
    if not prefixes:
        return True
    identifier = meta["identifier"].upper()
    return any(identifier.startswith(p) for p in prefixes)


# --- one result ------------------------------------------------------------------------------


def _values(metadata: dict[str, Any], key: str) -> list[str]:
    """A metadata field as a list of strings (the API sends lists; tolerate a bare string)."""
    values = metadata.get(key)
    if values is None:
        return []
    return [v for v in (values if isinstance(values, list) else [values]) if isinstance(v, str)]


def _first(metadata: dict[str, Any], key: str) -> str | None:
    return next((v for v in _values(metadata, key) if v.strip()), None)


def portal_date(value: str | None) -> str | None:
    """'2027-04-08T00:00:00.000+0000' -> the date in Stockholm ('2027-04-08')."""
    if not value:
        return None
    try:
        moment = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        try:
            return date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            log.warning("unreadable portal date %r", value)
            return None
    return moment.astimezone(STOCKHOLM).date().isoformat()


_BLOCKS = ["p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "section"]


def html_to_text(html: str | None) -> str:
    if not html:
        return ""
    soup = BeautifulSoup(html, "html.parser")
    # Line breaks only around blocks, so inline links stay inside their sentence.
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(_BLOCKS):
        block.insert_before("\n")
        block.insert_after("\n")
    text = soup.get_text()
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def funders_of(identifier: str, framework_ids: Iterable[str]) -> list[dict[str, str]]:
    """[{"name": "Horizon Europe", "text": "HORIZON"}]: from frameworkProgramme, else the prefix."""
    prefix = identifier.split("-", 1)[0].upper()
    names = [PROGRAMMES[f] for f in framework_ids if f in PROGRAMMES]
    if not names and prefix in PREFIXES:
        names = [PREFIXES[prefix]]
    return [{"name": name, "text": prefix} for name in dict.fromkeys(names)]


def keywords_of(metadata: dict[str, Any], identifier: str) -> list[str]:
    """keywords + tags; legacy rows hold the keywords as one JSON-encoded list."""
    words: list[str] = []
    for value in _values(metadata, "keywords") + _values(metadata, "tags"):
        if value.startswith("["):
            try:
                words.extend(str(w) for w in json.loads(value))
                continue
            except ValueError:
                pass
        words.append(value)
    call_id = _first(metadata, "callIdentifier")
    skip = {identifier.lower(), (call_id or "").lower()}
    return list(dict.fromkeys(w.strip() for w in words if w.strip() and w.strip().lower() not in skip))


_ACTION = re.compile(r'\{"action":"(?P<action>[^"]*)".*?"budgetYearMap":\{(?P<years>[^}]*)\}')


def amounts_of(budget_overview: str | None, identifier: str) -> list[dict[str, Any]]:
    """The topic's budget (EUR, summed over years) from `budgetOverview`.

    The overview lists every action of the call; only actions of this topic count. A cut-short
    JSON string (seen in saved captures) is read action by action instead of dropped.
    """
    if not budget_overview:
        return []
    actions: list[tuple[str, dict[str, Any]]] = []
    try:
        overview = json.loads(budget_overview)
        for entries in (overview.get("budgetTopicActionMap") or {}).values():
            for entry in entries:
                actions.append((str(entry.get("action", "")), entry.get("budgetYearMap") or {}))
    except (ValueError, AttributeError, TypeError):
        for match in _ACTION.finditer(budget_overview):
            try:
                actions.append((match["action"], json.loads("{" + match["years"] + "}")))
            except ValueError:
                continue
    total = 0
    for action, years in actions:
        if action.split(" - ", 1)[0].strip() != identifier:
            continue
        for value in years.values():
            try:
                total += int(float(value))
            except (TypeError, ValueError):
                continue
    return [{"value": total, "currency": "EUR"}] if total else []


def topic_url(identifier: str, metadata_url: str | None, result_type: str | None = None) -> str:
    """The topic's portal page, which names the topic: the store keeps one page per URL, so
    topics of one call sharing the row's `url` (a call-level page, a copied row) would replace
    each other there and one topic would vanish from the register. The row's `url` is kept only
    when it is this topic's page (legacy rows point at the topicDetails JSON instead), or for a
    cascade call, whose identifier is not its own and whose page is named by its number."""
    if metadata_url and "/portal/screen/" in metadata_url:
        last = metadata_url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if last == identifier or result_type == TYPE_CODES["cascade"]:
            return metadata_url
    return TOPIC_PAGE + identifier


def is_legacy(result: dict[str, Any]) -> bool:
    metadata = result.get("metadata") or {}
    sources = _values(metadata, "DATASOURCE") + _values(metadata, "datasource")
    return LEGACY_DATASOURCE in sources


def map_result(result: dict[str, Any], source: str, today: date) -> dict[str, Any] | None:
    """One search result -> a page item with `meta`; None (logged) when it has no identifier."""
    metadata = result.get("metadata") or {}
    identifier = _first(metadata, "identifier")
    if not identifier:
        log.warning("%s: portal result %s has no identifier, skipped", source, result.get("reference"))
        return None
    identifier = identifier.strip()
    title = (_first(metadata, "title") or result.get("summary") or identifier).strip()
    opening = portal_date(_first(metadata, "startDate"))
    cutoffs = sorted({d for d in (portal_date(v) for v in _values(metadata, "deadlineDate")) if d})
    funders = funders_of(identifier, _values(metadata, "frameworkProgramme"))
    call_id = _first(metadata, "callIdentifier")
    call_title = _first(metadata, "callTitle")
    amounts = amounts_of(_first(metadata, "budgetOverview"), identifier)
    meta = {
        "identifier": identifier,
        "title": title,
        "opening": opening,
        "deadline": next_deadline(cutoffs, today),
        "cutoffs": cutoffs,
        "funders": funders,
        "programme": funders[0]["name"] if funders else None,
        "keywords": keywords_of(metadata, identifier),
        "amounts": amounts,
        "kind": "funding-call",
        "origin": ORIGIN,
        "call": call_id,  # the call the topic belongs to: shared by its sibling topics, never merged on
        "call_title": call_title,
    }
    # The dates go into the text too: the stored content hash covers title and text only,
    # so a moved deadline must change the text to be recorded as a change.
    lines = [title, f"Topic: {identifier}"]
    if call_id:
        lines.append(f"Call: {call_title} ({call_id})" if call_title else f"Call: {call_id}")
    if meta["programme"]:
        lines.append(f"Programme: {meta['programme']}")
    for action in _values(metadata, "typesOfAction"):
        lines.append(f"Type of action: {' '.join(action.split())}")
    if opening:
        lines.append(f"Opening date: {opening}")
    if cutoffs:
        lines.append(f"Deadline: {', '.join(cutoffs)}")
    if amounts:
        lines.append(f"Budget: EUR {amounts[0]['value']:,}".replace(",", " "))
    description = html_to_text(_first(metadata, "descriptionByte"))
    if description:
        lines.append(description)
    elif result.get("summary") and result["summary"].strip() != title:
        lines.append(result["summary"].strip())
    return {
        "url": topic_url(identifier, _first(metadata, "url"), _first(metadata, "type")),
        "source": source,
        "title": title,
        "text": "\n".join(lines),
        "lang": (_first(metadata, "language") or result.get("language") or "en")[:2],
        "published": None,
        "meta": meta,
    }


class TopicCollector:
    """Merges the rows of one crawl into one item per topic.

    The same topic can arrive twice on one page or on different pages, and the legacy index
    keeps stale copies, so a current (non-legacy) row always wins over a legacy one; among
    rows of the same kind the first is kept. Cascade calls (type 8) share identifiers, so they
    are told apart by their `reference` instead.
    """

    def __init__(self, source: str, today: date, options: dict[str, Any] | None = None) -> None:
        self.source = source
        self.today = today
        self.options = options or {}
        self._rows: dict[str, tuple[bool, dict[str, Any]]] = {}
        self.rows_seen = 0
        self.rows_failed = 0

    def add(self, result: dict[str, Any]) -> None:
        self.rows_seen += 1
        try:
            item = map_result(result, self.source, self.today)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            # One malformed row is logged and counted; the rest of the source goes on.
            self.rows_failed += 1
            log.warning("%s: portal result %s could not be read: %s", self.source,
                        result.get("reference") if isinstance(result, dict) else "?", exc)
            return
        if item is None or not wanted(item["meta"], self.options):
            return
        metadata = result.get("metadata") or {}
        key = item["meta"]["identifier"]
        if _first(metadata, "type") == "8" and result.get("reference"):
            key = f"{key}#{result['reference']}"
        legacy = is_legacy(result)
        held = self._rows.get(key)
        if held is None or (held[0] and not legacy):
            self._rows[key] = (legacy, item)

    def items(self) -> list[dict[str, Any]]:
        return [item for _, item in self._rows.values()]
