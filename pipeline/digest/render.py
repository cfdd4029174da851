"""Render a digest into a subject, an HTML part and a plain-text part, in Swedish or English.

Scraped titles and texts are untrusted: the HTML environment autoescapes everything, links are
kept only for http(s) URLs, and the HTML has inline CSS only (no scripts, no external images),
so it reads the same in webmail, Outlook and phone clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pipeline.config import topic_labels
from pipeline.digest.select import SECTIONS, Item
from pipeline.safe_text import one_line, strip_controls
from pipeline.vocabulary import EVENT, STOCKHOLM, next_deadline

TEMPLATES = Path(__file__).with_name("templates")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Funding calls digest",
        "greeting": "Hello {name},",
        "intro": "What callwatch found since the last digest.",
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
        "funders": "Funder",
        "topics": "Topics",
        "identifier": "Identifier",
        "sources": "Found on",
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
        "count.new": "{n} new calls",
        "count.new.one": "1 new call",
        "count.other.one": "1 update",
        "count.health.one": "1 source problem",
        "date": "Date",
        "count.closing": "{n} closing soon",
        "count.health": "{n} source problems",
        "count.other": "{n} updates",
    },
    "sv": {
        "heading": "Utlysningar – sammanfattning",
        "greeting": "Hej {name}!",
        "intro": "Det här har callwatch hittat sedan förra utskicket.",
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
        "funders": "Finansiär",
        "topics": "Ämnen",
        "identifier": "Id",
        "sources": "Hittad på",
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
        "count.new": "{n} nya utlysningar",
        "count.new.one": "1 ny utlysning",
        "count.other.one": "1 uppdatering",
        "count.health.one": "1 källproblem",
        "date": "Datum",
        "count.closing": "{n} stänger snart",
        "count.health": "{n} källproblem",
        "count.other": "{n} uppdateringar",
    },
}


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    html: str
    text: str


def _env(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


_TOPIC_LABELS = topic_labels()
_HTML_ENV = _env(autoescape=True)
_TEXT_ENV = _env(autoescape=False)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links reach the email; a scraped `javascript:` URL is dropped."""
    url = strip_controls(url).strip()  # first: "java\x00script:" must be judged as "javascript:"
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _one_line(text: str | None) -> str:
    """Scraped titles and error texts can carry newlines, runs of spaces and control characters
    (an ESC in the text part drives a terminal mail client); a digest line can't."""
    return one_line(text)


def _local_time(iso: str | None) -> str:
    """A stored UTC timestamp as Stockholm wall-clock time, which is what staff read."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(STOCKHOLM)
    return moment.strftime("%Y-%m-%d %H:%M")


def _days(labels: dict[str, str], iso: str | None, today: date, future_phrase: bool = False) -> str | None:
    if not iso:
        return None
    try:
        n = (date.fromisoformat(iso[:10]) - today).days
    except ValueError:
        return None
    if n < 0:
        return None
    if n == 0:
        return labels["days.today"]
    if future_phrase:
        return labels["days.in"].format(n=n)
    return labels["days.one"] if n == 1 else labels["days.many"].format(n=n)


def _entry(item: Item, labels: dict[str, str], today: date) -> dict[str, Any]:
    if item.section == "health":
        p = item.payload
        problem = labels[f"health.{p.get('problem', 'failed')}"]
        details = []
        if p.get("usual_pages"):
            details.append(labels["health.usually"].format(n=p["usual_pages"]))
        if p.get("error"):
            details.append(_one_line(p["error"]))
        return {
            "title": _one_line(p.get("source")) or "callwatch",
            "url": None,
            "problem": problem,
            "details": details,
            "when": labels["health.run"].format(run=p.get("run_id"), at=_local_time(p.get("run_at"))),
        }
    call = item.call or {}
    deadline = (call.get("deadline") or "")[:10] or None
    if not deadline and call.get("kind") == EVENT:  # an event's date, the next one still ahead
        deadline = next_deadline([str(d) for d in call.get("events") or ()], today)
    opening = (call.get("opening") or "")[:10] or None
    funders = []
    for f in call.get("funders") or ():
        name = (f.get("name") or f.get("text")) if isinstance(f, dict) else str(f)
        if name and name not in funders:
            funders.append(name)
    note = None
    if item.section == "changed":
        old, new = (item.payload.get("old") or "")[:10], (item.payload.get("new") or "")[:10]
        note = labels["moved"].format(old=old, new=new)
    is_event = call.get("kind") == "event"
    return {
        "date_label": labels["date"] if is_event else labels["deadline"],
        "title": _one_line(call.get("title") or call.get("identifier") or call.get("url")),
        "url": safe_url(call.get("url")),
        "raw_url": _one_line(call.get("url")),
        "funders": _one_line(", ".join(funders)),
        "deadline": deadline,
        "days_left": _days(labels, deadline, today, future_phrase=is_event),
        "opening": opening if item.section == "opening" or (opening and opening > today.isoformat()) else None,
        "opens_in": _days(labels, opening, today, future_phrase=True),
        "topics": _one_line(", ".join(_TOPIC_LABELS.get(str(t), str(t)) for t in call.get("topics") or ())),
        "identifier": _one_line(call.get("identifier")) or None,
        "sources": _one_line(", ".join(call.get("sources") or ())),
        "note": note,
        "urgent": bool(deadline and 0 <= (date.fromisoformat(deadline) - today).days <= 7),
    }


def build_view(
    items: list[Item], *, language: str, today: date, closing_days: int, name: str | None = None
) -> dict[str, Any]:
    labels = LABELS[language]
    sections = []
    for section in SECTIONS:
        entries = [_entry(i, labels, today) for i in items if i.section == section]
        if entries:
            sections.append(
                {
                    "key": section,
                    "title": labels[f"section.{section}"].format(days=closing_days),
                    "entries": entries,
                }
            )
    counts = {s: sum(1 for i in items if i.section == s) for s in SECTIONS}
    counts["other"] = sum(counts[s] for s in ("changed", "opening", "partner", "event"))
    parts = [
        labels.get(f"count.{key}.one" if counts[key] == 1 else f"count.{key}", labels[f"count.{key}"]).format(
            n=counts[key]
        )
        for key in ("new", "closing", "other", "health")
        if counts[key]
    ]
    summary = ", ".join(parts) or labels["subject.empty"]
    return {
        "lang": language,
        "labels": labels,
        "today": today.isoformat(),
        "greeting": labels["greeting"].format(name=name) if name else None,
        "sections": sections,
        "subject": labels["subject"].format(date=today.isoformat(), summary=summary),
    }


def render_digest(
    items: list[Item], *, language: str, today: date, closing_days: int = 14, name: str | None = None
) -> RenderedDigest:
    """The digest for these (already filtered and arranged) items."""
    view = build_view(items, language=language, today=today, closing_days=closing_days, name=name)
    html = _HTML_ENV.get_template("digest.html.j2").render(**view)
    text = _TEXT_ENV.get_template("digest.txt.j2").render(**view)
    return RenderedDigest(subject=view["subject"], html=html, text=text)
