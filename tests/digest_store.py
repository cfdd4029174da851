"""Builders for digest tests: rows written straight into a real SQLite store, a real SMTP server.

The digest's input is the store (calls, call_pages, call_events, runs, source_runs, sources), so
tests write those rows directly instead of running crawl/extract/detect.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import sqlite_utils
from aiosmtpd.controller import Controller

from pipeline.sources_table import SourceInfo, save_sources

TODAY = date(2026, 11, 22)

# What the runs that crawled these sources recorded in the store (the digest reads this, not a file).
SOURCES = (
    SourceInfo("eu-portal", "EU Funding & Tenders Portal", "https://api.tech.ec.europa.eu/search-api/prod/rest/search",
               "https://ec.europa.eu/info/funding-tenders/opportunities/portal/", "eu", "eu-portal", "en"),
    SourceInfo("skane-eu", "Region Skåne: EU-nyheter", "https://skane.example/news", "https://skane.example/news",
               "skane", "listing", "sv"),
    SourceInfo("vgr", "Västra Götalandsregionen: utlysningar", "https://vgr.example/utlysningar",
               "https://vgr.example/utlysningar", "vastra-gotaland", "listing", "sv"),
)

SOURCES_TOML = """
[[sources]]
name = "eu-portal"
kind = "eu-portal"
url = "https://api.tech.ec.europa.eu/search-api/prod/rest/search"
region = "eu"

[[sources]]
name = "skane-eu"
kind = "listing"
url = "https://skane.example/news"
region = "skane"

[[sources]]
name = "vgr"
kind = "listing"
url = "https://vgr.example/utlysningar"
region = "vastra-gotaland"
"""


def add_sources(db: sqlite_utils.Database, sources: tuple[SourceInfo, ...] = SOURCES, run_id: int = 1) -> None:
    save_sources(db, sources, run_id)


def add_run(db: sqlite_utils.Database, status: str = "ok", day: str = "2026-11-20") -> int:
    with db.conn:
        return db["runs"].insert(
            {"started_at": f"{day}T01:00:00+00:00", "finished_at": f"{day}T01:30:00+00:00", "status": status}
        ).last_pk


def add_source_run(db, run_id: int, source: str, status: str = "ok", pages: int = 10, error: str | None = None):
    with db.conn:
        db["source_runs"].insert(
            {"run_id": run_id, "source": source, "status": status, "pages_seen": pages, "error": error}
        )


def add_call(
    db: sqlite_utils.Database,
    call_id: str,
    title: str,
    run_id: int,
    *,
    kind: str = "funding-call",
    deadline: str | None = "2026-12-15",
    opening: str | None = None,
    funders: tuple[str, ...] = ("Vinnova",),
    topics: tuple[str, ...] = (),
    sources: tuple[str, ...] = ("vgr",),
    identifier: str | None = None,
    url: str | None = None,
    events: tuple[str, ...] = (),
) -> None:
    url = url or f"https://example.org/calls/{call_id}"
    with db.conn:
        db["calls"].insert(
            {
                "id": call_id,
                "title": title,
                "kind": kind,
                "url": url,
                "deadline": deadline,
                "opening": opening,
                "status": "open",
                "funders": json.dumps([{"name": f, "text": f} for f in funders]),
                "topics": json.dumps(list(topics)),
                "amounts": "[]",
                "identifier": identifier,
                "events": json.dumps(list(events)),
                "first_seen_run": run_id,
                "last_seen_run": run_id,
            }
        )
        for source in sources:
            db["call_pages"].insert({"call_id": call_id, "url": f"{url}#{source}", "source": source,
                                     "first_seen_run": run_id, "last_seen_run": run_id})


def add_event(db, call_id: str, run_id: int, field: str, old: str | None, new: str | None) -> None:
    with db.conn:
        db["call_events"].insert({"call_id": call_id, "run_id": run_id, "field": field, "old_value": old,
                                  "new_value": new, "at": "2026-11-21T01:00:00+00:00"})
        if field == "deadline":
            db["calls"].update(call_id, {"deadline": new})


def write_config(tmp_path: Path, body: str, *, sources: bool = True) -> Path:
    if sources:
        (tmp_path / "sources.toml").write_text(SOURCES_TOML, encoding="utf-8")
        body = 'sources = "sources.toml"\n' + body
    path = tmp_path / "callwatch.toml"
    path.write_text(body, encoding="utf-8")
    return path


def smtp_section(port: int) -> str:
    return f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\nfrom = "callwatch@region.example"\n'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every message it accepted."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.rcpt_tos]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 (aiosmtpd), started and stopped by the test."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def parts(message: EmailMessage) -> tuple[str, str]:
    """(text, html) bodies of a multipart/alternative digest."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html
