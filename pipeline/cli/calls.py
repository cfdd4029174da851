"""Commands over the calls register: `calls`, `export`, `serve`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
import sqlite_utils
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.cli.common import db_option, reports_errors
from pipeline.export import render_atom, render_ics, write_export
from pipeline.register import CallFilters, list_calls
from pipeline.safe_text import one_line, strip_controls
from pipeline.store import open_db, resolve_db_path
from pipeline.views import datasette_metadata
from pipeline.vocabulary import REGISTER_KINDS

CSV_FIELDS = ("id", "title", "kind", "status", "deadline", "opening", "identifier", "funders", "topics",
              "amounts", "url", "sources", "is_new", "first_seen", "first_seen_run", "last_seen_run")


def open_existing_db(db_path: str | None) -> tuple[Path, sqlite_utils.Database]:
    """Open the store for a reading command: a missing file is an error, not a new empty DB,
    and a read-only store is fine when its schema is current."""
    path = resolve_db_path(db_path)
    return path, open_db(path, create=False, write=False)


@click.command()
@db_option
@click.option("--new", "new", is_flag=True, help="Only calls first seen in the latest run.")
@click.option("--open", "open_", is_flag=True, help="Only calls open today.")
@click.option("--kind", type=click.Choice(REGISTER_KINDS), help="Only this kind of opportunity.")
@click.option("--topic", metavar="KEY", help="Only calls with this taxonomy topic key.")
@click.option("--funder", metavar="TEXT", help="Only calls whose funder name contains TEXT.")
@click.option("--deadline-before", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              help="Only calls with a deadline on or before DATE (YYYY-MM-DD).")
@click.option("--search", metavar="TEXT", help="Full-text search over calls and their pages.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format.")
@reports_errors
def calls(db_path: str | None, new: bool, open_: bool, kind: str | None, topic: str | None,
          funder: str | None, deadline_before: Any, search: str | None, fmt: str) -> None:
    """List the calls register, nearest deadline first.

    Example: callwatch calls --new --open --funder vinnova --format json
    """
    _, db = open_existing_db(db_path)
    filters = CallFilters(
        new=new, open=open_, kind=kind, topic=topic, funder=funder, search=search,
        deadline_before=deadline_before.date().isoformat() if deadline_before else None,
    )
    rows = list_calls(db, filters)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _csv_cell(value) for key, value in _flat(row).items()})
    else:
        _print_table(rows)


# A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(...)`).
_FORMULA_START = ("=", "+", "-", "@", "\t")


def _csv_cell(value: Any) -> Any:
    """A scraped value as a CSV cell: no control characters, never read as a formula (OWASP)."""
    if not isinstance(value, str):
        return value
    value = strip_controls(value)
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _flat(call: dict[str, Any]) -> dict[str, Any]:
    return {
        **call,
        "funders": "; ".join(f.get("name", "") for f in call["funders"]),
        "topics": "; ".join(call["topics"]),
        "amounts": "; ".join(f"{a.get('value')} {a.get('currency') or ''}".strip() for a in call["amounts"]),
        "sources": "; ".join(sorted({s["source"] for s in call["sources"] if s["source"]})),
        "is_new": "yes" if call["is_new"] else "",
    }


def _print_table(rows: list[dict[str, Any]]) -> None:
    table = Table(title=f"{len(rows)} calls")
    for column in ("deadline", "status", "kind", "title", "funders", "sources", "new"):
        table.add_column(column, overflow="fold")
    for row in rows:
        flat = _flat(row)
        cells = (row["deadline"], row["status"], row["kind"], row["title"], flat["funders"], flat["sources"],
                 "new" if row["is_new"] else "")
        # Text, not str: rich would read a scraped "[link=...]" or ":emoji:" as its own markup.
        table.add_row(*(Text(one_line(cell)) for cell in cells))
    Console().print(table)


@click.command()
@db_option
@click.option("--ics", "ics_path", type=click.Path(dir_okay=False), help="Write an iCalendar file here.")
@click.option("--atom", "atom_path", type=click.Path(dir_okay=False), help="Write an Atom feed here.")
@reports_errors
def export(db_path: str | None, ics_path: str | None, atom_path: str | None) -> None:
    """Export deadlines and events as iCalendar, and new calls as an Atom feed.

    Example: callwatch export --ics deadlines.ics --atom new-calls.xml
    """
    if not ics_path and not atom_path:
        raise click.UsageError("give --ics PATH, --atom PATH or both")
    _, db = open_existing_db(db_path)
    try:
        if ics_path:
            click.echo(f"wrote {write_export(render_ics(db), ics_path)}")
        if atom_path:
            click.echo(f"wrote {write_export(render_atom(db), atom_path)}")
    except OSError as exc:
        raise click.ClickException(f"cannot write the export: {exc}") from exc


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port.")
@reports_errors
def serve(db_path: str | None, host: str, port: int) -> None:
    """Browse and query the register in Datasette (views, canned queries, full-text search).

    Example: callwatch serve --db callwatch.db --port 8001
    """
    path, db = open_existing_db(db_path)  # brings the schema (views, FTS) up to date first
    db.close()
    with tempfile.TemporaryDirectory(prefix="callwatch-datasette-") as tmp:
        metadata = Path(tmp) / "metadata.json"
        metadata.write_text(json.dumps(datasette_metadata(path.stem), ensure_ascii=False), encoding="utf-8")
        command = [sys.executable, "-m", "datasette", "serve", str(path), "--metadata", str(metadata),
                   "--host", host, "--port", str(port)]
        try:
            code = subprocess.call(command)
        except KeyboardInterrupt:
            code = 0
    if code:
        raise click.ClickException(f"datasette exited with status {code}")
