"""Commands that crawl: `run`, `demo`, `sources`."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from crawlers.sources import load_sources
from pipeline.cli.common import db_option, reports_errors

console = Console()

sources_option = click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Sources file (default: the bundled crawlers/sources.toml).",
)


@click.command()
@sources_option
@reports_errors
def sources(sources_path: str | None) -> None:
    """List the monitored sources and validate the sources file.

    Example: callwatch sources --sources my-sources.toml
    """
    entries = load_sources(sources_path)
    table = Table(title=f"{len(entries)} sources")
    for column in ("name", "kind", "lang", "region", "url"):
        table.add_column(column)
    for s in entries:
        table.add_row(s.name, s.kind, s.lang or "", s.region or "", s.url)
    console.print(table)


@click.command()
@sources_option
@db_option
@click.option("--only", multiple=True, metavar="NAME", help="Crawl only this source (repeatable).")
@reports_errors
def run(sources_path: str | None, db_path: str | None, only: tuple[str, ...]) -> None:
    """Crawl the sources, store pages, extract, detect calls."""
    raise click.ClickException("not implemented yet")


@click.command()
@reports_errors
def demo() -> None:
    """Run the real crawl offline on a bundled snapshot site."""
    raise click.ClickException("not implemented yet")
