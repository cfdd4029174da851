"""The `callwatch` command line. Each area's commands live in a module of this package."""

from __future__ import annotations

import logging

import click
from rich.logging import RichHandler

from pipeline.cli.calls import calls, export
from pipeline.cli.crawl import demo, run, sources
from pipeline.cli.digest import digest, schedule
from pipeline.cli.extract import evaluate_command, extract, train
from pipeline.cli.serve import serve
from pipeline.cli.source_checks import check, discover


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="callwatch")
def cli(verbose: int) -> None:
    """callwatch: monitor EU and Swedish regional funding calls.

    Crawls the monitored sites, extracts calls, deadlines, funders and topics, stores them in
    SQLite, flags what is new and sends a digest.

    Example: callwatch demo
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(message)s", handlers=[RichHandler(show_path=False)])


sources.add_command(discover)
sources.add_command(check)

for command in (run, demo, sources, extract, evaluate_command, train, digest, schedule, calls, export, serve):
    cli.add_command(command)
