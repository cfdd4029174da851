"""Commands that crawl: `run`, `demo`, `sources`."""

from __future__ import annotations

import logging
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from crawlers.sources import load_sources
from pipeline.cli.common import config_db_path, config_option, db_option, reports_errors
from pipeline.cli.progress import RunProgress, render_summary
from pipeline.config import load_config
from pipeline.demo import DEMO_DB, run_demo
from pipeline.run import run_job

console = Console(stderr=True)

sources_option = click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Sources file (default: the bundled crawlers/sources.toml).",
)


@click.group(invoke_without_command=True)
@sources_option
@click.pass_context
@reports_errors
def sources(ctx: click.Context, sources_path: str | None) -> None:
    """List the monitored sources and validate the sources file (see also `discover`, `check`).

    Exits non-zero with a message naming the entry and field when the file is invalid.

    Example: callwatch sources --sources my-sources.toml
    """
    if ctx.invoked_subcommand is not None:
        return
    entries = load_sources(sources_path)
    table = Table(title=f"{len(entries)} sources")
    for column in ("name", "kind", "lang", "region", "url"):
        table.add_column(column, overflow="fold")
    for s in entries:
        table.add_row(s.name + ("" if s.enabled else " (disabled)"), s.kind, s.lang or "", s.region or "", s.url)
    Console().print(table)


def crawl_log_settings() -> dict[str, Any]:
    """How much the crawl process logs, from `callwatch -v`: by default nothing but what the
    progress prints (one line per source, a failed one with its reason, as in `source_runs.error`);
    Scrapy's own errors with their tracebacks from -v; everything with -vv. An offline night
    would otherwise bury the per-source table under thousands of traceback lines."""
    level = logging.getLogger().getEffectiveLevel()
    if level <= logging.DEBUG:
        return {"LOG_LEVEL": "DEBUG"}
    return {"LOG_LEVEL": "INFO" if level <= logging.INFO else "CRITICAL"}


@click.command()
@sources_option
@db_option
@config_option
@click.option("--only", multiple=True, metavar="NAME", help="Crawl only this source (repeatable).")
@click.option("--digest/--no-digest", "send_digest", default=False, show_default=True,
              help="Send the digest to the configured recipients after the run (as the nightly job does).")
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait for another run on the same DB to finish.")
@click.option("--full", is_flag=True,
              help="Ask for every known page and read every listing page, due or not.")
@reports_errors
def run(sources_path: str | None, db_path: str | None, config_path: str | None, only: tuple[str, ...],
        send_digest: bool, wait: float, full: bool) -> None:
    """Crawl the sources, store their pages, extract and flag new and changed calls.

    The whole job, once: crawl -> extract -> detect (-> digest with --digest). Prints progress
    while it runs and a per-source summary at the end. Sources file and DB come from the options,
    else from the config file, else the defaults. Exit code 0 when at least one source worked;
    1 when none did or the configuration is invalid.

    A nightly run asks each site only for the pages that are due: new ones, those whose listing
    entry changed, open calls and coming events, and the rest every 7 to 28 days. --full asks for
    everything (a source's first run always does).

    Example: callwatch run --db calls.db --only vinnova
    """
    config = load_config(config_path)
    path = config_db_path(db_path, config)
    sources_file = sources_path or config.sources_path
    with RunProgress(console) as progress:
        summary = run_job(path, sources_file, only, crawl_settings=crawl_log_settings(), on_event=progress,
                          lock_wait=wait, config=config if send_digest else None, full=full)
    console.print(render_summary(summary))
    digest = summary.get("digest")
    if digest:
        console.print(f"digest: {digest['status']}"
                      + (f", sent to {', '.join(digest['sent'])}" if digest.get("sent") else "")
                      + (f" ({digest['error']})" if digest.get("error") else ""))
    console.print(f"Database: {path}")
    if summary["status"] == "failed":
        raise click.ClickException("no source could be read; see the errors above "
                                   "(no network here? `callwatch demo` runs the same job offline)")


@click.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=DEMO_DB, show_default=True,
              help="The demo's own database (kept apart from the real one).")
@reports_errors
def demo(db_path: str) -> None:
    """Run the real crawl offline on a bundled snapshot site.

    Serves a small regional EU office site on 127.0.0.1, crawls it with the same spiders,
    extraction, detection and store as `callwatch run`, and tells what the demo DB holds. The
    demo DB is made afresh each time (a DB holding real sources is refused, never overwritten).

    Example: callwatch demo && sqlite3 callwatch-demo.db 'select title from pages'
    """
    with RunProgress(console) as progress:
        summary = run_demo(db_path, on_event=progress)
    console.print(render_summary(summary))
    held = summary["holdings"]
    console.print(f"{held['pages']} pages from {held['sources']} sources, {held['calls']} calls "
                  f"({held['open_calls']} open; {held['opportunities']} opportunities with events and "
                  f"partner searches) in {db_path}")
    console.print(f"Next: callwatch calls --db {db_path}")
