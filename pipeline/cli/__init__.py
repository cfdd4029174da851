"""The `callwatch` command line. Each area's commands live in a module of this package.

A command's module is imported only when that command runs (or help lists it): `callwatch extract`
then does not import Scrapy, the crawlers, the store or the digest, which cost more start-up
time than a few hundred pages' extraction.
"""

from __future__ import annotations

import importlib
import logging

import click

# command name -> "module:attribute"
COMMANDS = {
    "run": "pipeline.cli.crawl:run",
    "demo": "pipeline.cli.crawl:demo",
    "sources": "pipeline.cli.crawl:sources",
    "extract": "pipeline.cli.extract:extract",
    "eval": "pipeline.cli.extract:evaluate_command",
    "train": "pipeline.cli.extract:train",
    "digest": "pipeline.cli.digest:digest",
    "schedule": "pipeline.cli.digest:schedule",
    "calls": "pipeline.cli.calls:calls",
    "export": "pipeline.cli.calls:export",
    "serve": "pipeline.cli.serve:serve",
}
# subcommands of a group that live in another module: group name -> "module:attribute"s
SUBCOMMANDS = {"sources": ("pipeline.cli.source_checks:discover", "pipeline.cli.source_checks:check")}


def load_command(target: str) -> click.Command:
    module, attribute = target.split(":")
    return getattr(importlib.import_module(module), attribute)


class LazyCommands(click.Group):
    """A group whose commands are imported on first use (click's documented lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        command = load_command(COMMANDS[cmd_name])
        if isinstance(command, click.Group):
            for target in SUBCOMMANDS.get(cmd_name, ()):
                sub = load_command(target)
                if sub.name not in command.commands:
                    command.add_command(sub)
        return command


@click.group(cls=LazyCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="callwatch")
def cli(verbose: int) -> None:
    """callwatch: monitor EU and Swedish regional funding calls.

    Crawls the monitored sites, extracts calls, deadlines, funders and topics, stores them in
    SQLite, flags what is new and sends a digest.

    Example: callwatch demo
    """
    from rich.logging import RichHandler

    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(message)s", handlers=[RichHandler(show_path=False)])
