"""The digest's words in Swedish and English: fixed labels, topic labels, funders' names, amounts.

Everything a recipient reads is in their language: topic labels come from the taxonomy
(`sv_label` in Swedish), funders' Swedish names from the registry (`sv_name` in models/funders.toml) or,
failing that, from a Swedish page's own wording of a registry name.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pipeline.config import topic_labels
from pipeline.model_files import load_model_toml

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Funding calls digest",
        "greeting": "Hello {name},",
        "intro": "What callwatch found since the last digest.",
        "intro.everything": "You get everything callwatch finds (your subscription has no filters).",
        "empty": "Nothing new since the last digest.",
        "section.new": "New funding calls",
        "section.changed": "Deadline moved",
        "section.closing": "Closing within {days} days",
        "section.opening": "Opening soon",
        "section.partner": "New partner searches",
        "section.event": "New events",
        "section.health": "Source health",
        "deadline": "Deadline",
        "opening": "Opens",
        "funders.funding-call": "Funder",
        "funders.event": "Programme",
        "funders.partner-search": "Programme",
        "amounts": "Amount",
        "registration": "Register by",
        "topics": "Topics",
        "identifier": "Identifier",
        "call_identifier": "Part of call",
        "sources": "Found on",
        "why": "Why you get it",
        "reason.topic": "topic {value}",
        "reason.funder": "funder {value}",
        "reason.region": "region {value}",
        "reason.kind": "{value}",
        "kind.funding-call": "funding calls",
        "kind.event": "events",
        "kind.partner-search": "partner searches",
        "moved": "moved from {old} to {new}",
        "days.today": "today",
        "days.one": "1 day left",
        "days.many": "{n} days left",
        "days.in": "in {n} days",
        "no_deadline": "no deadline given",
        "health.failed": "failed",
        "health.empty": "returned no pages",
        "health.usually": "usually about {n} pages",
        "health.run-failed": "the whole run failed",
        "health.run": "run {run} at {at}",
        "footer": "Sent by callwatch. Items are sent once; change subscriptions in callwatch.toml.",
        "subject": "callwatch {date}: {summary}",
        "subject.empty": "nothing new",
        "date": "Date",
        "count.new": "{n} new calls",
        "count.new.one": "1 new call",
        "count.partner": "{n} new partner searches",
        "count.partner.one": "1 new partner search",
        "count.event": "{n} new events",
        "count.event.one": "1 new event",
        "count.changed": "{n} deadlines moved",
        "count.changed.one": "1 deadline moved",
        "count.opening": "{n} opening soon",
        "count.opening.one": "1 opening soon",
        "count.closing": "{n} closing soon",
        "count.closing.one": "1 closing soon",
        "count.health": "{n} source problems",
        "count.health.one": "1 source problem",
    },
    "sv": {
        "heading": "Utlysningar – sammanfattning",
        "greeting": "Hej {name}!",
        "intro": "Det här har callwatch hittat sedan förra utskicket.",
        "intro.everything": "Du får allt callwatch hittar (din prenumeration har inga filter).",
        "empty": "Inget nytt sedan förra utskicket.",
        "section.new": "Nya utlysningar",
        "section.changed": "Ändrad sista ansökningsdag",
        "section.closing": "Stänger inom {days} dagar",
        "section.opening": "Öppnar snart",
        "section.partner": "Nya partnersökningar",
        "section.event": "Nya evenemang",
        "section.health": "Källornas hälsa",
        "deadline": "Sista ansökningsdag",
        "opening": "Öppnar",
        "funders.funding-call": "Finansiär",
        "funders.event": "Program",
        "funders.partner-search": "Program",
        "amounts": "Belopp",
        "registration": "Sista anmälningsdag",
        "topics": "Ämnen",
        "identifier": "Id",
        "call_identifier": "Ingår i utlysning",
        "sources": "Hittad på",
        "why": "Därför får du den",
        "reason.topic": "ämne {value}",
        "reason.funder": "finansiär {value}",
        "reason.region": "region {value}",
        "reason.kind": "{value}",
        "kind.funding-call": "utlysningar",
        "kind.event": "evenemang",
        "kind.partner-search": "partnersökningar",
        "moved": "flyttad från {old} till {new}",
        "days.today": "i dag",
        "days.one": "1 dag kvar",
        "days.many": "{n} dagar kvar",
        "days.in": "om {n} dagar",
        "no_deadline": "ingen sista dag angiven",
        "health.failed": "misslyckades",
        "health.empty": "gav inga sidor",
        "health.usually": "brukar ge omkring {n} sidor",
        "health.run-failed": "hela körningen misslyckades",
        "health.run": "körning {run} {at}",
        "footer": "Skickat av callwatch. Varje nyhet skickas en gång; ändra prenumerationer i callwatch.toml.",
        "subject": "callwatch {date}: {summary}",
        "subject.empty": "inget nytt",
        "date": "Datum",
        "count.new": "{n} nya utlysningar",
        "count.new.one": "1 ny utlysning",
        "count.partner": "{n} nya partnersökningar",
        "count.partner.one": "1 ny partnersökning",
        "count.event": "{n} nya evenemang",
        "count.event.one": "1 nytt evenemang",
        "count.changed": "{n} ändrade sista ansökningsdagar",
        "count.changed.one": "1 ändrad sista ansökningsdag",
        "count.opening": "{n} öppnar snart",
        "count.opening.one": "1 öppnar snart",
        "count.closing": "{n} stänger snart",
        "count.closing.one": "1 stänger snart",
        "count.health": "{n} källproblem",
        "count.health.one": "1 källproblem",
    },
}


@cache
def topic_label_table(language: str) -> dict[str, str]:
    return topic_labels(language)


def topic_label(key: str, language: str) -> str:
    """A taxonomy key in the reader's language (the key itself if the taxonomy lacks it)."""
    return topic_label_table(language).get(key, key)


@cache
def _registry() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """(casefolded name or alias -> Swedish name, canonical name -> its non-abbreviation aliases)."""
    swedish: dict[str, str] = {}
    aliases: dict[str, frozenset[str]] = {}
    for entry in load_model_toml("funders.toml").get("funder", []):
        name = entry.get("name")
        if not name:
            continue
        names = [name, *entry.get("names", ())]
        aliases[name.casefold()] = aliases.get(name.casefold(), frozenset()) | {n.casefold() for n in names}
        if entry.get("sv_name"):
            for alias in [*names, *entry.get("abbr", ())]:
                swedish.setdefault(alias.casefold(), entry["sv_name"])
    return swedish, aliases


def funder_name(funder: Any, language: str, page_lang: str | None = None) -> str | None:
    """How a funder is named to this reader: in Swedish the registry's Swedish name, else the
    Swedish page's own wording when it is one of the registry's names for it; else the name."""
    if not isinstance(funder, dict):
        return str(funder) if funder else None
    name, text = funder.get("name"), funder.get("text")
    if language != "sv" or not name:
        return name or text
    swedish, aliases = _registry()
    if name.casefold() in swedish:
        return swedish[name.casefold()]
    if page_lang == "sv" and text and text != name and text.casefold() in aliases.get(name.casefold(), ()):
        return text
    return name


def format_amount(amount: Any, language: str) -> str | None:
    """{"value": 24000000, "currency": "SEK"} -> "24 MSEK"; 150 M EUR -> "EUR 150 M"."""
    if not isinstance(amount, dict):
        return None
    value, currency = amount.get("value"), str(amount.get("currency") or "").upper()
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        return None
    if value >= 1_000_000:
        number = f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".")
        number = number.replace(".", ",") if language == "sv" else number
        return f"{number} MSEK" if currency == "SEK" else f"{currency} {number} M".strip()
    number = f"{round(value):,}".replace(",", "\u00a0" if language == "sv" else ",")
    if currency == "SEK" and language == "sv":
        return f"{number} kr"
    return f"{currency} {number}".strip()
