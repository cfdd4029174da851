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

from pipeline.config import Recipient
from pipeline.digest.labels import LABELS, format_amount, funder_name, topic_label
from pipeline.digest.select import SECTIONS, Item, subscription_reasons
from pipeline.safe_text import one_line, strip_controls
from pipeline.vocabulary import EVENT, FUNDING_CALL, STOCKHOLM, next_deadline

TEMPLATES = Path(__file__).with_name("templates")

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


def _health_entry(item: Item, labels: dict[str, str]) -> dict[str, Any]:
    p = item.payload
    problem = labels[f"health.{p.get('problem', 'failed')}"]
    details = []
    if p.get("usual_pages"):
        details.append(labels["health.usually"].format(n=p["usual_pages"]))
    if p.get("error"):
        details.append(_one_line(p["error"]))
    source = _one_line(p.get("source"))
    title = _one_line(p.get("title"))
    return {
        # the title people know it by, and the slug the logs and `source_runs` use
        "title": f"{title} ({source})" if title and source else (source or "callwatch"),
        "url": None,
        "problem": problem,
        "details": details,
        "when": labels["health.run"].format(run=p.get("run_id"), at=_local_time(p.get("run_at"))),
    }


def _reasons(item: Item, recipient: Recipient | None, labels: dict[str, str], language: str) -> str:
    """"ämne Hälsa, vård och omsorg · region Skåne": what of the subscription this item matched."""
    found = subscription_reasons(item, recipient) if recipient is not None else None
    words = []
    for kind, value in found or ():
        if kind == "topic":
            value = topic_label(value, language)
        elif kind == "kind":
            value = labels.get(f"kind.{value}", value)
        words.append(labels[f"reason.{kind}"].format(value=value))
    return _one_line(" · ".join(words))


def _entry(item: Item, labels: dict[str, str], today: date, language: str,
           recipient: Recipient | None = None) -> dict[str, Any]:
    if item.section == "health":
        return _health_entry(item, labels)
    call = item.call or {}
    kind = call.get("kind") or FUNDING_CALL
    is_event = kind == EVENT
    deadline = (call.get("deadline") or "")[:10] or None
    event_date = next_deadline([str(d) for d in call.get("events") or ()], today) if is_event else None
    if is_event:
        # an event's cut-offs are those of the calls it presents (its own date is in `events`)
        deadline = next_deadline([str(d) for d in call.get("cutoffs") or ()], today)
    registration = (call.get("registration") or "")[:10] or None
    if registration and registration < today.isoformat():
        registration = None  # registration has closed; the event may still be worth knowing of
    shown_date = event_date or deadline
    opening = (call.get("opening") or "")[:10] or None
    funders: list[str] = []
    for f in call.get("funders") or ():
        name = funder_name(f, language, call.get("page_lang"))
        if name and name not in funders:
            funders.append(name)
    amounts = [a for a in (format_amount(a, language) for a in call.get("amounts") or ()) if a]
    note = None
    if item.section == "changed":
        old, new = (item.payload.get("old") or "")[:10], (item.payload.get("new") or "")[:10]
        note = labels["moved"].format(old=old, new=new)
    identifier = _one_line(call.get("identifier")) or None
    part_of = _one_line(call.get("call_identifier")) or None
    call_title = _one_line(call.get("call_title"))
    return {
        "date_label": labels["date"] if event_date else labels["deadline"],
        "title": _one_line(call.get("title") or call.get("identifier") or call.get("url")),
        "url": safe_url(call.get("url")),
        "raw_url": _one_line(call.get("url")),
        "funders_label": labels.get(f"funders.{kind}", labels["funders.funding-call"]),
        "funders": _one_line(", ".join(funders)),
        "amounts": _one_line(", ".join(dict.fromkeys(amounts[:4]))),
        "deadline": shown_date,
        "days_left": _days(labels, shown_date, today, future_phrase=bool(event_date)),
        "call_deadline": deadline if event_date and deadline else None,
        "registration": registration,
        "registration_left": _days(labels, registration, today),
        "opening": opening if item.section == "opening" or (opening and opening > today.isoformat()) else None,
        "opens_in": _days(labels, opening, today, future_phrase=True),
        "topics": _one_line(", ".join(topic_label(str(t), language) for t in call.get("topics") or ())),
        "identifier": identifier,
        "call_identifier": (f"{call_title} ({part_of})" if call_title else part_of)
        if part_of and part_of != identifier else None,
        "sources": [
            {"title": _one_line(s.get("title")), "url": safe_url(s.get("url"))}
            for s in call.get("source_links") or ({"title": slug, "url": None} for slug in call.get("sources") or ())
        ],
        "why": _reasons(item, recipient, labels, language),
        "note": note,
        "urgent": any(_within(d, today, 7) for d in (shown_date, registration)),
    }


def _within(iso: str | None, today: date, days: int) -> bool:
    if not iso:
        return False
    try:
        return 0 <= (date.fromisoformat(iso) - today).days <= days
    except ValueError:
        return False


def build_view(
    items: list[Item], *, language: str, today: date, closing_days: int, name: str | None = None,
    recipient: Recipient | None = None,
) -> dict[str, Any]:
    labels = LABELS[language]
    sections = []
    for section in SECTIONS:
        entries = [_entry(i, labels, today, language, recipient) for i in items if i.section == section]
        if entries:
            sections.append(
                {
                    "key": section,
                    "title": labels[f"section.{section}"].format(days=closing_days),
                    "entries": entries,
                }
            )
    counts = {s: sum(1 for i in items if i.section == s) for s in SECTIONS}
    # Each kind of news named as what it is: a new partner search is not an "update".
    parts = [
        labels[f"count.{key}.one" if counts[key] == 1 else f"count.{key}"].format(n=counts[key])
        for key in ("new", "partner", "event", "changed", "closing", "opening", "health")
        if counts[key]
    ]
    summary = ", ".join(parts) or labels["subject.empty"]
    unfiltered = recipient is not None and not (
        recipient.topics or recipient.funders or recipient.regions or recipient.kinds)
    return {
        "lang": language,
        "labels": labels,
        "today": today.isoformat(),
        "greeting": labels["greeting"].format(name=name) if name else None,
        "everything": unfiltered and any(s["key"] != "health" for s in sections),
        "sections": sections,
        "subject": labels["subject"].format(date=today.isoformat(), summary=summary),
    }


def render_digest(
    items: list[Item], *, language: str, today: date, closing_days: int = 14, name: str | None = None,
    recipient: Recipient | None = None,
) -> RenderedDigest:
    """The digest for these (already filtered and arranged) items; with the `recipient`, each
    item says which part of their subscription it matched."""
    view = build_view(items, language=language, today=today, closing_days=closing_days, name=name,
                      recipient=recipient)
    html = _HTML_ENV.get_template("digest.html.j2").render(**view)
    text = _TEXT_ENV.get_template("digest.txt.j2").render(**view)
    return RenderedDigest(subject=view["subject"], html=html, text=text)
