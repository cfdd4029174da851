"""Commands over the calls register: `calls` and `export` (`serve` is in serve.py)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import click
import sqlite_utils
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.call_queries import CallFilters, list_calls
from pipeline.cli.common import db_option, reports_errors
from pipeline.config import topic_labels
from pipeline.export import render_atom, render_ics, write_export
from pipeline.safe_text import one_line, strip_controls
from pipeline.search import SEARCH_SYNTAX
from pipeline.store import open_db, resolve_db_path
from pipeline.vocabulary import REGISTER_KINDS

CSV_FIELDS = ("id", "title", "kind", "status", "deadline", "opening", "identifier", "funders", "topics",
              "amounts", "url", "sources", "is_new", "first_seen", "first_seen_run", "last_seen_run")


def open_existing_db(db_path: str | None) -> tuple[Path, sqlite_utils.Database]:
    """Open the store for a reading command: a missing file is an error, not a new empty DB,
    and a read-only store is fine when its schema is current."""
    path = resolve_db_path(db_path)
    return path, open_db(path, create=False, write=False)


def _check_topic(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A topic key must be one of the taxonomy's: a typo would otherwise list nothing, silently."""
    keys = topic_labels()
    if value is None or not keys or value in keys:
        return value
    raise click.BadParameter(f"unknown topic {value!r}; valid keys: {', '.join(sorted(keys))}")


@click.command()
@db_option
@click.option("--new", "new", is_flag=True, help="Only calls first seen in the latest run.")
@click.option("--open", "open_", is_flag=True,
              help="Only calls open today (status open, as the open_calls view).")
@click.option("--open-or-forthcoming", "open_or_forthcoming", is_flag=True,
              help="Only calls open today or announced to open (the open_or_forthcoming_calls view).")
@click.option("--kind", type=click.Choice(REGISTER_KINDS), help="Only this kind of opportunity.")
@click.option("--topic", metavar="KEY", callback=_check_topic,
              help="Only calls with this taxonomy topic key (e.g. health-care).")
@click.option("--funder", metavar="TEXT", help="Only calls whose funder name contains TEXT.")
@click.option("--deadline-before", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              help="Only calls with a deadline on or before DATE (YYYY-MM-DD).")
@click.option("--search", metavar="TEXT",
              help=f"Full-text search over calls and their pages. {SEARCH_SYNTAX}")
@click.option("--history", "with_history", is_flag=True,
              help="Show each call's recorded changes (moved deadlines, status changes, sources added).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format.")
@reports_errors
def calls(db_path: str | None, new: bool, open_: bool, open_or_forthcoming: bool, kind: str | None,
          topic: str | None, funder: str | None, deadline_before: Any, search: str | None, with_history: bool,
          fmt: str) -> None:
    """List the calls register, nearest deadline first.

    Example: callwatch calls --new --open --funder vinnova --format json

    Example: callwatch calls --search 'hälsa OR energi' --history
    """
    _, db = open_existing_db(db_path)
    filters = CallFilters(
        new=new, open=open_, open_or_forthcoming=open_or_forthcoming, kind=kind, topic=topic, funder=funder,
        search=search, deadline_before=deadline_before.date().isoformat() if deadline_before else None,
    )
    rows = list_calls(db, filters, with_history=with_history)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        fields = (*CSV_FIELDS, "history") if with_history else CSV_FIELDS
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _csv_cell(value) for key, value in _flat(row).items()})
    else:
        _print_table(rows, with_history)


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
        "history": "; ".join(_change(event) for event in call.get("history") or ()),
    }


def _change(event: dict[str, Any]) -> str:
    """One recorded change in a line: `deadline 2027-04-16 -> 2027-05-20 (run 2)`."""
    values = " -> ".join(str(v) for v in (event["old"], event["new"]) if v is not None)
    return f"{event['field']} {values} (run {event['run_id']})"


def _print_table(rows: list[dict[str, Any]], with_history: bool = False) -> None:
    table = Table(title=f"{len(rows)} {'call' if len(rows) == 1 else 'calls'}")
    columns = ("deadline", "status", "kind", "title", "funders", "sources", "new")
    for column in (*columns, "history") if with_history else columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        flat = _flat(row)
        cells = (row["deadline"], row["status"], row["kind"], row["title"], flat["funders"], flat["sources"],
                 "new" if row["is_new"] else "")
        if with_history:
            cells += (flat["history"],)
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
